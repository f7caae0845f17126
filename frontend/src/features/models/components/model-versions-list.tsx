import { Link } from 'react-router';
import { useQuery } from 'urql';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { GitBranchIcon } from '@/components/ui/icons';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import { RelativeTime } from '@/components/ui/relative-time';
import { paths } from '@/config/paths';
import type { ModelStage, ModelVersionSummaryFieldsFragment } from '@/gql/graphql';
import { TASK_TYPE_LABEL } from '@/lib/ml-labels';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';

import { MODEL_VERSION_CONTEXT, ModelVersionsQuery } from '../api/model-versions';
import { plainModelName, SCORE_HINTS, servedVersusBest } from '../lib/model-names';
import { formatEngineName, formatScore, MODEL_STAGES, STAGE_LABEL } from '../lib/models-format';
import { StageBadge } from './status-badges';

export const VERSIONS_PAGE_SIZE = 25;

/** The value of the version's own metric among its holdout metrics. */
function headlineMetric(version: Pick<ModelVersionSummaryFieldsFragment, 'metric' | 'metrics'>): number | undefined {
  return version.metrics.find((metric) => metric.name === version.metric)?.value;
}

/** The model the version serves in people's words, the engine's name (and why, if not the best) on hover. */
function ServedModel({ version }: { version: ModelVersionSummaryFieldsFragment }) {
  const served = version.servingModel ?? version.bestModelName;
  if (!served) return null;
  const differs = servedVersusBest(version.bestModelName, served);
  const hover = [served, differs, version.servingReason].filter(Boolean).join('\n');
  return (
    <span className="models-table__sub" title={hover}>
      serves {plainModelName(served)}
      {differs ? <span className="sr-only">. {differs}</span> : null}
    </span>
  );
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
        <ServedModel version={version} />
      </th>
      <td>
        <StageBadge stage={version.stage} />
      </td>
      <td>{TASK_TYPE_LABEL[version.taskType]}</td>
      <td>{formatEngineName(version.engine)}</td>
      <td className="table__number">
        <span className="models-table__stacked" title={SCORE_HINTS.holdout}>
          <span>{formatScore(value)}</span>
          <span className="muted">holdout {version.metric}</span>
        </span>
      </td>
      <td>
        <span className="models-table__stacked">
          <RelativeTime value={version.createdAt} />
          <span className="muted">{version.createdBy ? `by ${version.createdBy}` : 'by an unknown member'}</span>
        </span>
      </td>
    </tr>
  );
}

function VersionsPage({ page, stage }: { page: PageSlot; stage: ModelStage | null }) {
  const [{ data, error }] = useQuery({
    query: ModelVersionsQuery,
    variables: { first: VERSIONS_PAGE_SIZE, after: page.after, stage },
    context: MODEL_VERSION_CONTEXT,
  });
  const connection = data?.modelVersions;
  useReportPage(page, connection, error);
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
  const { first } = paging;
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

      <p className="models-hint muted" hidden={noVersions}>
        Scores here are <strong>holdout</strong> scores, measured at the end of training on data no model saw. The
        training jobs list shows <strong>validation</strong> scores, which rank models during training, so the two
        differ.
      </p>
      <PagedTable
        paging={paging}
        className="models-table"
        caption="Model versions of your organization, newest first"
        head={
          <>
            <th scope="col">Model version</th>
            <th scope="col">Stage</th>
            <th scope="col">Task</th>
            <th scope="col">Engine</th>
            <th scope="col" className="table__number" title={SCORE_HINTS.holdout}>
              <span className="term-hint">Holdout score</span>
            </th>
            <th scope="col">Created</th>
          </>
        }
        renderPage={(page) => <VersionsPage page={page} stage={stage} />}
        noun={{ one: 'model version', many: 'model versions' }}
        errorTitle="Model versions could not be loaded"
        forbiddenTitle="You cannot view the model registry"
        empty={
          noVersions ? (
            <EmptyState
              icon={<GitBranchIcon size={26} />}
              title="No model versions yet"
              description="Every training job that succeeds registers its best model here as a new version. Promote a version to staging or production when it is ready."
            />
          ) : (
            <NoRows title={`No model versions with the stage “${stage ? STAGE_LABEL[stage] : ''}”`}>
              <Button variant="ghost" size="sm" onClick={() => onStageChange(null)}>
                Show all stages
              </Button>
            </NoRows>
          )
        }
      />
    </div>
  );
}
