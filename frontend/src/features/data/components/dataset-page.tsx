import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CopyField } from '@/components/ui/copy-field';
import { EmptyState } from '@/components/ui/empty-state';
import { Fact, Facts } from '@/components/ui/facts';
import { DataIcon, EyeIcon, FileTextIcon, FlaskIcon, GridIcon, TrashIcon, TrendingUpIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { ColumnProfileFieldsFragment, DatasetQuery as DatasetQueryResult } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatBytes, formatCount, formatPercent, formatRelative } from '@/lib/format';
import { COLUMN_TYPE_LABEL, COLUMN_TYPE_TONE, TASK_TYPE_LABEL } from '@/lib/ml-labels';
import { usePermissions } from '@/lib/permissions';

import { DATASET_CONTEXT, DatasetQuery, DeleteDatasetMutation } from '../api/datasets';
import { formatDateBound, formatSourceFormat } from '../lib/dataset-format';
import { Histogram } from './charts/histogram';
import { MissingValuesChart } from './charts/missing-values-chart';
import { TopValuesChart } from './charts/top-values-chart';
import { ColumnsTable } from './columns-table';
import { DatasetPreview } from './dataset-preview';
import { DatasetStatusBadge } from './dataset-status-badge';
import { PROFILING_POLL_MS } from './datasets-list';

import './data.css';

type Dataset = NonNullable<DatasetQueryResult['dataset']>;
type Profile = NonNullable<Dataset['profile']>;

function BackLink() {
  return (
    <Link to={paths.app.data.getHref()} className="back-link">
      ← All datasets
    </Link>
  );
}

export function DatasetNotFound() {
  return (
    <>
      <BackLink />
      <Card>
        <EmptyState
          icon={<DataIcon size={26} />}
          title="Dataset not found"
          description="It may have been deleted, or the link points to a dataset outside your organization."
        >
          <Link to={paths.app.data.getHref()} className="btn btn--secondary btn--md">
            Go to all datasets
          </Link>
        </EmptyState>
      </Card>
    </>
  );
}

function DatasetFacts({ dataset }: { dataset: Dataset }) {
  return (
    <Card aria-labelledby="dataset-facts-title">
      <CardHeader id="dataset-facts-title" icon={<FileTextIcon size={18} />} title="About this dataset" />
      <CardBody className="data-panel">
        <Facts>
          <Fact label="Status">
            <DatasetStatusBadge status={dataset.status} error={dataset.error} />
          </Fact>
          <Fact label="Format">
            <span className="format-tag">{formatSourceFormat(dataset.sourceFormat)}</span>
          </Fact>
          <Fact label="Rows">{formatCount(dataset.rowCount)}</Fact>
          <Fact label="Columns">{formatCount(dataset.columnCount)}</Fact>
          <Fact label="Size">{formatBytes(dataset.sizeBytes)}</Fact>
          <Fact label="Original file">
            <span className="fact__truncate" title={dataset.originalFilename}>
              {dataset.originalFilename}
            </span>
          </Fact>
          <Fact label="Uploaded by">{dataset.createdBy ?? <span className="muted">Unknown</span>}</Fact>
          <Fact label="Uploaded">
            <RelativeTime value={dataset.createdAt} />
          </Fact>
        </Facts>
        <CopyField
          className="hash-field"
          label="Content hash"
          value={dataset.contentHash}
          hint="SHA-256 of the uploaded bytes: the same file always has the same hash."
        />
      </CardBody>
    </Card>
  );
}

function SuggestedTargets({ profile }: { profile: Profile }) {
  if (profile.suggestedTargets.length === 0) {
    return (
      <Alert tone="info" title="No obvious target column">
        None of the columns looks like something to predict. You can still choose any column as the target when you start
        an experiment.
      </Alert>
    );
  }
  const columnType = new Map(profile.columns.map((column) => [column.name, column.type]));
  return (
    <section className="targets" aria-labelledby="targets-title">
      <div className="targets__header">
        <TrendingUpIcon size={18} className="targets__icon" />
        <div>
          <h2 className="targets__title" id="targets-title">
            What you could predict
          </h2>
          <p className="targets__description">Columns that look like good targets for an experiment, best first.</p>
        </div>
      </div>
      <ol className="targets__list">
        {profile.suggestedTargets.map((target, index) => {
          const type = columnType.get(target.column);
          return (
            <li className="target" key={`${target.column}-${target.taskType}`}>
              <span className="target__rank" aria-hidden="true">
                {index + 1}
              </span>
              <div className="target__body">
                <p className="target__heading">
                  <code className="target__column">{target.column}</code>
                  <Badge tone="brand">{TASK_TYPE_LABEL[target.taskType]}</Badge>
                  {type ? <span className="muted target__type">{COLUMN_TYPE_LABEL[type].toLowerCase()} column</span> : null}
                </p>
                <p className="target__reason">{target.reason}</p>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function TypeBreakdown({ columns }: { columns: readonly ColumnProfileFieldsFragment[] }) {
  const counts = new Map<ColumnProfileFieldsFragment['type'], number>();
  for (const column of columns) counts.set(column.type, (counts.get(column.type) ?? 0) + 1);
  const entries = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return (
    <ul className="type-breakdown" aria-label="Columns by type">
      {entries.map(([type, count]) => (
        <li key={type}>
          <Badge tone={COLUMN_TYPE_TONE[type]}>
            {count} {COLUMN_TYPE_LABEL[type].toLowerCase()}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

function DataQuality({ profile }: { profile: Profile }) {
  const cells = profile.rows * profile.columns.length;
  const missing = profile.columns.reduce((sum, column) => sum + column.missingCount, 0);
  const completeness = cells > 0 ? ((cells - missing) / cells) * 100 : 100;
  return (
    <Card aria-labelledby="quality-title">
      <CardHeader
        id="quality-title"
        icon={<EyeIcon size={18} />}
        title="Data quality"
        description={`${formatPercent(completeness)} of all ${formatCount(cells)} cells hold a value.`}
      />
      <CardBody className="data-panel">
        <TypeBreakdown columns={profile.columns} />
        <MissingValuesChart columns={profile.columns} />
      </CardBody>
    </Card>
  );
}

function ColumnDistribution({ column, rows }: { column: ColumnProfileFieldsFragment; rows: number }) {
  let chart: ReactNode;
  if (column.type === 'NUMERIC') chart = <Histogram column={column.name} bins={column.histogram} />;
  else if (column.type === 'DATETIME')
    chart = (
      <p className="chart-empty muted">
        From {formatDateBound(column.minText)} to {formatDateBound(column.maxText)}
      </p>
    );
  else if (column.type === 'ID' && column.topValues.every((value) => value.count <= 1))
    chart = (
      <p className="chart-empty muted">
        Every value is distinct, as expected of an identifier
        {column.topValues.length > 0
          ? `, e.g. ${column.topValues
              .slice(0, 3)
              .map((value) => value.value)
              .join(', ')}`
          : ''}
        .
      </p>
    );
  else chart = <TopValuesChart column={column.name} values={column.topValues} rows={rows} />;
  return (
    <article className="distribution" id={`column-${encodeURIComponent(column.name)}`} aria-labelledby={`dist-${column.name}`}>
      <header className="distribution__header">
        <h3 className="distribution__title" id={`dist-${column.name}`}>
          {column.name}
        </h3>
        <Badge tone={COLUMN_TYPE_TONE[column.type]}>{COLUMN_TYPE_LABEL[column.type]}</Badge>
      </header>
      <p className="distribution__meta muted">
        {formatCount(column.distinctCount)} distinct · {formatPercent(column.missingPercent)} missing
      </p>
      {chart}
    </article>
  );
}

function ProfileSections({ profile }: { profile: Profile }) {
  return (
    <>
      <DataQuality profile={profile} />
      <Card aria-labelledby="columns-title">
        <CardHeader
          id="columns-title"
          icon={<GridIcon size={18} />}
          title="Columns"
          description={`${formatCount(profile.columns.length)} columns, profiled ${formatRelative(profile.profiledAt)}.`}
        />
        <CardBody className="data-panel">
          <ColumnsTable columns={profile.columns} />
        </CardBody>
      </Card>
      <Card aria-labelledby="distributions-title">
        <CardHeader
          id="distributions-title"
          icon={<TrendingUpIcon size={18} />}
          title="Distributions"
          description="Histograms of numeric columns; the most frequent values of the others."
        />
        <CardBody>
          <div className="distributions">
            {profile.columns.map((column) => (
              <ColumnDistribution key={column.name} column={column} rows={profile.rows} />
            ))}
          </div>
        </CardBody>
      </Card>
    </>
  );
}

function DeleteDatasetDialog({ dataset, onClose }: { dataset: Dataset; onClose: () => void }) {
  const navigate = useNavigate();
  const [{ fetching }, remove] = useMutation(DeleteDatasetMutation);
  const [error, setError] = useState<AppError | null>(null);
  const confirmDelete = async () => {
    setError(null);
    const result = await remove({ id: dataset.id }, DATASET_CONTEXT);
    if (result.error || !result.data?.deleteDataset) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The dataset could not be deleted.' });
      return;
    }
    void navigate(paths.app.data.getHref(), { replace: true });
  };
  return (
    <ConfirmDialog
      title={`Delete ${dataset.name}?`}
      confirmLabel="Delete dataset"
      loading={fetching}
      onCancel={onClose}
      onConfirm={() => void confirmDelete()}
      error={
        error ? (
          <Alert role="alert" tone="danger">
            <ErrorMessage error={error} />
          </Alert>
        ) : null
      }
    >
      The file and its profile are removed for everyone in your organization. This cannot be undone.
    </ConfirmDialog>
  );
}

/** One dataset: what it is, what it could predict, its data quality and every column's distribution. */
export function DatasetPage({ id }: { id: string }) {
  const permissions = usePermissions();
  const canWrite = permissions.has('datasets:write');
  const [{ data, error, fetching }, reexecute] = useQuery({ query: DatasetQuery, variables: { id }, context: DATASET_CONTEXT });
  const [deleting, setDeleting] = useState(false);
  const dataset = data?.dataset;
  // Training needs a profiled dataset; the Models area's form opens with this one chosen.
  const canTrain = permissions.has('training:run') && dataset?.status === 'READY';

  const profiling = dataset?.status === 'PROFILING';
  useEffect(() => {
    if (!profiling) return;
    const timer = window.setInterval(() => reexecute({ requestPolicy: 'network-only' }), PROFILING_POLL_MS);
    return () => window.clearInterval(timer);
  }, [profiling, reexecute]);

  if (!dataset) {
    if (fetching || (!error && !data)) {
      return (
        <div className="data-loading">
          <Spinner size={20} label="Loading the dataset" />
        </div>
      );
    }
    const appError = error ? toAppError(error) : null;
    if (!appError || appError.code === 'NOT_FOUND' || appError.code === 'BAD_USER_INPUT') return <DatasetNotFound />;
    return (
      <>
        <BackLink />
        <Alert role="alert" tone={appError.code === 'FORBIDDEN' ? 'warning' : 'danger'} title="The dataset could not be loaded">
          <ErrorMessage error={appError} />
        </Alert>
      </>
    );
  }

  return (
    <>
      <BackLink />
      <PageHeader
        eyebrow="Dataset"
        title={dataset.name}
        description={
          <span className="dataset-summary">
            <DatasetStatusBadge status={dataset.status} error={dataset.error} />
            <span>{formatSourceFormat(dataset.sourceFormat)}</span>
            <span aria-hidden="true">·</span>
            <span>{formatBytes(dataset.sizeBytes)}</span>
            {dataset.rowCount !== null && dataset.rowCount !== undefined ? (
              <>
                <span aria-hidden="true">·</span>
                <span>
                  {formatCount(dataset.rowCount)} rows × {formatCount(dataset.columnCount)} columns
                </span>
              </>
            ) : null}
          </span>
        }
        actions={
          canTrain || canWrite ? (
            <>
              {canTrain ? (
                <Link to={paths.app.newTrainingJob.getHref(dataset.id)} className="btn btn--primary btn--md">
                  <FlaskIcon size={16} />
                  Train a model
                </Link>
              ) : null}
              {canWrite ? (
                <Button variant="danger-ghost" icon={<TrashIcon size={16} />} onClick={() => setDeleting(true)}>
                  Delete
                </Button>
              ) : null}
            </>
          ) : null
        }
      />
      <div className="stack">
        {dataset.status === 'PROFILING' ? (
          <Alert tone="info" role="status" title="Profiling the file">
            Counting rows and working out each column’s type and distribution. This page updates by itself.
          </Alert>
        ) : null}
        {dataset.status === 'FAILED' ? (
          <Alert tone="danger" title="Profiling failed">
            {dataset.error ?? 'The file could not be profiled.'}
          </Alert>
        ) : null}
        <div className={dataset.profile ? 'dataset-overview dataset-overview--split' : 'dataset-overview'}>
          <DatasetFacts dataset={dataset} />
          {dataset.profile ? <SuggestedTargets profile={dataset.profile} /> : null}
        </div>
        {dataset.status !== 'FAILED' ? <DatasetPreview id={dataset.id} /> : null}
        {dataset.profile ? <ProfileSections profile={dataset.profile} /> : null}
      </div>
      {deleting ? <DeleteDatasetDialog dataset={dataset} onClose={() => setDeleting(false)} /> : null}
    </>
  );
}
