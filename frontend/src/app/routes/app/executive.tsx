import { useDocumentTitle } from '@/app/use-document-title';
import { ExecutiveOverview } from '@/features/executive/components/executive-overview';

export function ExecutiveRoute() {
  useDocumentTitle('Executive');
  return <ExecutiveOverview />;
}
