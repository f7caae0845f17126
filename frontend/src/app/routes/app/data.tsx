import { useDocumentTitle } from '@/app/use-document-title';
import { DataOverview } from '@/features/data/components/data-overview';

export function DataRoute() {
  useDocumentTitle('Data');
  return <DataOverview />;
}
