import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { SelectField } from '@/components/ui/field';
import { FileTextIcon } from '@/components/ui/icons';
import { RelativeTime } from '@/components/ui/relative-time';
import type { BatchPredictionFieldsFragment as BatchJob } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatBytes, formatCount } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import {
  BATCH_CONTEXT,
  BatchPredictionsQuery,
  CancelBatchPredictionMutation,
  StartBatchPredictionMutation,
} from '../api/batch';
import { TrainingDatasetsQuery } from '../api/training';
import { useBatchProgress } from '../hooks/use-batch-progress';
import { isTerminal } from '../lib/models-format';
import { ProgressBar } from './progress-bar';
import { JobStatusBadge } from './status-badges';

const PAST_JOBS = 10;

function rowsText(scored: number, total: number | null | undefined): string {
  return total ? `${formatCount(scored)} of ${formatCount(total)} rows` : `${formatCount(scored)} rows`;
}

function Downloads({ job }: { job: BatchJob }) {
  const permissions = usePermissions();
  if (!job.csvUrl || !job.parquetUrl) return null;
  if (!permissions.has('predictions:export')) {
    return <span className="muted">Downloading needs predictions:export</span>;
  }
  return (
    <span className="batch-downloads" role="group" aria-label={`Download the predictions of ${job.datasetName}`}>
      <a className="btn btn--secondary btn--sm" href={job.csvUrl} download>
        CSV
      </a>
      <a className="btn btn--secondary btn--sm" href={job.parquetUrl} download>
        Parquet
      </a>
    </span>
  );
}

/** The job just started (or still running): its live progress over the subscription. */
function ActiveJob({ job, onEnded }: { job: BatchJob; onEnded: () => void }) {
  const permissions = usePermissions();
  const { state, error } = useBatchProgress(job, onEnded);
  const [{ fetching: cancelling }, cancel] = useMutation(CancelBatchPredictionMutation);
  const running = !isTerminal(state.status);
  return (
    <div className="batch-active" aria-live="polite">
      <p className="job-summary">
        <JobStatusBadge status={state.status} />
        <span>{job.datasetName}</span>
        <span aria-hidden="true">·</span>
        <span data-testid="batch-rows">{rowsText(state.rowsScored, state.rowsTotal)}</span>
      </p>
      <ProgressBar progress={state.progress} label={`Scoring ${job.datasetName}`} active={running} />
      {state.error ? (
        <Alert tone={state.status === 'CANCELLED' ? 'warning' : 'danger'} role="alert">
          {state.error}
        </Alert>
      ) : null}
      {error ? (
        <Alert tone="warning">
          Live progress is unavailable: <ErrorMessage error={error} />
        </Alert>
      ) : null}
      {running && permissions.has('predictions:run') ? (
        <Button variant="danger-ghost" size="sm" loading={cancelling} onClick={() => void cancel({ id: job.id }, BATCH_CONTEXT)}>
          Cancel
        </Button>
      ) : null}
    </div>
  );
}

function StartForm({ versionId, onStarted }: { versionId: string; onStarted: (job: BatchJob) => void }) {
  const [{ data, error: datasetsError }] = useQuery({ query: TrainingDatasetsQuery, variables: { first: 100 } });
  const [{ fetching }, start] = useMutation(StartBatchPredictionMutation);
  const [datasetId, setDatasetId] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const ready = (data?.datasets.edges ?? []).map((edge) => edge.node).filter((dataset) => dataset.status === 'READY');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!datasetId) {
      setError({ code: 'BAD_USER_INPUT', message: 'Choose a dataset to score.' });
      return;
    }
    setError(null);
    const result = await start({ input: { modelVersionId: versionId, datasetId } }, BATCH_CONTEXT);
    const job = result.data?.startBatchPrediction;
    if (result.error || !job) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The job could not be started.' });
      return;
    }
    onStarted(job);
  };
  return (
    <form className="batch-form" onSubmit={(event) => void submit(event)} noValidate>
      <SelectField
        label="Dataset"
        value={datasetId}
        onChange={(event) => setDatasetId(event.target.value)}
        hint="It needs the model's feature columns; other columns are kept in the output as they are."
      >
        <option value="">Choose a dataset…</option>
        {ready.map((dataset) => (
          <option key={dataset.id} value={dataset.id}>
            {dataset.name} ({formatCount(dataset.rowCount)} rows)
          </option>
        ))}
      </SelectField>
      {datasetsError ? (
        <Alert tone="danger">
          <ErrorMessage error={toAppError(datasetsError)} />
        </Alert>
      ) : null}
      {error ? (
        <Alert tone="danger" role="alert">
          <ErrorMessage error={error} />
        </Alert>
      ) : null}
      <Button type="submit" loading={fetching}>
        Score the dataset
      </Button>
    </form>
  );
}

function PastJobs({ jobs, total }: { jobs: readonly BatchJob[]; total: number }) {
  if (jobs.length === 0) return <p className="muted">No dataset has been scored with this version yet.</p>;
  return (
    <div className="table-scroll">
      <table className="table models-table models-table--compact">
        <caption className="sr-only">Batch predictions of this version</caption>
        <thead>
          <tr>
            <th scope="col">Dataset</th>
            <th scope="col">Status</th>
            <th scope="col">Rows</th>
            <th scope="col">Started</th>
            <th scope="col">Output</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id}>
              <th scope="row" className="models-table__model">
                {job.datasetName}
              </th>
              <td>
                <JobStatusBadge status={job.status} title={job.error} />
              </td>
              <td>{rowsText(job.rowsScored, job.rowsTotal)}</td>
              <td>
                <RelativeTime value={job.createdAt} />
              </td>
              <td>
                {job.outputBytes ? <span className="muted">{formatBytes(job.outputBytes)} </span> : null}
                <Downloads job={job} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > jobs.length ? <p className="muted">The latest {jobs.length} of {total}.</p> : null}
    </div>
  );
}

/** "Score a dataset" on a model version: start a batch job, follow it live, download the output. */
export function BatchScoringPanel({ versionId }: { versionId: string }) {
  const permissions = usePermissions();
  const [active, setActive] = useState<BatchJob | null>(null);
  const [{ data, error }, refetch] = useQuery({
    query: BatchPredictionsQuery,
    variables: { modelVersionId: versionId, first: PAST_JOBS },
    context: BATCH_CONTEXT,
  });
  const jobs = (data?.batchPredictions.edges ?? []).map((edge) => edge.node);
  const canStart = permissions.has('predictions:run') && permissions.has('datasets:read');
  const running = active ?? jobs.find((job) => !isTerminal(job.status)) ?? null;
  return (
    <Card aria-labelledby="batch-title">
      <CardHeader
        id="batch-title"
        icon={<FileTextIcon size={18} />}
        title="Score a dataset"
        description="Score every row of a dataset with this version; download the result as CSV or Parquet."
      />
      <CardBody className="models-panel">
        {canStart ? <StartForm versionId={versionId} onStarted={setActive} /> : null}
        {running ? (
          <ActiveJob
            key={running.id}
            job={running}
            onEnded={() => {
              setActive(null);
              refetch({ requestPolicy: 'network-only' });
            }}
          />
        ) : null}
        {error ? (
          <Alert tone="danger">
            <ErrorMessage error={toAppError(error)} />
          </Alert>
        ) : (
          <PastJobs jobs={jobs} total={data?.batchPredictions.totalCount ?? 0} />
        )}
      </CardBody>
    </Card>
  );
}
