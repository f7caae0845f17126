import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, NavLink, Outlet, type RouteObject } from 'react-router';

import { useDocumentTitle } from '@/app/use-document-title';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ActivityIcon, KeyIcon, LockIcon, ShieldIcon, UsersIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { paths } from '@/config/paths';
import { Spinner } from '@/components/ui/spinner';
import { cn } from '@/lib/cn';
import { usePermissions, type Permissions } from '@/lib/permissions';

// Each section loads on first visit: most people never open most of them.
const ApiTokensPanel = lazy(() =>
  import('@/features/admin/components/api-tokens-panel').then((m) => ({ default: m.ApiTokensPanel })),
);
const OrgTokensPanel = lazy(() =>
  import('@/features/admin/components/org-tokens-panel').then((m) => ({ default: m.OrgTokensPanel })),
);
const LiveEventsPanel = lazy(() =>
  import('@/features/admin/components/live-events-panel').then((m) => ({ default: m.LiveEventsPanel })),
);
const MembersPanel = lazy(() =>
  import('@/features/admin/components/members-panel').then((m) => ({ default: m.MembersPanel })),
);
const RolesPanel = lazy(() => import('@/features/admin/components/roles-panel').then((m) => ({ default: m.RolesPanel })));
const SsoPanel = lazy(() => import('@/features/admin/components/sso-panel').then((m) => ({ default: m.SsoPanel })));

type AdminSection = {
  path: string;
  href: string;
  label: string;
  icon: ReactNode;
  /** The read permission(s): without any of them the section is hidden. */
  anyOf: readonly string[];
  render: (permissions: Permissions) => ReactNode;
};

function TokensSection({ permissions }: { permissions: Permissions }) {
  return (
    <div className="stack">
      {permissions.has('tokens:create') ? <ApiTokensPanel /> : null}
      {permissions.has('tokens:manage') ? <OrgTokensPanel /> : null}
    </div>
  );
}

const SECTIONS: AdminSection[] = [
  {
    path: 'members',
    href: paths.app.adminMembers.getHref(),
    label: 'Members',
    icon: <UsersIcon size={16} />,
    anyOf: ['users:read'],
    render: () => <MembersPanel />,
  },
  {
    path: 'roles',
    href: paths.app.adminRoles.getHref(),
    label: 'Roles & permissions',
    icon: <ShieldIcon size={16} />,
    anyOf: ['roles:read'],
    render: () => <RolesPanel />,
  },
  {
    path: 'sso',
    href: paths.app.adminSso.getHref(),
    label: 'Single sign-on',
    icon: <LockIcon size={16} />,
    anyOf: ['sso:read'],
    render: () => <SsoPanel />,
  },
  {
    path: 'tokens',
    href: paths.app.adminTokens.getHref(),
    label: 'API tokens',
    icon: <KeyIcon size={16} />,
    anyOf: ['tokens:create', 'tokens:manage'],
    render: (permissions) => <TokensSection permissions={permissions} />,
  },
  {
    path: 'events',
    href: paths.app.adminEvents.getHref(),
    label: 'Live events',
    icon: <ActivityIcon size={16} />,
    anyOf: ['events:read'],
    render: () => <LiveEventsPanel />,
  },
];

function NoAccess() {
  return (
    <Card>
      <EmptyState
        icon={<LockIcon size={24} />}
        title="You do not have access to this section"
        description="Ask an administrator of your organization for a role that includes it."
      />
    </Card>
  );
}

function SectionRoute({ section }: { section: AdminSection }) {
  const permissions = usePermissions();
  useDocumentTitle(`${section.label} · Admin`);
  if (!permissions.hasAny(section.anyOf)) return <NoAccess />;
  return (
    <Suspense
      fallback={
        <div className="section-loading">
          <Spinner size={20} label={`Loading ${section.label}`} />
        </div>
      }
    >
      {section.render(permissions)}
    </Suspense>
  );
}

function AdminIndex() {
  const permissions = usePermissions();
  const first = SECTIONS.find((section) => permissions.hasAny(section.anyOf));
  useDocumentTitle('Admin');
  return first ? <Navigate to={first.href} replace /> : <NoAccess />;
}

export const adminChildRoutes: RouteObject[] = [
  { index: true, element: <AdminIndex /> },
  ...SECTIONS.map((section) => ({ path: section.path, element: <SectionRoute section={section} /> })),
];

export function AdminRoute() {
  const permissions = usePermissions();
  const visible = SECTIONS.filter((section) => permissions.hasAny(section.anyOf));
  return (
    <>
      <PageHeader
        eyebrow="Governance"
        title="Administration"
        description="Who can sign in, what they may do, how they sign in, and programmatic access."
      />
      {visible.length > 0 ? (
        <nav className="tabs" aria-label="Administration sections">
          {visible.map((section) => (
            <NavLink
              key={section.path}
              to={section.href}
              className={({ isActive }) => cn('tabs__link', isActive && 'tabs__link--active')}
            >
              {section.icon}
              {section.label}
            </NavLink>
          ))}
        </nav>
      ) : null}
      <Outlet />
    </>
  );
}
