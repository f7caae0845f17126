import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { GridIcon, LightbulbIcon, TrendingUpIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import type { ModelVersionInsightsQuery } from '@/gql/graphql';
import { cn } from '@/lib/cn';
import { toAppError } from '@/lib/errors';

import { ModelVersionInsightsQuery as InsightsQuery } from '../../api/governance';
import { formatScore } from '../../lib/models-format';
import { FeatureImportanceChart } from '../charts/feature-importance-chart';
import { PartialDependenceChart } from '../charts/partial-dependence-chart';

import './governance.css';

type Insights = NonNullable<ModelVersionInsightsQuery['modelVersion']>;

const METHOD_TEXT: Record<string, string> = {
  tree: 'exact tree SHAP',
  kernel: 'sampled Kernel SHAP',
  permutation: 'permutation SHAP',
};

function ExplanationCards({ version }: { version: Insights }) {
  const summary = version.explanationSummary;
  const importance = version.trainingJob?.featureImportance ?? [];
  return (
    <div className="job-overview">
      <Card aria-labelledby="shap-title">
        <CardHeader
          id="shap-title"
          icon={<LightbulbIcon size={18} />}
          title="SHAP summary"
          description={
            summary
              ? `Mean |SHAP| over ${summary.rows.toLocaleString()} holdout rows (${METHOD_TEXT[summary.method] ?? summary.method}), in ${summary.explained}.`
              : 'How much each feature moves the predictions, on average.'
          }
        />
        <CardBody>
          {summary && summary.features.length > 0 ? (
            <FeatureImportanceChart
              compact
              title="SHAP summary"
              metric={version.metric}
              importances={summary.features.map((f) => ({ feature: f.feature, importance: f.meanAbsShap }))}
              caption={`The average size of each feature’s push on ${summary.explained}, whatever its direction: longer bars move predictions more.`}
            />
          ) : (
            <p className="muted">No SHAP summary was computed (a version trained before it existed, or the job ran out of time).</p>
          )}
        </CardBody>
      </Card>
      <Card aria-labelledby="permutation-title">
        <CardHeader
          id="permutation-title"
          icon={<TrendingUpIcon size={18} />}
          title="Permutation importance"
          description={`How much the holdout ${version.metric} worsens when a feature is shuffled.`}
        />
        <CardBody>
          <FeatureImportanceChart compact importances={importance} metric={version.metric} />
        </CardBody>
      </Card>
    </div>
  );
}

function IntervalsCard({ version }: { version: Insights }) {
  const intervals = version.metricIntervals;
  return (
    <Card aria-labelledby="intervals-title">
      <CardHeader
        id="intervals-title"
        icon={<TrendingUpIcon size={18} />}
        title="Metrics with 95 % intervals"
        description="Bootstrap resamples of the holdout: how much each metric could move on other data like it."
      />
      <CardBody className="stack">
        {intervals.length === 0 ? (
          <p className="muted">No intervals were computed (a version trained before they existed, or no time was left).</p>
        ) : (
          <div className="table-scroll">
          <table className="table models-table models-table--compact" data-testid="metric-intervals">
            <caption className="sr-only">Holdout metrics with bootstrap 95 % intervals</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col" className="table__number">
                  Value
                </th>
                <th scope="col" className="table__number">
                  95 % interval
                </th>
                <th scope="col" aria-hidden="true" />
              </tr>
            </thead>
            <tbody>
              {intervals.map((interval) => {
                const span = Math.max(1e-9, interval.high - interval.low);
                const lo = Math.min(interval.low, interval.value);
                const hi = Math.max(interval.high, interval.value);
                const width = hi - lo || span;
                const at = (v: number) => `${(((v - lo) / width) * 100).toFixed(1)}%`;
                return (
                  <tr key={interval.metric} className={interval.metric === version.metric ? 'interval-row--primary' : undefined}>
                    <th scope="row">
                      <code>{interval.metric}</code>
                    </th>
                    <td className="table__number">{formatScore(interval.value)}</td>
                    <td className="table__number">
                      {formatScore(interval.low)} – {formatScore(interval.high)}
                    </td>
                    <td aria-hidden="true" className="interval-cell">
                      <span className="interval">
                        <span className="interval__range" style={{ left: at(interval.low), right: `calc(100% - ${at(interval.high)})` }} />
                        <span className="interval__value" style={{ left: at(interval.value) }} />
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </div>
        )}
        {intervals.length > 0 ? (
          <p className="field__hint">
            Percentile intervals from {Math.min(...intervals.map((i) => i.resamples)).toLocaleString()} bootstrap resamples
            {intervals.some((i) => i.resamples < 1000) ? ' (fewer than the usual 1,000: the job ran short of time)' : ''}.
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}

function ConfusionCard({ version }: { version: Insights }) {
  const confusion = version.confusionMatrix;
  if (!confusion) return null;
  const total = confusion.matrix.flat().reduce((sum, n) => sum + n, 0) || 1;
  const peak = Math.max(1, ...confusion.matrix.flat());
  return (
    <Card aria-labelledby="confusion-title">
      <CardHeader
        id="confusion-title"
        icon={<GridIcon size={18} />}
        title="Confusion matrix"
        description={
          confusion.threshold !== null && confusion.threshold !== undefined
            ? `Holdout rows, at the threshold predict uses: ${confusion.positiveClass ?? 'the positive class'} when its score is at least ${formatScore(confusion.threshold)}.`
            : 'Holdout rows; the most probable class is predicted.'
        }
      />
      <CardBody>
        <div className="table-scroll">
          <table className="confusion" data-testid="confusion-matrix">
            <caption className="sr-only">Confusion matrix: rows are the actual class, columns the predicted class</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="muted">Actual ↓ · Predicted →</span>
                </th>
                {confusion.labels.map((label) => (
                  <th key={label} scope="col">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {confusion.matrix.map((row, actual) => (
                <tr key={confusion.labels[actual] ?? actual}>
                  <th scope="row">{confusion.labels[actual]}</th>
                  {row.map((count, predicted) => (
                    <td
                      key={predicted}
                      className={cn('confusion__cell', actual === predicted && 'confusion__cell--right')}
                      style={{ ['--share' as string]: (count / peak).toFixed(3) }}
                      title={`Actual ${confusion.labels[actual]}, predicted ${confusion.labels[predicted]}: ${count} rows`}
                    >
                      <strong>{count.toLocaleString()}</strong>
                      <span className="confusion__share">{((count / total) * 100).toFixed(1)}%</span>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </CardBody>
    </Card>
  );
}

function DependenceCard({ version }: { version: Insights }) {
  const curves = version.partialDependence;
  if (curves.length === 0) return null;
  return (
    <Card aria-labelledby="dependence-title">
      <CardHeader
        id="dependence-title"
        icon={<TrendingUpIcon size={18} />}
        title="Partial dependence"
        description={`How ${curves[0]?.explained ?? 'the prediction'} moves with each of the most important features, the others as they are in a holdout sample.`}
      />
      <CardBody>
        <div className="dependence-grid">
          {curves.map((curve) => (
            <PartialDependenceChart
              key={curve.feature}
              feature={curve.feature}
              kind={curve.kind}
              explained={curve.explained}
              points={curve.points}
            />
          ))}
        </div>
      </CardBody>
    </Card>
  );
}

/** The Insights tab: global SHAP beside permutation importance, metric intervals, confusion, partial dependence. */
export function InsightsPanel({ versionId }: { versionId: string }) {
  const [{ data, error }] = useQuery({ query: InsightsQuery, variables: { id: versionId } });
  const version = data?.modelVersion;
  if (!version) {
    if (error) {
      return <LoadErrorAlert error={toAppError(error)} title="The insights could not be loaded" forbiddenTitle="You cannot view the insights" />;
    }
    return (
      <div className="models-loading">
        <Spinner size={20} label="Loading the insights" />
      </div>
    );
  }
  return (
    <div className="stack">
      <ExplanationCards version={version} />
      <div className="job-overview">
        <IntervalsCard version={version} />
        <ConfusionCard version={version} />
      </div>
      <DependenceCard version={version} />
    </div>
  );
}
