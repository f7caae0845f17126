import type { ReactNode } from 'react';

import { ActivityIcon, FileTextIcon, GridIcon, LockIcon, ShieldIcon } from '@/components/ui/icons';

export type ComplianceSectionPath = '' | 'audit-log' | 'retention' | 'requests' | 'chain';

/** A tab of the compliance area: the overview (index, path '') or one tool; the panel is chosen in compliance.tsx. */
export type ComplianceSection = { path: ComplianceSectionPath; label: string; icon: ReactNode };

export const COMPLIANCE_SECTIONS: readonly ComplianceSection[] = [
  { path: '', label: 'Overview', icon: <GridIcon size={16} /> },
  { path: 'audit-log', label: 'Audit log', icon: <FileTextIcon size={16} /> },
  { path: 'retention', label: 'Retention', icon: <ActivityIcon size={16} /> },
  { path: 'requests', label: 'Data subject requests', icon: <LockIcon size={16} /> },
  { path: 'chain', label: 'Audit chain', icon: <ShieldIcon size={16} /> },
];
