import { useEffect, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { FlaskIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { JobStatus, TrainingJobSummaryFieldsFragment } from '@/gql/graphql';
import type { AppError } from '@/lib/errors';
import { formatCount, formatDateTime, formatRelative } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import { useConnectionPages, useReportPage, type PageReport } from '@/lib/use-connection-pages';
import { TASK_TYPE_LABEL } from '@/lib/ml-labels';

import { TRAINING_CONTEXT, TrainingJobsQuery } from '../api/training';
import {
  bestEntry,
  ENGINE_LABEL,
  formatProgress,
  formatScore,
  JOB_STATUS_LABEL,
  JOB_STATUSES,
} from '../lib/models-format';
import { ProgressBar } from './progress-bar';
import { JobStatusBadge } from './status-badges';

export const JOBS_PAGE_SIZE = 25;
/** How often a page holding QUEUED or RUNNING jobs asks again. */
export const ACTIVE_JOBS_POLL_MS = 5000;

function JobRow({ job, canSeeDatasets }: { job: TrainingJobSummaryFieldsFragment; canSeeDatasets: boolean }) {
  const best = bestEntry(job.leaderboard);
  return (
    <tr>
      <th scope="row" className="models-table__name">
        <Link to={paths.app.trainingJob.getHref(job.id)} className="models-table__link">
          {job.modelName}
        </Link>
        <span className="models-table__sub">{job.target ? `predicts ${job.target}` : 'no label column'}</span>
      </th>
      <td className="models-table__dataset">
        {job.dataset && canSeeDatasets ? (
          <Link to={paths.app.dataset.getHref(job.dataset.id)}>{job.datasetName}</Link>
        ) : (
          <span>{job.datasetName}</span>
        )}
        {!job.dataset ? <span className="models-table__sub">deleted</span> : null}
      </td>
      <td>
        {TASK_TYPE_LABEL[job.taskType]}
        {job.requestedTaskType === 'AUTO' && job.taskType !== 'AUTO' ? (
          <span className="models-table__sub">detected</span>
        ) : null}
      </td>
      <td>{ENGINE_LABEL[job.engine]}</td>
      <td>
        <JobStatusBadge status={job.status} title={job.message} />
      </td>
      <td className="models-table__progress">
        {job.status === 'RUNNING' ? (
          <span className="models-table__progress-cell">
            <ProgressBar progress={job.progress} label={`Progress of ${job.modelName}`} size="sm" />
            <span className="models-table__percent">{formatProgress(job.progress)}</span>
          </span>
        ) : job.status === 'QUEUED' ? (
          <span className="muted">Waiting</span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="models-table__number">
        {best && best.scoreValidation !== null && best.scoreValidation !== undefined ? (
          <span className="models-table__stacked">
            <span>{formatScore(best.scoreValidation)}</span>
            <span className="muted">{job.metric}</span>
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <span className="models-table__stacked">
          <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
            {formatRelative(job.createdAt)}
          </time>
          <span className="muted">{job.createdBy ? `by ${job.createdBy}` : 'by an unknown member'}</span>
        </span>
      </td>
    </tr>
  );
}

function JobsPage({
  status,
  after,
  pageKey,
  canSeeDatasets,
  onLoaded,
  onError,
}: {
  status: JobStatus | null;
  after: string | null;
  pageKey: string;
  canSeeDatasets: boolean;
  onLoaded: (pageKey: string, report: PageReport) => void;
  onError: (pageKey: string, error: AppError | null) => void;
}) {
  const [{ data, error }, reexecute] = useQuery({
    query: TrainingJobsQuery,
    variables: { first: JOBS_PAGE_SIZE, after, status },
    context: TRAINING_CONTEXT,
  });
  const connection = data?.trainingJobs;
  useReportPage(pageKey, connection, error, onLoaded, onError);

  const active = connection?.edges.some(({ node }) => node.status === 'RUNNING' || node.status === 'QUEUED') ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => reexecute({ requestPolicy: 'network-only' }), ACTIVE_JOBS_POLL_MS);
    return () => window.clearInterval(timer);
  }, [active, reexecute]);

  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <JobRow key={node.id} job={node} canSeeDatasets={canSeeDatasets} />
      ))}
    </tbody>
  );
}

/** The organization's training jobs, newest first, filtered by status, with "Load more". */
export function TrainingJobsList({
  status,
  onStatusChange,
  newJobButton,
}: {
  status: JobStatus | null;
  onStatusChange: (status: JobStatus | null) => void;
  newJobButton: ReactNode;
}) {
  const permissions = usePermissions();
  const paging = useConnectionPages(status ?? '');
  const { first, shown } = paging;
  const loadError = paging.error;
  const loading = !first && !loadError;
  const noJobs = first?.totalCount === 0 && !status;

  return (
    <div className="models-panel">
      <div className="models-toolbar" hidden={noJobs}>
        <label className="models-filter">
          <span className="models-filter__label">Status</span>
          <select
            className="select"
            value={status ?? ''}
            onChange={(event) => onStatusChange((event.target.value || null) as JobStatus | null)}
          >
            <option value="">All statuses</option>
            {JOB_STATUSES.map((value) => (
              <option key={value} value={value}>
                {JOB_STATUS_LABEL[value]}
              </option>
            ))}
          </select>
        </label>
      </div>

      {loadError ? (
        <LoadErrorAlert error={loadError} forbiddenTitle={'You cannot view training jobs'} title={'Training jobs could not be loaded'} />
      ) : null}

      <div className="models-table-scroll" hidden={!first || first.totalCount === 0}>
        <table className="models-table" aria-busy={loading || undefined}>
          <caption className="sr-only">Training jobs of your organization, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Dataset</th>
              <th scope="col">Task</th>
              <th scope="col">Engine</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col" className="models-table__number">
                Best score
              </th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          {paging.pages.map(({ after, key }) => (
            <JobsPage
              key={key}
              status={status}
              after={after}
              pageKey={key}
              canSeeDatasets={permissions.has('datasets:read')}
              onLoaded={paging.onLoaded}
              onError={paging.onError}
            />
          ))}
        </table>
      </div>

      {loading ? (
        <div className="models-loading">
          <Spinner size={18} label="Loading training jobs" />
        </div>
      ) : noJobs ? (
        <EmptyState
          icon={<FlaskIcon size={26} />}
          title="No training jobs yet"
          description="A training job tries many candidate models on a dataset within a time budget, ranks them on a leaderboard by the metric you choose, and registers the best as a new model version."
        >
          {newJobButton}
        </EmptyState>
      ) : first && first.totalCount === 0 ? (
        <div className="models-empty">
          <p className="models-empty__title">No {status ? JOB_STATUS_LABEL[status].toLowerCase() : ''} training jobs</p>
          <p className="muted">
            <Button variant="ghost" size="sm" onClick={() => onStatusChange(null)}>
              Show all statuses
            </Button>
          </p>
        </div>
      ) : first ? (
        <div className="models-footer">
          <span className="muted" role="status">
            Showing {formatCount(shown)} of {formatCount(first.totalCount)} training job{first.totalCount === 1 ? '' : 's'}
          </span>
          {paging.canLoadMore ? (
            <Button variant="secondary" size="sm" onClick={paging.loadMore}>
              Load more
            </Button>
          ) : paging.loadingMore ? (
            <Spinner size={16} label="Loading more training jobs" />
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
