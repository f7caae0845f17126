import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ActivityIcon, AlertTriangleIcon, FileTextIcon, FlaskIcon, LockIcon, ModelsIcon, StampIcon, TrendingUpIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { ExecutiveOverviewQuery as ExecutiveOverviewResult } from '@/gql/graphql';
import { cn } from '@/lib/cn';
import { toAppError } from '@/lib/errors';
import { formatCount, formatDate, formatDateTime, formatMoney } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import { useOverviewUpdates } from '@/lib/use-overview-updates';

import { ExecutiveOverviewQuery } from '../api/overview';
import { formatAgeHours, formatDuration, formatShare, formatTrend, parsePeriod, PERIODS, type Period } from '../lib/overview-format';
import { PredictionVolumeChart } from './charts/prediction-volume-chart';

import './executive.css';

type Overview = ExecutiveOverviewResult['executiveOverview'];

/** The page's refetch: the overview has no typename a mutation here returns. */
const OVERVIEW_CONTEXT = { additionalTypenames: ['ExecutiveOverview'] };

function Tile({
  id,
  title,
  icon,
  link,
  className,
  children,
}: {
  id: string;
  title: string;
  icon: ReactNode;
  link: { to: string; label: string };
  className?: string;
  children: ReactNode;
}) {
  return (
    <Card className={cn('exec-tile', className)} aria-labelledby={`${id}-title`} data-testid={id}>
      <header className="exec-tile__header">
        <span className="exec-tile__icon" aria-hidden="true">
          {icon}
        </span>
        <h2 className="exec-tile__title" id={`${id}-title`}>
          {title}
        </h2>
        <Link className="exec-tile__link" to={link.to}>
          {link.label}
        </Link>
      </header>
      <div className="exec-tile__body">{children}</div>
    </Card>
  );
}

function Figure({ label, value, testId, tone }: { label: string; value: ReactNode; testId: string; tone?: 'danger' | 'warning' }) {
  return (
    <div className={cn('exec-figure', tone && `exec-figure--${tone}`)}>
      <span className="exec-figure__value" data-testid={testId}>
        {value}
      </span>
      <span className="exec-figure__label">{label}</span>
    </div>
  );
}

function ProductionTile({ models }: { models: Overview['modelsInProduction'] }) {
  const lines = new Map<string, number>();
  for (const model of models) {
    const line = model.businessLine ?? 'No business line';
    lines.set(line, (lines.get(line) ?? 0) + 1);
  }
  return (
    <Tile
      id="exec-production"
      title="Models in production"
      icon={<ModelsIcon size={18} />}
      link={{ to: paths.app.models.getHref('registry'), label: 'Model registry' }}
      className="exec-tile--wide"
    >
      {models.length === 0 ? (
        <EmptyState
          title="No model is in production yet"
          description={
            <>
              Train a model and promote a version to production from the{' '}
              <Link to={paths.app.models.getHref('registry')}>model registry</Link>; its value, volume and health then
              appear here.
            </>
          }
        />
      ) : (
        <>
          <div className="exec-figures">
            <Figure label="in production" value={formatCount(models.length)} testId="exec-production-count" />
            {[...lines.entries()].map(([line, count]) => (
              <Figure key={line} label={line} value={formatCount(count)} testId={`exec-line-${line}`} />
            ))}
          </div>
          <div className="exec-table-scroll">
            <table className="exec-table" data-testid="exec-production-table">
              <caption className="sr-only">Models in production, by business line and owner</caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Business line</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Last validated</th>
                </tr>
              </thead>
              <tbody>
                {[...models]
                  .sort((a, b) => (a.businessLine ?? '~').localeCompare(b.businessLine ?? '~') || a.modelName.localeCompare(b.modelName))
                  .map((model) => (
                    <tr key={model.modelVersionId}>
                      <th scope="row">
                        <Link to={paths.app.modelVersion.getHref(model.modelVersionId)}>
                          {model.modelName} v{model.version}
                        </Link>
                      </th>
                      <td>{model.businessLine ?? <span className="muted">Not set</span>}</td>
                      <td>{model.owner ?? <span className="muted">Not documented</span>}</td>
                      <td title={formatDateTime(model.lastValidatedAt)}>
                        {model.lastValidatedAt ? formatDate(model.lastValidatedAt) : <span className="exec-warn">Never</span>}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Tile>
  );
}

function VolumeTile({ volume, period }: { volume: Overview['predictionVolume']; period: Period }) {
  const trend = formatTrend(volume.trend);
  return (
    <Tile
      id="exec-volume"
      title="Prediction volume"
      icon={<ActivityIcon size={18} />}
      link={{ to: paths.app.models.getHref('registry'), label: 'Models and monitoring' }}
      className="exec-tile--wide"
    >
      <div className="exec-figures">
        <Figure label={`predictions, last ${period} days`} value={formatCount(volume.total)} testId="exec-volume-total" />
        <Figure label="real-time" value={formatCount(volume.realtimeTotal)} testId="exec-volume-realtime" />
        <Figure label="batch" value={formatCount(volume.batchTotal)} testId="exec-volume-batch" />
        <Figure
          label={`vs the ${period} days before (${formatCount(volume.previousTotal)})`}
          value={trend ?? 'No earlier volume'}
          testId="exec-volume-trend"
        />
      </div>
      {volume.total === 0 ? (
        <p className="muted exec-note">
          No predictions in this period. Volume appears once a production model is called through the API or scores a
          batch.
        </p>
      ) : (
        <PredictionVolumeChart days={volume.days} />
      )}
    </Tile>
  );
}

function ValueTile({ overview }: { overview: Overview }) {
  const month = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(overview.monthStart),
  );
  const first = overview.modelsInProduction[0];
  return (
    <Tile
      id="exec-value"
      title={`Value this month (${month})`}
      icon={<TrendingUpIcon size={18} />}
      link={{ to: paths.app.models.getHref('registry'), label: 'Model registry' }}
      className="exec-tile--wide"
    >
      {overview.valueThisMonth.length === 0 ? (
        overview.modelsInProduction.length === 0 ? (
          <p className="muted exec-note">Value appears once a model with a value model is in production.</p>
        ) : (
          <p className="exec-note" data-testid="exec-value-empty">
            No production model has a value model yet: set a value model on the model page (
            {first ? (
              <Link to={paths.app.modelVersion.getHref(first.modelVersionId, 'value')}>
                {first.modelName} v{first.version}, Value tab
              </Link>
            ) : null}
            ) so its expected and realized value show here.
          </p>
        )
      ) : (
        <>
          <div className="exec-figures">
            {overview.valueTotals.map((total) => (
              <Figure
                key={total.currency}
                label={`expected from this month's predictions (${total.currency}); planned ${formatMoney(total.plannedMonthlyValue, total.currency)}`}
                value={formatMoney(total.expectedValue, total.currency)}
                testId={`exec-value-expected-${total.currency}`}
              />
            ))}
            {overview.valueTotals.map((total) => (
              <Figure
                key={`realized-${total.currency}`}
                label={`realized, from outcomes (expected ${formatMoney(total.expectedValueOfRealized, total.currency)} for those)`}
                value={formatMoney(total.realizedValue, total.currency)}
                testId={`exec-value-realized-${total.currency}`}
                tone={total.realizedValue < total.expectedValueOfRealized ? 'warning' : undefined}
              />
            ))}
          </div>
          <div className="exec-table-scroll">
            <table className="exec-table" data-testid="exec-value-table">
              <caption className="sr-only">Expected and realized value this month, by model</caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" className="exec-table__number">
                    Predictions
                  </th>
                  <th scope="col" className="exec-table__number">
                    Per prediction
                  </th>
                  <th scope="col" className="exec-table__number">
                    Expected
                  </th>
                  <th scope="col" className="exec-table__number">
                    Realized (with outcome)
                  </th>
                  <th scope="col" className="exec-table__number">
                    Expected for those
                  </th>
                </tr>
              </thead>
              <tbody>
                {overview.valueThisMonth.map((row) => (
                  <tr key={row.model.modelVersionId} data-testid={`exec-value-row-${row.model.modelVersionId}`}>
                    <th scope="row">
                      <Link to={paths.app.modelVersion.getHref(row.model.modelVersionId, 'value')}>
                        {row.model.modelName} v{row.model.version}
                      </Link>
                      {row.unavailable ? <span className="exec-table__why muted">{row.unavailable}</span> : null}
                    </th>
                    <td className="exec-table__number">{formatCount(row.predictions)}</td>
                    <td className="exec-table__number">{formatMoney(row.valuePerPrediction, row.currency)}</td>
                    <td className="exec-table__number">{formatMoney(row.expectedValue, row.currency)}</td>
                    <td className="exec-table__number">
                      {formatMoney(row.realizedValue, row.currency)}{' '}
                      <span className="muted">({formatCount(row.realizedPredictions)})</span>
                    </td>
                    <td className="exec-table__number">{formatMoney(row.expectedValueOfRealized, row.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Tile>
  );
}

function AlertsTile({ alerts }: { alerts: Overview['openAlerts'] }) {
  const count = (severity: string) => alerts.find((a) => a.severity === severity)?.count ?? 0;
  const critical = count('CRITICAL');
  const warning = count('WARNING');
  return (
    <Tile
      id="exec-alerts"
      title="Drift and performance alerts"
      icon={<AlertTriangleIcon size={18} />}
      link={{ to: paths.app.alerts.getHref('OPEN'), label: 'Open alerts' }}
    >
      <div className="exec-figures">
        <Figure label="critical" value={formatCount(critical)} testId="exec-alerts-critical" tone={critical ? 'danger' : undefined} />
        <Figure label="warning" value={formatCount(warning)} testId="exec-alerts-warning" tone={warning ? 'warning' : undefined} />
      </div>
      <p className="muted exec-note">
        {critical + warning === 0 ? 'No unresolved alert: every model is within its agreed thresholds.' : 'Unresolved (open or acknowledged).'}
      </p>
    </Tile>
  );
}

function ApprovalsTile({ approvals }: { approvals: Overview['pendingApprovals'] }) {
  return (
    <Tile
      id="exec-approvals"
      title="Pending approvals"
      icon={<StampIcon size={18} />}
      link={{ to: paths.app.approvals.getHref(), label: 'Approvals' }}
    >
      <div className="exec-figures">
        <Figure label="awaiting a decision" value={formatCount(approvals.count)} testId="exec-approvals-count" />
        {approvals.count > 0 ? (
          <Figure
            label="the oldest has waited"
            value={formatAgeHours(approvals.oldestAgeHours)}
            testId="exec-approvals-oldest"
            tone={(approvals.oldestAgeHours ?? 0) >= 72 ? 'warning' : undefined}
          />
        ) : null}
      </div>
      <p className="muted exec-note">
        {approvals.count === 0
          ? 'Nothing waits for a decision.'
          : `Oldest requested ${formatDateTime(approvals.oldestRequestedAt)}.`}
      </p>
    </Tile>
  );
}

function TrainingTile({ training, period }: { training: Overview['training']; period: Period }) {
  return (
    <Tile
      id="exec-training"
      title="Training activity"
      icon={<FlaskIcon size={18} />}
      link={{ to: paths.app.models.getHref(), label: 'Training jobs' }}
      className="exec-tile--pair"
    >
      <div className="exec-figures">
        <Figure label={`jobs, last ${period} days`} value={formatCount(training.jobs)} testId="exec-training-jobs" />
        <Figure
          label={`succeeded (${formatCount(training.succeeded)} of ${formatCount(training.finished)} finished)`}
          value={formatShare(training.successRate)}
          testId="exec-training-success"
        />
        <Figure label="compute time" value={formatDuration(training.computeSeconds)} testId="exec-training-compute" />
      </div>
      {training.jobs === 0 ? (
        <p className="muted exec-note">
          No training in this period. <Link to={paths.app.newTrainingJob.getHref()}>Train a model</Link> from a dataset.
        </p>
      ) : null}
    </Tile>
  );
}

function PeriodPicker({ period }: { period: Period }) {
  return (
    <nav className="segmented exec-noprint" aria-label="Period">
      {PERIODS.map((days) => (
        <Link
          key={days}
          to={`${paths.app.executive.getHref()}?period=${days}`}
          className="segmented__option"
          aria-current={days === period ? 'page' : undefined}
          aria-label={`Last ${days} days`}
          replace
        >
          {days} days
        </Link>
      ))}
    </nav>
  );
}

function OverviewBody({ period }: { period: Period }) {
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: ExecutiveOverviewQuery,
    variables: { period },
    context: OVERVIEW_CONTEXT,
  });
  useOverviewUpdates(true, () => reexecute({ requestPolicy: 'network-only' }));
  const overview = data?.executiveOverview;
  if (!overview) {
    if (error) {
      return (
        <LoadErrorAlert
          error={toAppError(error)}
          title="The overview could not be loaded"
          forbiddenTitle="You cannot view the executive overview"
        />
      );
    }
    return (
      <div className="section-loading">
        <Spinner size={20} label="Loading the overview" />
      </div>
    );
  }
  return (
    <>
      <p className="muted exec-period" data-testid="exec-period">
        {formatDate(overview.since)} – {formatDateTime(overview.until)} ({overview.periodDays} days)
        {fetching ? <Spinner size={12} label="Updating" /> : null}
      </p>
      <div className="exec-grid">
        <ValueTile overview={overview} />
        <ProductionTile models={overview.modelsInProduction} />
        <AlertsTile alerts={overview.openAlerts} />
        <ApprovalsTile approvals={overview.pendingApprovals} />
        <TrainingTile training={overview.training} period={period} />
        <VolumeTile volume={overview.predictionVolume} period={period} />
      </div>
    </>
  );
}

/** /executive: the organization's models at a glance, live, printable for a board pack. */
export function ExecutiveOverview() {
  const permissions = usePermissions();
  const [params] = useSearchParams();
  const period = parsePeriod(params.get('period'));
  const allowed = permissions.has('insights:read');
  return (
    <div className="exec-overview">
      <PageHeader
        eyebrow="Overview"
        title="Executive overview"
        description="What the organization's models are worth, whether they are healthy, and what waits for a decision."
        actions={
          allowed ? (
            <div className="exec-actions">
              <PeriodPicker period={period} />
              <Button
                variant="secondary"
                icon={<FileTextIcon size={16} />}
                onClick={() => window.print()}
                className="exec-noprint"
              >
                Print / save as PDF
              </Button>
            </div>
          ) : null
        }
      />
      {allowed ? (
        <OverviewBody period={period} />
      ) : (
        <Card>
          <EmptyState
            icon={<LockIcon size={24} />}
            title="You cannot view the executive overview"
            description="It needs the insights:read permission. Ask an administrator of your organization for a role that includes it."
          />
        </Card>
      )}
      <p className="exec-print-footer muted" aria-hidden="true">
        <TrendingUpIcon size={12} /> Phantom ML Studio · executive overview · printed {formatDateTime(new Date())}
      </p>
    </div>
  );
}
