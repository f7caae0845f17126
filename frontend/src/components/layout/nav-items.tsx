import type { ReactNode } from 'react';

import { AdminIcon, ComplianceIcon, DataIcon, ExecutiveIcon, ModelsIcon } from '@/components/ui/icons';
import { paths } from '@/config/paths';

export type NavItem = { label: string; to: string; icon: ReactNode; description: string };
export type NavSection = { heading: string; items: NavItem[] };

/** The product areas, in sidebar order. */
export const navSections: NavSection[] = [
  {
    heading: 'Overview',
    items: [
      {
        label: 'Executive',
        to: paths.app.executive.getHref(),
        icon: <ExecutiveIcon />,
        description: 'Portfolio performance and business impact',
      },
    ],
  },
  {
    heading: 'Machine learning',
    items: [
      {
        label: 'Models',
        to: paths.app.models.getHref(),
        icon: <ModelsIcon />,
        description: 'AutoML experiments, leaderboards and deployments',
      },
      { label: 'Data', to: paths.app.data.getHref(), icon: <DataIcon />, description: 'Datasets and connections' },
    ],
  },
  {
    heading: 'Governance',
    items: [
      {
        label: 'Compliance',
        to: paths.app.compliance.getHref(),
        icon: <ComplianceIcon />,
        description: 'Audit trail and model risk documentation',
      },
      {
        label: 'Admin',
        to: paths.app.admin.getHref(),
        icon: <AdminIcon />,
        description: 'API tokens and workspace settings',
      },
    ],
  },
];
