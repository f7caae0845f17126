import { useDocumentTitle } from '@/app/use-document-title';
import { PageHeader } from '@/components/ui/page-header';
import { AuditLogPanel } from '@/features/compliance/components/audit-log-panel';
import { ChainPanel } from '@/features/compliance/components/chain-panel';
import { DataSubjectRequestsPanel } from '@/features/compliance/components/data-subject-requests-panel';
import { RetentionPanel } from '@/features/compliance/components/retention-panel';

export function ComplianceRoute() {
  useDocumentTitle('Compliance');
  return (
    <>
      <PageHeader
        eyebrow="Governance"
        title="Compliance"
        description="The tamper-evident audit trail, its verification, export and retention, and data subject requests."
      />
      <div className="stack">
        <ChainPanel />
        <AuditLogPanel />
        <RetentionPanel />
        <DataSubjectRequestsPanel />
      </div>
    </>
  );
}
