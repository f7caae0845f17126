import { useDocumentTitle } from '@/app/use-document-title';
import { ModelsOverview } from '@/features/models/components/models-overview';

export function ModelsRoute() {
  useDocumentTitle('Models');
  return <ModelsOverview />;
}
