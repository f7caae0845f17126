import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Card, CardBody } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { DataIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { toAppError } from '@/lib/errors';
import { usePermissions } from '@/lib/permissions';

import { TrainingDatasetsQuery, TrainingOptionsQuery } from '../api/training';
import { ModelsNoAccess } from './models-no-access';
import { TrainingForm } from './training-form';

import './models.css';

/** How many datasets the form offers (newest first; only READY ones are listed). */
export const DATASET_CHOICES = 100;

function BackLink() {
  return (
    <Link to={paths.app.models.getHref()} className="back-link">
      ← Models
    </Link>
  );
}

function NewTrainingJob() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const initialDatasetId = params.get('dataset');
  const [{ data: optionsData, error: optionsError }] = useQuery({ query: TrainingOptionsQuery });
  const [{ data: datasetsData, error: datasetsError }] = useQuery({
    query: TrainingDatasetsQuery,
    variables: { first: DATASET_CHOICES },
  });

  const options = optionsData?.trainingOptions;
  const ready = datasetsData?.datasets.edges.map(({ node }) => node).filter((dataset) => dataset.status === 'READY');
  const loadError = (optionsError && !options) || (datasetsError && !ready) ? toAppError(optionsError ?? datasetsError) : null;

  let body;
  if (loadError) {
    body = (
      <Alert
        role="alert"
        tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'}
        title="The training settings could not be loaded"
      >
        <ErrorMessage error={loadError} />
      </Alert>
    );
  } else if (!options || !ready) {
    body = (
      <div className="models-loading">
        <Spinner size={20} label="Loading the training settings" />
      </div>
    );
  } else if (ready.length === 0 && !initialDatasetId) {
    body = (
      <EmptyState
        icon={<DataIcon size={26} />}
        title="No dataset is ready to train on"
        description="Upload a dataset in the Data area; once it is profiled you can train a model on it here."
      >
        <Link to={paths.app.data.getHref()} className="btn btn--secondary btn--md">
          Go to Data
        </Link>
      </EmptyState>
    );
  } else {
    body = (
      <TrainingForm
        options={options}
        datasets={ready}
        initialDatasetId={initialDatasetId}
        onStarted={(jobId) => void navigate(paths.app.trainingJob.getHref(jobId))}
      />
    );
  }

  return (
    <>
      <BackLink />
      <PageHeader
        eyebrow="Models"
        title="New training job"
        description="AutoML tries many candidate models on your dataset within the time budget, ranks them on a leaderboard and registers the best as a new model version."
      />
      <Card>
        <CardBody>{body}</CardBody>
      </Card>
    </>
  );
}

/** /models/train[?dataset=<id>]: needs training:run, and datasets:read to choose a dataset. */
export function NewTrainingJobPage() {
  const permissions = usePermissions();
  if (!permissions.has('training:run')) return <ModelsNoAccess permission="training:run" title="New training job" />;
  if (!permissions.has('datasets:read')) return <ModelsNoAccess permission="datasets:read" title="New training job" />;
  return <NewTrainingJob />;
}
