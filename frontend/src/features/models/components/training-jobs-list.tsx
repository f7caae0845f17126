import { useEffect, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { FlaskIcon } from '@/components/ui/icons';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import { RelativeTime } from '@/components/ui/relative-time';
import { paths } from '@/config/paths';
import type { JobStatus, TrainingJobSummaryFieldsFragment } from '@/gql/graphql';
import { TASK_TYPE_LABEL } from '@/lib/ml-labels';
import { usePermissions } from '@/lib/permissions';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';

import { TRAINING_CONTEXT, TrainingJobsQuery } from '../api/training';
import {
  bestEntry,
  ENGINE_LABEL,
  formatProgress,
  formatScore,
  JOB_STATUS_LABEL,
  JOB_STATUSES,
} from '../lib/models-format';
import { SCORE_HINTS } from '../lib/model-names';
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
      <td className="table__number">
        {best && best.scoreValidation !== null && best.scoreValidation !== undefined ? (
          <span className="models-table__stacked" title={SCORE_HINTS.validation}>
            <span>{formatScore(best.scoreValidation)}</span>
            <span className="muted">validation {job.metric}</span>
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <span className="models-table__stacked">
          <RelativeTime value={job.createdAt} />
          <span className="muted">{job.createdBy ? `by ${job.createdBy}` : 'by an unknown member'}</span>
        </span>
      </td>
    </tr>
  );
}

function JobsPage({ page, status, canSeeDatasets }: { page: PageSlot; status: JobStatus | null; canSeeDatasets: boolean }) {
  const [{ data, error }, reexecute] = useQuery({
    query: TrainingJobsQuery,
    variables: { first: JOBS_PAGE_SIZE, after: page.after, status },
    context: TRAINING_CONTEXT,
  });
  const connection = data?.trainingJobs;
  useReportPage(page, connection, error);

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
  const { first } = paging;
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

      <p className="models-hint muted" hidden={noJobs}>
        Scores here are <strong>validation</strong> scores, which rank a job&apos;s models. The registry shows each
        version&apos;s <strong>holdout</strong> score, measured at the end on data no model saw, so the two differ.
      </p>
      <PagedTable
        paging={paging}
        className="models-table"
        caption="Training jobs of your organization, newest first"
        head={
          <>
            <th scope="col">Model</th>
            <th scope="col">Dataset</th>
            <th scope="col">Task</th>
            <th scope="col">Engine</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col" className="table__number" title={SCORE_HINTS.validation}>
              <span className="term-hint">Best validation score</span>
            </th>
            <th scope="col">Created</th>
          </>
        }
        renderPage={(page) => <JobsPage page={page} status={status} canSeeDatasets={permissions.has('datasets:read')} />}
        noun={{ one: 'training job', many: 'training jobs' }}
        errorTitle="Training jobs could not be loaded"
        forbiddenTitle="You cannot view training jobs"
        empty={
          noJobs ? (
            <EmptyState
              icon={<FlaskIcon size={26} />}
              title="No training jobs yet"
              description="A training job tries many candidate models on a dataset within a time budget, ranks them on a leaderboard by the metric you choose, and registers the best as a new model version."
            >
              {newJobButton}
            </EmptyState>
          ) : (
            <NoRows title={`No ${status ? JOB_STATUS_LABEL[status].toLowerCase() : ''} training jobs`}>
              <Button variant="ghost" size="sm" onClick={() => onStatusChange(null)}>
                Show all statuses
              </Button>
            </NoRows>
          )
        }
      />
    </div>
  );
}
