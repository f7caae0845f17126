import type { ReactNode } from 'react';

import {
  AdminIcon,
  AlertTriangleIcon,
  ComplianceIcon,
  DataIcon,
  ExecutiveIcon,
  ModelsIcon,
  StampIcon,
} from '@/components/ui/icons';
import { paths } from '@/config/paths';

export type NavItem = {
  label: string;
  to: string;
  icon: ReactNode;
  description: string;
  /** Shown only when the viewer holds at least one of these permissions. */
  anyOf?: readonly string[];
};
export type NavSection = { heading: string; items: NavItem[] };

/** Any of these opens at least one section of the Admin area. */
export const ADMIN_PERMISSIONS = [
  'users:read',
  'roles:read',
  'sso:read',
  'tokens:create',
  'tokens:manage',
  'events:read',
  'webhooks:manage',
  'promotion_policy:manage',
] as const;

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
        description: 'AutoML training jobs, leaderboards and the model registry',
        anyOf: ['training:read', 'models:read'],
      },
      {
        label: 'Alerts',
        to: paths.app.alerts.getHref(),
        icon: <AlertTriangleIcon />,
        description: 'Drift, errors, latency and performance alerts of models in production',
        anyOf: ['models:read'],
      },
      {
        label: 'Data',
        to: paths.app.data.getHref(),
        icon: <DataIcon />,
        description: 'Datasets and their profiles',
        anyOf: ['datasets:read'],
      },
    ],
  },
  {
    heading: 'Governance',
    items: [
      {
        label: 'Approvals',
        to: paths.app.approvals.getHref(),
        icon: <StampIcon />,
        description: 'Model versions waiting for a second person before they change stage',
        anyOf: ['models:read'],
      },
      {
        label: 'Compliance',
        to: paths.app.compliance.getHref(),
        icon: <ComplianceIcon />,
        description: 'Audit trail and model risk documentation',
        // every tab needs one of these: an executive's link led to a permission error
        anyOf: ['audit:read', 'privacy:request', 'privacy:approve', 'retention:manage'],
      },
      {
        label: 'Admin',
        to: paths.app.admin.getHref(),
        icon: <AdminIcon />,
        description: 'Members, roles, single sign-on, API tokens and webhooks',
        anyOf: ADMIN_PERMISSIONS,
      },
    ],
  },
];
