import type { ReactNode } from 'react';

import { ActivityIcon, KeyIcon, LockIcon, MailIcon, ShieldIcon, StampIcon, UsersIcon } from '@/components/ui/icons';
import { paths } from '@/config/paths';

export type AdminSectionPath = 'members' | 'roles' | 'sso' | 'tokens' | 'webhooks' | 'approvals' | 'events';

/** A tab of the admin area; the panel it shows is chosen in admin.tsx. */
export type AdminSection = {
  path: AdminSectionPath;
  href: string;
  label: string;
  icon: ReactNode;
  /** The read permission(s): without any of them the section is hidden. */
  anyOf: readonly string[];
};

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    path: 'members',
    href: paths.app.adminMembers.getHref(),
    label: 'Members',
    icon: <UsersIcon size={16} />,
    anyOf: ['users:read'],
  },
  {
    path: 'roles',
    href: paths.app.adminRoles.getHref(),
    label: 'Roles & permissions',
    icon: <ShieldIcon size={16} />,
    anyOf: ['roles:read'],
  },
  {
    path: 'sso',
    href: paths.app.adminSso.getHref(),
    label: 'Single sign-on',
    icon: <LockIcon size={16} />,
    anyOf: ['sso:read'],
  },
  {
    path: 'tokens',
    href: paths.app.adminTokens.getHref(),
    label: 'API tokens',
    icon: <KeyIcon size={16} />,
    anyOf: ['tokens:create', 'tokens:manage'],
  },
  {
    path: 'webhooks',
    href: paths.app.adminWebhooks.getHref(),
    label: 'Webhooks',
    icon: <MailIcon size={16} />,
    anyOf: ['webhooks:manage'],
  },
  {
    path: 'approvals',
    href: paths.app.adminApprovals.getHref(),
    label: 'Promotion policy',
    icon: <StampIcon size={16} />,
    anyOf: ['promotion_policy:manage'],
  },
  {
    path: 'events',
    href: paths.app.adminEvents.getHref(),
    label: 'Live events',
    icon: <ActivityIcon size={16} />,
    anyOf: ['events:read'],
  },
];
