import { Link } from 'react-router';
import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { GitBranchIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { ModelStage, ModelVersionSummaryFieldsFragment } from '@/gql/graphql';
import type { AppError } from '@/lib/errors';
import { formatCount, formatDateTime, formatRelative } from '@/lib/format';
import { useConnectionPages, useReportPage, type PageReport } from '@/lib/use-connection-pages';
import { TASK_TYPE_LABEL } from '@/lib/ml-labels';

import { MODEL_VERSION_CONTEXT, ModelVersionsQuery } from '../api/model-versions';
import { formatEngineName, formatScore, MODEL_STAGES, STAGE_LABEL } from '../lib/models-format';
import { StageBadge } from './status-badges';

export const VERSIONS_PAGE_SIZE = 25;

/** The value of the version's own metric among its holdout metrics. */
function headlineMetric(version: Pick<ModelVersionSummaryFieldsFragment, 'metric' | 'metrics'>): number | undefined {
  return version.metrics.find((metric) => metric.name === version.metric)?.value;
}

function VersionRow({ version }: { version: ModelVersionSummaryFieldsFragment }) {
  const value = headlineMetric(version);
  return (
    <tr>
      <th scope="row" className="models-table__name">
        <Link to={paths.app.modelVersion.getHref(version.id)} className="models-table__link">
          {version.modelName} <span className="models-table__version">v{version.version}</span>
        </Link>
        {version.target ? <span className="models-table__sub">predicts {version.target}</span> : null}
      </th>
      <td>
        <StageBadge stage={version.stage} />
      </td>
      <td>{TASK_TYPE_LABEL[version.taskType]}</td>
      <td>{formatEngineName(version.engine)}</td>
      <td className="models-table__number">
        <span className="models-table__stacked">
          <span>{formatScore(value)}</span>
          <span className="muted">{version.metric}</span>
        </span>
      </td>
      <td>
        <span className="models-table__stacked">
          <time dateTime={version.createdAt} title={formatDateTime(version.createdAt)}>
            {formatRelative(version.createdAt)}
          </time>
          <span className="muted">{version.createdBy ? `by ${version.createdBy}` : 'by an unknown member'}</span>
        </span>
      </td>
    </tr>
  );
}

function VersionsPage({
  stage,
  after,
  pageKey,
  onLoaded,
  onError,
}: {
  stage: ModelStage | null;
  after: string | null;
  pageKey: string;
  onLoaded: (pageKey: string, report: PageReport) => void;
  onError: (pageKey: string, error: AppError | null) => void;
}) {
  const [{ data, error }] = useQuery({
    query: ModelVersionsQuery,
    variables: { first: VERSIONS_PAGE_SIZE, after, stage },
    context: MODEL_VERSION_CONTEXT,
  });
  const connection = data?.modelVersions;
  useReportPage(pageKey, connection, error, onLoaded, onError);
  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <VersionRow key={node.id} version={node} />
      ))}
    </tbody>
  );
}

/** The model registry: every version of every model, newest first, filtered by stage. */
export function ModelVersionsList({
  stage,
  onStageChange,
}: {
  stage: ModelStage | null;
  onStageChange: (stage: ModelStage | null) => void;
}) {
  const paging = useConnectionPages(stage ?? '');
  const { first, shown } = paging;
  const loadError = paging.error;
  const loading = !first && !loadError;
  const noVersions = first?.totalCount === 0 && !stage;

  return (
    <div className="models-panel">
      <div className="models-toolbar" hidden={noVersions}>
        <label className="models-filter">
          <span className="models-filter__label">Stage</span>
          <select
            className="select"
            value={stage ?? ''}
            onChange={(event) => onStageChange((event.target.value || null) as ModelStage | null)}
          >
            <option value="">All stages</option>
            {MODEL_STAGES.map((value) => (
              <option key={value} value={value}>
                {STAGE_LABEL[value]}
              </option>
            ))}
          </select>
        </label>
      </div>

      {loadError ? (
        <LoadErrorAlert error={loadError} forbiddenTitle={'You cannot view the model registry'} title={'Model versions could not be loaded'} />
      ) : null}

      <div className="models-table-scroll" hidden={!first || first.totalCount === 0}>
        <table className="models-table" aria-busy={loading || undefined}>
          <caption className="sr-only">Model versions of your organization, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Model version</th>
              <th scope="col">Stage</th>
              <th scope="col">Task</th>
              <th scope="col">Engine</th>
              <th scope="col" className="models-table__number">
                Holdout metric
              </th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          {paging.pages.map(({ after, key }) => (
            <VersionsPage
              key={key}
              stage={stage}
              after={after}
              pageKey={key}
              onLoaded={paging.onLoaded}
              onError={paging.onError}
            />
          ))}
        </table>
      </div>

      {loading ? (
        <div className="models-loading">
          <Spinner size={18} label="Loading model versions" />
        </div>
      ) : noVersions ? (
        <EmptyState
          icon={<GitBranchIcon size={26} />}
          title="No model versions yet"
          description="Every training job that succeeds registers its best model here as a new version. Promote a version to staging or production when it is ready."
        />
      ) : first && first.totalCount === 0 ? (
        <div className="models-empty">
          <p className="models-empty__title">No model versions with the stage “{stage ? STAGE_LABEL[stage] : ''}”</p>
          <p className="muted">
            <Button variant="ghost" size="sm" onClick={() => onStageChange(null)}>
              Show all stages
            </Button>
          </p>
        </div>
      ) : first ? (
        <div className="models-footer">
          <span className="muted" role="status">
            Showing {formatCount(shown)} of {formatCount(first.totalCount)} model version{first.totalCount === 1 ? '' : 's'}
          </span>
          {paging.canLoadMore ? (
            <Button variant="secondary" size="sm" onClick={paging.loadMore}>
              Load more
            </Button>
          ) : paging.loadingMore ? (
            <Spinner size={16} label="Loading more model versions" />
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
