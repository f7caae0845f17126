import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, NavLink, Outlet } from 'react-router';

import { useDocumentTitle } from '@/app/use-document-title';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LockIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { Spinner } from '@/components/ui/spinner';
import { cn } from '@/lib/cn';
import { usePermissions, type Permissions } from '@/lib/permissions';

import { ADMIN_SECTIONS, type AdminSection, type AdminSectionPath } from './admin-sections';

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
const WebhooksPanel = lazy(() =>
  import('@/features/admin/components/webhooks-panel').then((m) => ({ default: m.WebhooksPanel })),
);
const PromotionPolicyPanel = lazy(() =>
  import('@/features/admin/components/promotion-policy-panel').then((m) => ({ default: m.PromotionPolicyPanel })),
);
const SsoPanel = lazy(() => import('@/features/admin/components/sso-panel').then((m) => ({ default: m.SsoPanel })));

function TokensSection({ permissions }: { permissions: Permissions }) {
  return (
    <div className="stack">
      {permissions.has('tokens:create') ? <ApiTokensPanel /> : null}
      {permissions.has('tokens:manage') ? <OrgTokensPanel /> : null}
    </div>
  );
}

const PANELS: Record<AdminSectionPath, (permissions: Permissions) => ReactNode> = {
  members: () => <MembersPanel />,
  roles: () => <RolesPanel />,
  sso: () => <SsoPanel />,
  tokens: (permissions) => <TokensSection permissions={permissions} />,
  webhooks: () => <WebhooksPanel />,
  approvals: () => <PromotionPolicyPanel />,
  events: () => <LiveEventsPanel />,
};

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

export function AdminSectionRoute({ section }: { section: AdminSection }) {
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
      {PANELS[section.path](permissions)}
    </Suspense>
  );
}

export function AdminIndexRoute() {
  const permissions = usePermissions();
  const first = ADMIN_SECTIONS.find((section) => permissions.hasAny(section.anyOf));
  useDocumentTitle('Admin');
  return first ? <Navigate to={first.href} replace /> : <NoAccess />;
}

export function AdminRoute() {
  const permissions = usePermissions();
  const visible = ADMIN_SECTIONS.filter((section) => permissions.hasAny(section.anyOf));
  return (
    <>
      <PageHeader
        eyebrow="Governance"
        title="Administration"
        description="Who can sign in, what they may do, how they sign in, programmatic access, webhooks and who approves promotions."
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
