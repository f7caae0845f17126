import { lazy, Suspense, type ReactNode } from 'react';
import { useParams } from 'react-router';

import { useDocumentTitle } from '@/app/use-document-title';
import { Spinner } from '@/components/ui/spinner';
import { ModelsOverview } from '@/features/models/components/models-overview';

// The detail pages (charts, forms, live progress) load on their first visit.
const NewTrainingJobPage = lazy(() =>
  import('@/features/models/components/new-training-job-page').then((m) => ({ default: m.NewTrainingJobPage })),
);
const TrainingJobPage = lazy(() =>
  import('@/features/models/components/training-job-page').then((m) => ({ default: m.TrainingJobPage })),
);
const ModelVersionPage = lazy(() =>
  import('@/features/models/components/model-version-page').then((m) => ({ default: m.ModelVersionPage })),
);

function Loading({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="section-loading">
          <Spinner size={20} label={label} />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

export function ModelsRoute() {
  useDocumentTitle('Models');
  return <ModelsOverview />;
}

export function NewTrainingJobRoute() {
  useDocumentTitle('New training job · Models');
  return (
    <Loading label="Loading the training form">
      <NewTrainingJobPage />
    </Loading>
  );
}

export function TrainingJobRoute() {
  const { id = '' } = useParams();
  useDocumentTitle('Training job · Models');
  return (
    <Loading label="Loading the training job">
      <TrainingJobPage id={id} />
    </Loading>
  );
}

export function ModelVersionRoute() {
  const { id = '' } = useParams();
  useDocumentTitle('Model version · Models');
  return (
    <Loading label="Loading the model version">
      <ModelVersionPage id={id} />
    </Loading>
  );
}
