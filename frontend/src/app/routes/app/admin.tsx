import { useDocumentTitle } from '@/app/use-document-title';
import { PageHeader } from '@/components/ui/page-header';
import { ApiTokensPanel } from '@/features/admin/components/api-tokens-panel';
import { LiveEventsPanel } from '@/features/admin/components/live-events-panel';

export function AdminRoute() {
  useDocumentTitle('Admin');
  return (
    <>
      <PageHeader
        eyebrow="Governance"
        title="Administration"
        description="Programmatic access and live activity for your organization."
      />
      <div className="stack">
        <ApiTokensPanel />
        <LiveEventsPanel />
      </div>
    </>
  );
}
