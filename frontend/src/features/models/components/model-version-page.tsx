import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
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
import { ActivityIcon, BookIcon, FileTextIcon, LightbulbIcon, ScaleIcon, GitBranchIcon, GridIcon, ModelsIcon, TrendingUpIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { ModelStage, ModelVersionQuery as ModelVersionResult } from '@/gql/graphql';
import { cn } from '@/lib/cn';
import { toAppError, type AppError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import { COLUMN_TYPE_LABEL, COLUMN_TYPE_TONE, TASK_TYPE_LABEL } from '@/lib/ml-labels';
import { usePermissions } from '@/lib/permissions';

import { APPROVALS_CONTEXT, ModelVersionApprovalsQuery, PromotionPolicyQuery } from '../api/approvals';
import { MODEL_VERSION_CONTEXT, ModelVersionQuery, PromoteModelVersionMutation } from '../api/model-versions';
import { isExpired, needsApproval } from '../lib/approvals-format';
import { plainModelName, servedVersusBest } from '../lib/model-names';
import {
  direction,
  formatEngineName,
  formatLatencyMs,
  formatRowsPerSecond,
  JOB_STATUS_LABEL,
  STAGE_LABEL,
} from '../lib/models-format';
import { ApprovalHistoryCard } from './approvals/approval-history';
import { RequestPromotionDialog } from './approvals/request-promotion-dialog';
import { BatchScoringPanel } from './batch-scoring-panel';
import { DocumentationPanel } from './governance/documentation-panel';
import { ForecastPanel } from './forecast/forecast-panel';
import { FairnessPanel } from './governance/fairness-panel';
import { InsightsPanel } from './governance/insights-panel';
import { MetricsList } from './metrics-list';
import { ModelsNoAccess } from './models-no-access';
import { MonitoringPanel } from './monitoring/monitoring-panel';
import { PredictPanel } from './predict-panel';
import { StageBadge } from './status-badges';
import { ValuePanel } from './value/value-panel';

import './models.css';

type Version = NonNullable<ModelVersionResult['modelVersion']>;

/** The stages a version can be promoted to, in the order the buttons show them. */
const PROMOTION_TARGETS: readonly ModelStage[] = ['STAGING', 'PRODUCTION', 'ARCHIVED'];

const PROMOTE_LABEL: Record<ModelStage, string> = {
  NONE: 'Clear the stage',
  STAGING: 'Promote to staging',
  PRODUCTION: 'Promote to production',
  ARCHIVED: 'Archive',
};

type VersionTab = 'overview' | 'value' | 'insights' | 'fairness' | 'documentation' | 'monitoring';

const VERSION_TABS: readonly { tab: VersionTab; label: string; icon: ReactNode }[] = [
  { tab: 'overview', label: 'Overview', icon: <FileTextIcon size={16} /> },
  { tab: 'value', label: 'Value', icon: <TrendingUpIcon size={16} /> },
  { tab: 'insights', label: 'Insights', icon: <LightbulbIcon size={16} /> },
  { tab: 'fairness', label: 'Fairness', icon: <ScaleIcon size={16} /> },
  { tab: 'documentation', label: 'Documentation', icon: <BookIcon size={16} /> },
  { tab: 'monitoring', label: 'Monitoring', icon: <ActivityIcon size={16} /> },
];

/** Tabs about row models: a FORECASTING version has no holdout rows, SHAP, fairness or value (runner.FORECASTING_SKIPS). */
const ROW_MODEL_TABS: readonly VersionTab[] = ['value', 'insights', 'fairness'];

function NotForForecasts({ tab }: { tab: VersionTab }) {
  const label = VERSION_TABS.find((entry) => entry.tab === tab)?.label ?? tab;
  return (
    <Alert tone="info" title={`${label} does not apply to forecasts`}>
      A forecasting version is backtested on rolling windows instead of a shuffled holdout, so it has no holdout rows for
      value curves, explanations, insights or fairness. Its backtest against seasonal naive is on the overview.
    </Alert>
  );
}

const REQUEST_LABEL: Partial<Record<ModelStage, string>> = {
  STAGING: 'Request promotion to staging',
  PRODUCTION: 'Request promotion to production',
};

function BackLink() {
  return (
    <Link to={paths.app.models.getHref('registry')} className="back-link">
      ← Model registry
    </Link>
  );
}

function VersionNotFound() {
  return (
    <>
      <BackLink />
      <Card>
        <EmptyState
          icon={<ModelsIcon size={26} />}
          title="Model version not found"
          description="The link may point to a version of another organization, or to one that never existed."
        >
          <Link to={paths.app.models.getHref('registry')} className="btn btn--secondary btn--md">
            Go to the model registry
          </Link>
        </EmptyState>
      </Card>
    </>
  );
}

function PromoteDialog({ version, stage, onClose }: { version: Version; stage: ModelStage; onClose: () => void }) {
  const [{ fetching }, promote] = useMutation(PromoteModelVersionMutation);
  const [error, setError] = useState<AppError | null>(null);
  const name = `${version.modelName} v${version.version}`;
  const confirmPromote = async () => {
    setError(null);
    const result = await promote({ id: version.id, stage }, MODEL_VERSION_CONTEXT);
    if (result.error || !result.data?.promoteModelVersion) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The stage could not be changed.' });
      return;
    }
    onClose();
  };
  return (
    <ConfirmDialog
      title={stage === 'ARCHIVED' ? `Archive ${name}?` : `Promote ${name} to ${STAGE_LABEL[stage].toLowerCase()}?`}
      confirmLabel={PROMOTE_LABEL[stage]}
      tone={stage === 'ARCHIVED' ? 'danger' : 'primary'}
      loading={fetching}
      onCancel={onClose}
      onConfirm={() => void confirmPromote()}
      error={
        error ? (
          <Alert role="alert" tone="danger">
            <ErrorMessage error={error} />
          </Alert>
        ) : null
      }
    >
      {stage === 'PRODUCTION' ? (
        <>
          <p>
            {name} becomes the production version of <strong>{version.modelName}</strong>.
          </p>
          <p>
            A model has one production version at a time: the current production version of {version.modelName}, if there is
            one, is archived.
          </p>
        </>
      ) : stage === 'STAGING' ? (
        <p>
          Staging is for checking a version before it goes to production. The production version of {version.modelName} does not
          change{version.stage === 'PRODUCTION' ? ', except that this version stops being it' : ''}.
        </p>
      ) : (
        <p>
          Archived versions stay in the registry with their lineage but are no longer meant for use.
          {version.stage === 'PRODUCTION' ? ` ${version.modelName} will have no production version.` : ''}
        </p>
      )}
      <p className="muted">The change is recorded in the audit log.</p>
    </ConfirmDialog>
  );
}

function LineageCard({ version }: { version: Version }) {
  const permissions = usePermissions();
  return (
    <Card aria-labelledby="lineage-title">
      <CardHeader
        id="lineage-title"
        icon={<GitBranchIcon size={18} />}
        title="Lineage"
        description="Where this version came from."
      />
      <CardBody className="models-panel">
        <Facts>
          <Fact label="Dataset">
            {version.dataset ? (
              permissions.has('datasets:read') ? (
                <Link to={paths.app.dataset.getHref(version.dataset.id)}>{version.datasetName}</Link>
              ) : (
                version.datasetName
              )
            ) : (
              <>
                {version.datasetName} <Badge tone="neutral">deleted</Badge>
              </>
            )}
          </Fact>
          <Fact label="Training job">
            {version.trainingJob ? (
              permissions.has('training:read') ? (
                <Link to={paths.app.trainingJob.getHref(version.trainingJob.id)}>
                  {JOB_STATUS_LABEL[version.trainingJob.status]} job
                </Link>
              ) : (
                JOB_STATUS_LABEL[version.trainingJob.status]
              )
            ) : (
              <span className="muted">Not available</span>
            )}
          </Fact>
          <Fact label="Engine">{formatEngineName(version.engine)}</Fact>
          <Fact label="Best model">
            {/* people's words; the engine's name on hover (model-names.ts) */}
            <span title={version.bestModelName}>{plainModelName(version.bestModelName)}</span>
          </Fact>
          <Fact label="Serves">
            {version.servingModel ? (
              <span title={version.servingModel}>{plainModelName(version.servingModel)}</span>
            ) : (
              <span className="muted">Not recorded</span>
            )}
          </Fact>
          <Fact label="Predict time">
            {version.predictMsPerRow != null ? (
              <>
                {formatLatencyMs(version.predictMsPerRow)} per row · {formatRowsPerSecond(version.predictRowsPerSecond)}
              </>
            ) : (
              <span className="muted">Not recorded</span>
            )}
          </Fact>
          <Fact label={version.taskType === 'ANOMALY_DETECTION' ? 'Label column' : 'Target'}>
            {version.target ? <code>{version.target}</code> : <span className="muted">None</span>}
          </Fact>
          <Fact label="Artifact">{formatBytes(version.artifactBytes)}</Fact>
          <Fact label="Created by">{version.createdBy ?? <span className="muted">Unknown</span>}</Fact>
          <Fact label="Created">
            <RelativeTime value={version.createdAt} />
          </Fact>
          <Fact label="Stage changed">
            <RelativeTime value={version.stageChangedAt} />
          </Fact>
        </Facts>
        {version.servingReason ? (
          <p className="muted" data-testid="serving-reason">
            {servedVersusBest(version.bestModelName, version.servingModel) ?? 'The best model serves.'} Why it serves:{' '}
            {version.servingReason}
          </p>
        ) : null}
        <CopyField
          className="hash-field"
          label="Dataset content hash"
          value={version.datasetContentHash}
          hint={
            version.dataset
              ? 'SHA-256 of the file this version was trained on.'
              : 'SHA-256 of the file this version was trained on. The dataset has since been deleted; the hash still identifies it.'
          }
        />
      </CardBody>
    </Card>
  );
}

function FeaturesCard({ version }: { version: Version }) {
  const count = version.features.length;
  return (
    <Card aria-labelledby="features-title">
      <CardHeader
        id="features-title"
        icon={<GridIcon size={18} />}
        title="Input schema"
        description={`The ${count} feature${count === 1 ? '' : 's'} a prediction request gives for each row.`}
      />
      <CardBody className="models-panel">
        {version.features.length === 0 ? (
          <p className="muted">This version lists no input features.</p>
        ) : (
          <div className="table-scroll">
            <table className="table models-table models-table--compact">
              <caption className="sr-only">Input features of the model version</caption>
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">Type</th>
                </tr>
              </thead>
              <tbody>
                {version.features.map((feature) => (
                  <tr key={feature.name}>
                    <th scope="row" className="models-table__model">
                      {feature.name}
                    </th>
                    <td>
                      <Badge tone={COLUMN_TYPE_TONE[feature.type]}>{COLUMN_TYPE_LABEL[feature.type]}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {version.classes && version.classes.length > 0 ? (
          <div>
            <p className="fact__label">Classes</p>
            <ul className="chip-list" aria-label="Classes">
              {version.classes.map((label) => (
                <li key={label} className="chip">
                  {label}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

/**
 * The stage buttons: a direct promotion, or a request where the organization's policy wants a
 * second person's approval (then a pending request shows instead of a second one).
 */
function StageActions({ version, onPromote, onRequest }: {
  version: Version;
  onPromote: (stage: ModelStage) => void;
  onRequest: (stage: ModelStage) => void;
}) {
  const [{ data: policyData }] = useQuery({ query: PromotionPolicyQuery });
  const [{ data: approvalsData }] = useQuery({
    query: ModelVersionApprovalsQuery,
    variables: { id: version.id },
    context: APPROVALS_CONTEXT,
  });
  const policy = policyData?.promotionPolicy;
  const pending = (approvalsData?.modelVersion?.approvals ?? []).filter(
    (request) => request.status === 'PENDING' && !isExpired(request),
  );
  return (
    <div className="promote-actions" role="group" aria-label="Change the stage">
      {PROMOTION_TARGETS.filter((stage) => stage !== version.stage).map((stage) => {
        // until the policy is known, offer only what never waits for it (archiving)
        if (!policy && stage !== 'ARCHIVED') return null;
        if (!needsApproval(policy, stage)) {
          return (
            <Button
              key={stage}
              variant={stage === 'PRODUCTION' ? 'primary' : stage === 'ARCHIVED' ? 'danger-ghost' : 'secondary'}
              onClick={() => onPromote(stage)}
            >
              {PROMOTE_LABEL[stage]}
            </Button>
          );
        }
        if (pending.some((request) => request.stage === stage)) {
          return (
            <Link
              key={stage}
              to={paths.app.approvals.getHref()}
              className="btn btn--secondary btn--md"
              data-testid="approval-pending"
            >
              {STAGE_LABEL[stage]} approval pending
            </Link>
          );
        }
        return (
          <Button key={stage} variant={stage === 'PRODUCTION' ? 'primary' : 'secondary'} onClick={() => onRequest(stage)}>
            {REQUEST_LABEL[stage]}
          </Button>
        );
      })}
    </div>
  );
}

function VersionView({ version }: { version: Version }) {
  const permissions = usePermissions();
  const [promoting, setPromoting] = useState<ModelStage | null>(null);
  const [requesting, setRequesting] = useState<ModelStage | null>(null);
  const [{ data: policyData }] = useQuery({ query: PromotionPolicyQuery, pause: !permissions.has('models:promote') });
  const canPromote = permissions.has('models:promote');
  const [params] = useSearchParams();
  const tab = VERSION_TABS.find((entry) => entry.tab === params.get('tab'))?.tab ?? 'overview';
  const forecasting = version.taskType === 'FORECASTING';
  const tabs = forecasting ? VERSION_TABS.filter((entry) => !ROW_MODEL_TABS.includes(entry.tab)) : VERSION_TABS;
  return (
    <>
      <BackLink />
      <PageHeader
        eyebrow="Model version"
        title={`${version.modelName} v${version.version}`}
        description={
          <span className="job-summary">
            <StageBadge stage={version.stage} />
            <span>{TASK_TYPE_LABEL[version.taskType]}</span>
            <span aria-hidden="true">·</span>
            <span>{formatEngineName(version.engine)}</span>
            <span aria-hidden="true">·</span>
            <span>
              {version.metric} ({direction(version.higherIsBetter)})
            </span>
          </span>
        }
        actions={canPromote ? <StageActions version={version} onPromote={setPromoting} onRequest={setRequesting} /> : null}
      />
      <nav className="tabs" aria-label="Model version sections">
        {tabs.map((entry) => (
          <Link
            key={entry.tab}
            to={paths.app.modelVersion.getHref(version.id, entry.tab === 'overview' ? undefined : entry.tab)}
            className={cn('tabs__link', tab === entry.tab && 'tabs__link--active')}
            aria-current={tab === entry.tab ? 'page' : undefined}
          >
            {entry.icon}
            {entry.label}
          </Link>
        ))}
      </nav>
      {forecasting && ROW_MODEL_TABS.includes(tab) ? (
        <NotForForecasts tab={tab} />
      ) : tab === 'monitoring' ? (
        <MonitoringPanel versionId={version.id} />
      ) : tab === 'value' ? (
        <ValuePanel versionId={version.id} taskType={version.taskType} stage={version.stage} />
      ) : tab === 'insights' ? (
        <InsightsPanel versionId={version.id} />
      ) : tab === 'fairness' ? (
        <FairnessPanel versionId={version.id} />
      ) : tab === 'documentation' ? (
        <DocumentationPanel versionId={version.id} />
      ) : (
        <div className="stack">
          <div className="job-overview">
            <LineageCard version={version} />
            <Card aria-labelledby="version-metrics-title">
              <CardHeader
                id="version-metrics-title"
                icon={<TrendingUpIcon size={18} />}
                title={forecasting ? 'Backtest metrics' : 'Holdout metrics'}
                description={`${forecasting ? 'On the last backtest window; ranked' : 'Ranked'} by ${version.metric} (${direction(version.higherIsBetter)}).`}
              />
              <CardBody>
                {version.metrics.length > 0 ? (
                  <MetricsList metrics={version.metrics} highlight={version.metric} />
                ) : (
                  <p className="muted">No holdout metrics were recorded (e.g. anomaly detection without a label column).</p>
                )}
              </CardBody>
            </Card>
          </div>
          {forecasting ? <ForecastPanel versionId={version.id} /> : <FeaturesCard version={version} />}
          <ApprovalHistoryCard versionId={version.id} />
          {/* a forecast's predict is the chart's (rows: []); the row form does not apply */}
          {permissions.has('predictions:run') && !forecasting ? <PredictPanel version={version} /> : null}
          <BatchScoringPanel versionId={version.id} />
        </div>
      )}
      {promoting ? <PromoteDialog version={version} stage={promoting} onClose={() => setPromoting(null)} /> : null}
      {requesting ? (
        <RequestPromotionDialog
          version={version}
          stage={requesting}
          ttlHours={policyData?.promotionPolicy.requestTtlHours ?? null}
          onClose={() => setRequesting(null)}
        />
      ) : null}
    </>
  );
}

function ModelVersionLoader({ id }: { id: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ModelVersionQuery, variables: { id }, context: MODEL_VERSION_CONTEXT });
  const version = data?.modelVersion;
  if (!version) {
    if (fetching || (!error && !data)) {
      return (
        <div className="models-loading">
          <Spinner size={20} label="Loading the model version" />
        </div>
      );
    }
    const appError = error ? toAppError(error) : null;
    if (!appError || appError.code === 'NOT_FOUND' || appError.code === 'BAD_USER_INPUT') return <VersionNotFound />;
    return (
      <>
        <BackLink />
        <Alert
          role="alert"
          tone={appError.code === 'FORBIDDEN' ? 'warning' : 'danger'}
          title="The model version could not be loaded"
        >
          <ErrorMessage error={appError} />
        </Alert>
      </>
    );
  }
  return <VersionView version={version} />;
}

/** /models/versions/:id (needs models:read). */
export function ModelVersionPage({ id }: { id: string }) {
  const permissions = usePermissions();
  if (!permissions.has('models:read')) return <ModelsNoAccess permission="models:read" title="Model version" />;
  return <ModelVersionLoader key={id} id={id} />;
}
