import { lazy, Suspense } from 'react';
import { useParams } from 'react-router';

import { useDocumentTitle } from '@/app/use-document-title';
import { Spinner } from '@/components/ui/spinner';
import { DataOverview } from '@/features/data/components/data-overview';

// The dataset page (profile tables and charts) loads on its first visit.
const DatasetDetail = lazy(() =>
  import('@/features/data/components/dataset-detail').then((m) => ({ default: m.DatasetDetail })),
);

export function DataRoute() {
  useDocumentTitle('Data');
  return <DataOverview />;
}

export function DatasetRoute() {
  const { id = '' } = useParams();
  useDocumentTitle('Dataset · Data');
  return (
    <Suspense
      fallback={
        <div className="section-loading">
          <Spinner size={20} label="Loading the dataset" />
        </div>
      }
    >
      <DatasetDetail id={id} />
    </Suspense>
  );
}
