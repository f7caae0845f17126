import { lazy, Suspense, type ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router';

import { useDocumentTitle } from '@/app/use-document-title';
import { PageHeader } from '@/components/ui/page-header';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { ComplianceOverview } from '@/features/compliance/components/compliance-overview';
import { cn } from '@/lib/cn';

import { COMPLIANCE_SECTIONS, type ComplianceSection, type ComplianceSectionPath } from './compliance-sections';

// The tools load on first visit: the overview is what a compliance officer opens first.
const AuditLogPanel = lazy(() =>
  import('@/features/compliance/components/audit-log-panel').then((m) => ({ default: m.AuditLogPanel })),
);
const ChainPanel = lazy(() => import('@/features/compliance/components/chain-panel').then((m) => ({ default: m.ChainPanel })));
const DataSubjectRequestsPanel = lazy(() =>
  import('@/features/compliance/components/data-subject-requests-panel').then((m) => ({
    default: m.DataSubjectRequestsPanel,
  })),
);
const RetentionPanel = lazy(() =>
  import('@/features/compliance/components/retention-panel').then((m) => ({ default: m.RetentionPanel })),
);

const PANELS: Record<ComplianceSectionPath, () => ReactNode> = {
  '': () => <ComplianceOverview />,
  'audit-log': () => <AuditLogPanel />,
  retention: () => <RetentionPanel />,
  requests: () => <DataSubjectRequestsPanel />,
  chain: () => <ChainPanel />,
};

function hrefOf(section: ComplianceSection): string {
  return section.path === '' ? paths.app.compliance.getHref() : paths.app.compliance.getHref(section.path);
}

export function ComplianceSectionRoute({ section }: { section: ComplianceSection }) {
  useDocumentTitle(section.path === '' ? 'Compliance' : `${section.label} · Compliance`);
  return (
    <Suspense
      fallback={
        <div className="section-loading">
          <Spinner size={20} label={`Loading ${section.label}`} />
        </div>
      }
    >
      {PANELS[section.path]()}
    </Suspense>
  );
}

/** /compliance: the overview first, then each tool on its own tab (a link keeps it). */
export function ComplianceRoute() {
  return (
    <>
      <PageHeader
        eyebrow="Governance"
        title="Compliance"
        description="What needs your attention, the tamper-evident audit trail, its verification and retention, and data subject requests."
      />
      <nav className="tabs" aria-label="Compliance sections">
        {COMPLIANCE_SECTIONS.map((section) => (
          <NavLink
            key={section.path}
            to={hrefOf(section)}
            end
            className={({ isActive }) => cn('tabs__link', isActive && 'tabs__link--active')}
          >
            {section.icon}
            {section.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
