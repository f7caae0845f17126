import { useDocumentTitle } from '@/app/use-document-title';
import { ComplianceOverview } from '@/features/compliance/components/compliance-overview';

export function ComplianceRoute() {
  useDocumentTitle('Compliance');
  return <ComplianceOverview />;
}
