import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Fact, Facts } from '@/components/ui/facts';
import { ActivityIcon, FileTextIcon, FlaskIcon, GridIcon, TrendingUpIcon, XIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { TrainingJobQuery as TrainingJobResult } from '@/gql/graphql';
import { useRealtimeStatus } from '@/lib/api-controls';
import { toAppError, type AppError } from '@/lib/errors';
import { formatCount } from '@/lib/format';
import { TASK_TYPE_LABEL } from '@/lib/ml-labels';
import { usePermissions } from '@/lib/permissions';

import { CancelTrainingMutation, TRAINING_CONTEXT, TrainingJobQuery } from '../api/training';
import {
  direction,
  ENGINE_LABEL,
  ERROR_CODE_LABEL,
  formatProgress,
  formatSeconds,
  isTerminal,
} from '../lib/models-format';
import { useTrainingProgress, type ProgressState } from '../hooks/use-training-progress';
import { MetricsList } from './metrics-list';
import { FeatureImportanceChart } from './charts/feature-importance-chart';
import { LeaderboardChart } from './charts/leaderboard-chart';
import { LeaderboardTable } from './leaderboard-table';
import { ModelsNoAccess } from './models-no-access';
import { ProgressBar } from './progress-bar';
import { JobStatusBadge, StageBadge } from './status-badges';

import './models.css';

type Job = NonNullable<TrainingJobResult['trainingJob']>;

/** While live updates are interrupted, the job is asked for this often instead. */
export const FALLBACK_POLL_MS = 10_000;

function BackLink() {
  return (
    <Link to={paths.app.models.getHref()} className="back-link">
      ← All training jobs
    </Link>
  );
}

function JobNotFound() {
  return (
    <>
      <BackLink />
      <Card>
        <EmptyState
          icon={<FlaskIcon size={26} />}
          title="Training job not found"
          description="The link may point to a job of another organization, or to one that never existed."
        >
          <Link to={paths.app.models.getHref()} className="btn btn--secondary btn--md">
            Go to all training jobs
          </Link>
        </EmptyState>
      </Card>
    </>
  );
}

function ProgressPanel({
  job,
  state,
  live,
  liveError,
  onReconnect,
}: {
  job: Job;
  state: ProgressState;
  live: boolean;
  liveError: AppError | null;
  onReconnect: () => void;
}) {
  const realtime = useRealtimeStatus();
  const running = !isTerminal(state.status);
  const interrupted = running && (liveError !== null || realtime.state === 'disconnected');
  const connection = !running
    ? null
    : interrupted
      ? 'Live updates interrupted'
      : live
        ? 'Live'
        : realtime.state === 'reconnecting'
          ? 'Reconnecting…'
          : 'Connecting…';
  return (
    <Card aria-labelledby="job-progress-title">
      <CardHeader
        id="job-progress-title"
        icon={<ActivityIcon size={18} />}
        title="Progress"
        actions={
          connection ? (
            <span className={`live-indicator live-indicator--${interrupted ? 'broken' : live ? 'live' : 'waiting'}`}>
              <span className="live-indicator__dot" aria-hidden="true" />
              {connection}
            </span>
          ) : null
        }
      />
      <CardBody className="models-panel">
        <div className="job-progress-panel">
          <div className="job-progress-panel__label">
            <span>
              <JobStatusBadge status={state.status} />
            </span>
            <span className="job-progress-panel__percent">{formatProgress(state.progress)}</span>
          </div>
          <ProgressBar
            progress={state.status === 'SUCCEEDED' ? 1 : state.progress}
            label="Training progress"
            active={running}
            className={`job-progress--${state.status.toLowerCase()}`}
          />
          <p className="job-progress-panel__message" aria-live="polite">
            {state.message ?? (state.status === 'QUEUED' ? 'Waiting for a worker…' : running ? 'Working…' : '')}
          </p>
        </div>
        {interrupted ? (
          <Alert tone="warning" title="Live updates are interrupted">
            {liveError ? <ErrorMessage error={liveError} /> : (realtime.lastError ?? 'The connection to the server was lost.')}{' '}
            The page checks the job every few seconds meanwhile.{' '}
            <Button variant="secondary" size="sm" onClick={onReconnect}>
              Reconnect
            </Button>
          </Alert>
        ) : null}
        <Facts>
          {/* Retries are the platform's business: shown only once there was one. */}
          {job.attempt > 1 ? (
            <Fact label="Try">
              {job.attempt} of {job.maxAttempts}
            </Fact>
          ) : null}
          <Fact label="Queued">
            <RelativeTime value={job.createdAt} />
          </Fact>
          <Fact label="Started">
            <RelativeTime value={job.startedAt} />
          </Fact>
          <Fact label="Finished">
            <RelativeTime value={job.finishedAt} />
          </Fact>
        </Facts>
        {job.attempt > 1 ? (
          <p className="muted job-progress-panel__note">
            This is try {job.attempt}: an earlier try stopped before it finished (for example, its worker was lost) and
            the job was started again.
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}

function OutcomePanel({ job, state, canSeeModels }: { job: Job; state: ProgressState; canSeeModels: boolean }) {
  if (state.status === 'FAILED' || state.status === 'CANCELLED') {
    const code = job.errorCode;
    const title = (code ? ERROR_CODE_LABEL[code] : undefined) ?? (state.status === 'CANCELLED' ? 'Cancelled' : 'Training failed');
    return (
      <Alert tone={state.status === 'FAILED' ? 'danger' : 'warning'} role="alert" title={title}>
        <p>{state.error ?? job.error ?? (state.status === 'CANCELLED' ? 'The job was cancelled.' : 'The job failed.')}</p>
        {code ? (
          <p className="job-error-code">
            Error code: <code>{code}</code>
          </p>
        ) : null}
      </Alert>
    );
  }
  if (state.status === 'SUCCEEDED') {
    const version = job.modelVersion;
    return (
      <Alert tone="success" title="Training succeeded">
        {version ? (
          <>
            The best model was registered as{' '}
            {canSeeModels ? (
              <Link to={paths.app.modelVersion.getHref(version.id)}>
                {version.modelName} v{version.version}
              </Link>
            ) : (
              <strong>
                {version.modelName} v{version.version}
              </strong>
            )}{' '}
            <StageBadge stage={version.stage} />
          </>
        ) : state.modelVersionId && canSeeModels ? (
          <>
            The best model was registered as a <Link to={paths.app.modelVersion.getHref(state.modelVersionId)}>new model version</Link>.
          </>
        ) : (
          'The best model was registered as a new model version.'
        )}
      </Alert>
    );
  }
  return null;
}

function SettingsCard({ job, canSeeDatasets }: { job: Job; canSeeDatasets: boolean }) {
  return (
    <Card aria-labelledby="job-settings-title">
      <CardHeader id="job-settings-title" icon={<FileTextIcon size={18} />} title="Settings" />
      <CardBody className="models-panel">
        <Facts>
          <Fact label="Dataset">
            {job.dataset && canSeeDatasets ? (
              <Link to={paths.app.dataset.getHref(job.dataset.id)}>{job.datasetName}</Link>
            ) : (
              job.datasetName
            )}
            {!job.dataset ? (
              <>
                {' '}
                <Badge tone="neutral">deleted</Badge>
              </>
            ) : null}
          </Fact>
          <Fact label={job.taskType === 'ANOMALY_DETECTION' ? 'Label column' : 'Target'}>
            {job.target ? <code>{job.target}</code> : <span className="muted">None</span>}
          </Fact>
          <Fact label="Task">
            {TASK_TYPE_LABEL[job.taskType]}
            {job.requestedTaskType === 'AUTO' ? <span className="muted"> (detected)</span> : null}
          </Fact>
          <Fact label="Metric">
            <code>{job.metric}</code> <span className="muted">({direction(job.higherIsBetter)})</span>
          </Fact>
          {job.forecast ? (
            <>
              {/* a forecast's engine and serving choice are fixed: its own settings instead */}
              <Fact label="Time column">
                <code>{job.forecast.timeColumn}</code>
              </Fact>
              <Fact label="Series id column">
                {job.forecast.seriesIdColumn ? <code>{job.forecast.seriesIdColumn}</code> : <span className="muted">None: one series</span>}
              </Fact>
              <Fact label="Horizon">
                {formatCount(job.forecast.horizon)} step{job.forecast.horizon === 1 ? '' : 's'} · {job.forecast.intervalLevel} % interval
              </Fact>
            </>
          ) : (
            <>
              <Fact label="Engine">{ENGINE_LABEL[job.engine]}</Fact>
              <Fact label="Model to serve">
                {job.servingChoice === 'BEST_SCORE' ? 'Best score' : 'Fastest as good as the best'}
              </Fact>
            </>
          )}
          <Fact label="Time budget">{formatSeconds(job.timeBudgetSeconds)}</Fact>
          <Fact label="Registry model">{job.modelName}</Fact>
          <Fact label="Started by">{job.createdBy ?? <span className="muted">Unknown</span>}</Fact>
        </Facts>
        {job.excludedColumns.length > 0 ? (
          <div className="job-columns">
            <p className="fact__label">Left out by request</p>
            <ul className="chip-list" aria-label="Columns left out by request">
              {job.excludedColumns.map((column) => (
                <li key={column} className="chip">
                  {column}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

function LeaderboardCard({ job, state }: { job: Job; state: ProgressState }) {
  const entries = state.leaderboard;
  const running = !isTerminal(state.status);
  return (
    <Card aria-labelledby="leaderboard-title">
      <CardHeader
        id="leaderboard-title"
        icon={<TrendingUpIcon size={18} />}
        title="Leaderboard"
        description={`Candidate models ranked by validation ${job.metric} (${direction(job.higherIsBetter)})${running ? '; updates as models finish' : ''}.`}
      />
      <CardBody className="models-panel">
        {entries.length === 0 ? (
          <p className="chart-empty muted">
            {running ? 'Models appear here as they finish training.' : 'No model finished training.'}
          </p>
        ) : (
          <>
            {/* The chart compares candidates; models only tried while combining are in the table. */}
            <LeaderboardChart
              entries={entries.filter((entry) => entry.finalFit !== false)}
              metric={job.metric}
              higherIsBetter={job.higherIsBetter}
            />
            <LeaderboardTable entries={entries} metric={job.metric} higherIsBetter={job.higherIsBetter} />
          </>
        )}
      </CardBody>
    </Card>
  );
}

function MetricsCard({ job }: { job: Job }) {
  if (job.metrics.length === 0) return null;
  return (
    <Card aria-labelledby="job-metrics-title">
      <CardHeader
        id="job-metrics-title"
        icon={<GridIcon size={18} />}
        title={job.forecast ? 'Backtest metrics' : 'Holdout metrics'}
        description={
          job.forecast
            ? 'The served per-series choice on the last backtest window (no shuffled holdout: it would leak the future).'
            : 'The chosen model on data held out from training and validation.'
        }
      />
      <CardBody>
        <MetricsList metrics={job.metrics} highlight={job.metric} />
      </CardBody>
    </Card>
  );
}

function DroppedColumnsCard({ job }: { job: Job }) {
  if (job.droppedColumns.length === 0) return null;
  return (
    <Card aria-labelledby="dropped-title">
      <CardHeader
        id="dropped-title"
        icon={<XIcon size={18} />}
        title="Columns not used"
        description="Columns the job left out of the features, and why."
      />
      <CardBody>
        <div className="table-scroll">
          <table className="table models-table models-table--compact">
            <caption className="sr-only">Columns not used as features, with the reason</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {job.droppedColumns.map((dropped) => (
                <tr key={dropped.column}>
                  <th scope="row" className="models-table__model">
                    {dropped.column}
                  </th>
                  <td className="models-table__wrap">{dropped.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </CardBody>
    </Card>
  );
}

function CancelJobDialog({ job, onClose }: { job: Job; onClose: () => void }) {
  const [{ fetching }, cancel] = useMutation(CancelTrainingMutation);
  const [error, setError] = useState<AppError | null>(null);
  const confirmCancel = async () => {
    setError(null);
    const result = await cancel({ id: job.id }, TRAINING_CONTEXT);
    if (result.error || !result.data?.cancelTraining) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The job could not be cancelled.' });
      return;
    }
    onClose();
  };
  return (
    <ConfirmDialog
      title="Cancel this training job?"
      confirmLabel="Cancel job"
      cancelLabel="Keep training"
      loading={fetching}
      onCancel={onClose}
      onConfirm={() => void confirmCancel()}
      error={
        error ? (
          <Alert role="alert" tone="danger">
            <ErrorMessage error={error} />
          </Alert>
        ) : null
      }
    >
      <p>
        The search for <strong>{job.modelName}</strong> stops and no model version is registered. The models trained so far are
        discarded. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}

function JobView({ job, refetch }: { job: Job; refetch: () => void }) {
  const permissions = usePermissions();
  const [cancelling, setCancelling] = useState(false);
  const progress = useTrainingProgress(job, refetch);
  const { state } = progress;
  const realtime = useRealtimeStatus();

  // A backstop for when the socket is down: ask for the job itself now and then.
  const degraded = !isTerminal(job.status) && (progress.error !== null || realtime.state === 'disconnected');
  useEffect(() => {
    if (!degraded) return;
    const timer = window.setInterval(refetch, FALLBACK_POLL_MS);
    return () => window.clearInterval(timer);
  }, [degraded, refetch]);

  const canCancel = permissions.has('training:cancel') && (state.status === 'QUEUED' || state.status === 'RUNNING');
  const version = job.modelVersion;
  const canSeeModels = permissions.has('models:read');

  return (
    <>
      <BackLink />
      <PageHeader
        eyebrow="Training job"
        title={job.modelName}
        description={
          <span className="job-summary">
            <JobStatusBadge status={state.status} />
            <span>{job.forecast ? 'Statistical forecasters' : ENGINE_LABEL[job.engine]}</span>
            <span aria-hidden="true">·</span>
            <span>{TASK_TYPE_LABEL[job.taskType]}</span>
            <span aria-hidden="true">·</span>
            <span>
              {job.metric} ({direction(job.higherIsBetter)})
            </span>
            <span aria-hidden="true">·</span>
            <span>{formatSeconds(job.timeBudgetSeconds)} budget</span>
          </span>
        }
        actions={
          <>
            {version && canSeeModels && state.status === 'SUCCEEDED' ? (
              <Link to={paths.app.modelVersion.getHref(version.id)} className="btn btn--primary btn--md">
                Open model version v{version.version}
              </Link>
            ) : null}
            {canCancel ? (
              <Button variant="danger-ghost" icon={<XIcon size={16} />} onClick={() => setCancelling(true)}>
                Cancel job
              </Button>
            ) : null}
          </>
        }
      />
      <div className="stack">
        <OutcomePanel job={job} state={state} canSeeModels={canSeeModels} />
        <div className="job-overview">
          <ProgressPanel
            job={job}
            state={state}
            live={progress.live}
            liveError={progress.error}
            onReconnect={() => {
              progress.reconnect();
              refetch();
            }}
          />
          <SettingsCard job={job} canSeeDatasets={permissions.has('datasets:read')} />
        </div>
        <LeaderboardCard job={job} state={state} />
        <MetricsCard job={job} />
        {/* a forecast learns from its own history: no features to permute (runner.FORECASTING_SKIPS) */}
        {!job.forecast && (job.featureImportance.length > 0 || state.status === 'SUCCEEDED') ? (
          <Card aria-labelledby="importance-title">
            <CardHeader
              id="importance-title"
              icon={<TrendingUpIcon size={18} />}
              title="Feature importance"
              description="Permutation importance of the chosen model on the holdout."
            />
            <CardBody>
              <FeatureImportanceChart importances={job.featureImportance} metric={job.metric} />
            </CardBody>
          </Card>
        ) : null}
        <DroppedColumnsCard job={job} />
      </div>
      {cancelling ? <CancelJobDialog job={job} onClose={() => setCancelling(false)} /> : null}
    </>
  );
}

function TrainingJobLoader({ id }: { id: string }) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: TrainingJobQuery, variables: { id }, context: TRAINING_CONTEXT });
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const job = data?.trainingJob;

  if (!job) {
    if (fetching || (!error && !data)) {
      return (
        <div className="models-loading">
          <Spinner size={20} label="Loading the training job" />
        </div>
      );
    }
    const appError = error ? toAppError(error) : null;
    if (!appError || appError.code === 'NOT_FOUND' || appError.code === 'BAD_USER_INPUT') return <JobNotFound />;
    return (
      <>
        <BackLink />
        <Alert
          role="alert"
          tone={appError.code === 'FORBIDDEN' ? 'warning' : 'danger'}
          title="The training job could not be loaded"
        >
          <ErrorMessage error={appError} />
        </Alert>
      </>
    );
  }
  return <JobView job={job} refetch={refetch} />;
}

/** /models/jobs/:id (needs training:read). */
export function TrainingJobPage({ id }: { id: string }) {
  const permissions = usePermissions();
  if (!permissions.has('training:read')) return <ModelsNoAccess permission="training:read" title="Training job" />;
  return <TrainingJobLoader key={id} id={id} />;
}

