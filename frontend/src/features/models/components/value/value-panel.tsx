import { useState } from 'react';
import { useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Fact, Facts } from '@/components/ui/facts';
import { ActivityIcon, LockIcon, ScaleIcon, TrendingUpIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import type { ModelStage, TaskType, ValueModelFieldsFragment } from '@/gql/graphql';
import { toAppError } from '@/lib/errors';
import { formatCount, formatDate, formatMoney } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import { useDebounced } from '@/lib/use-debounced';

import { ModelValueQuery, ValueModelQuery, VALUE_CONTEXT } from '../../api/value';
import {
  baselineSummary,
  formatThreshold,
  valueSummary,
  type ModelValue,
} from '../../lib/value-format';
import { WindowChart } from '../monitoring/window-chart';
import { ValueCurveChart } from './value-curve-chart';
import { ServingThreshold } from './serving-threshold';
import { ValueModelForm } from './value-model-form';

import './value.css';

const NO_PROMOTE = 'Changing it needs the models:promote permission.';

type Confusion = NonNullable<ModelValue['confusion']>;

const OUTCOMES: { key: keyof Confusion; label: string }[] = [
  { key: 'truePositives', label: 'True positives (rightly yes)' },
  { key: 'falsePositives', label: 'False positives (wrongly yes)' },
  { key: 'falseNegatives', label: 'False negatives (missed yes)' },
  { key: 'trueNegatives', label: 'True negatives (rightly no)' },
];

function ConfusionChange({ value }: { value: ModelValue }) {
  const { confusion, bestConfusion } = value;
  if (!confusion || !bestConfusion || value.bestThreshold === null || value.bestThreshold === undefined) return null;
  return (
    <div className="value-table-scroll">
      <table className="value-table" data-testid="value-confusion">
        <caption>What choosing the best threshold changes, on the {formatCount(value.holdoutRows)} holdout rows</caption>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col" className="value-table__number">
              At {formatThreshold(value.threshold)} (chosen)
            </th>
            <th scope="col" className="value-table__number">
              At {formatThreshold(value.bestThreshold)} (best)
            </th>
            <th scope="col" className="value-table__number">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {OUTCOMES.map(({ key, label }) => {
            const change = bestConfusion[key] - confusion[key];
            return (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td className="value-table__number">{formatCount(confusion[key])}</td>
                <td className="value-table__number">{formatCount(bestConfusion[key])}</td>
                <td className="value-table__number">{change === 0 ? '—' : `${change > 0 ? '+' : '−'}${formatCount(Math.abs(change))}`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RealizedCard({ value }: { value: ModelValue }) {
  const currency = value.valueModel.currency;
  const money = (amount: number) => formatMoney(amount, currency);
  const days = value.realized;
  return (
    <Card aria-labelledby="value-realized-title">
      <CardHeader
        id="value-realized-title"
        icon={<ActivityIcon size={18} />}
        title="Expected and realized, per day"
        description="What predictions were actually worth once their outcomes were recorded, next to the expected value per prediction (the last 30 days)."
      />
      <CardBody>
        {days.length === 0 ? (
          <p className="muted" data-testid="realized-empty">
            No outcomes recorded yet. Once the real outcomes of predictions are sent (recordOutcomes), each day&apos;s
            realized value appears here next to the expected {money(value.valuePerPrediction)} per prediction.
          </p>
        ) : (
          <div className="value-realized">
            <WindowChart
              title="Realized value per prediction by day"
              labels={days.map((d) => formatDate(d.windowStart))}
              series={[{ name: 'Realized per prediction', kind: 'bar', tone: 'brand', values: days.map((d) => d.valuePerPrediction) }]}
              reference={{ label: 'Expected', value: value.valuePerPrediction }}
              // from zero unless a figure is negative: a cut axis would exaggerate the gap
              fromZero={value.valuePerPrediction >= 0 && days.every((d) => d.valuePerPrediction >= 0)}
              format={money}
              caption={`Realized on ${formatCount(days.reduce((sum, d) => sum + d.predictions, 0))} predictions with an outcome.`}
            />
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function ValueModelCard({
  versionId,
  task,
  current,
  onSaved,
}: {
  versionId: string;
  task: TaskType;
  current: ValueModelFieldsFragment | null;
  /** Asks for the value again (the first value model turns the panel's error into figures). */
  onSaved: () => void;
}) {
  const permissions = usePermissions();
  const canPromote = permissions.has('models:promote');
  const [editing, setEditing] = useState(current === null);
  const editable = task === 'BINARY' || task === 'REGRESSION';
  const money = (amount: number | null | undefined) => formatMoney(amount, current?.currency ?? 'EUR');
  return (
    <Card aria-labelledby="value-model-title">
      <CardHeader
        id="value-model-title"
        icon={<ScaleIcon size={18} />}
        title="Value model"
        description="What each outcome is worth to the organization. One per model: every version is valued with the same figures."
        actions={
          canPromote && editable && current && !editing ? (
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              Change
            </Button>
          ) : null
        }
      />
      <CardBody className="stack">
        {current && !editing ? (
          <Facts>
            <Fact label="Currency">{current.currency}</Fact>
            <Fact label="Predictions a month">{formatCount(current.monthlyVolume)}</Fact>
            {current.truePositiveValue !== null && current.truePositiveValue !== undefined ? (
              <>
                <Fact label="True positive">{money(current.truePositiveValue)}</Fact>
                <Fact label="True negative">{money(current.trueNegativeValue)}</Fact>
                <Fact label="False positive costs">{money(current.falsePositiveCost)}</Fact>
                <Fact label="False negative costs">{money(current.falseNegativeCost)}</Fact>
              </>
            ) : null}
            {current.underPredictionCost !== null && current.underPredictionCost !== undefined ? (
              <>
                <Fact label="Per unit under">{money(current.underPredictionCost)}</Fact>
                <Fact label="Per unit over">{money(current.overPredictionCost)}</Fact>
              </>
            ) : null}
            {current.valueMatrix ? (
              <Fact label="Value matrix">
                {current.matrixClasses?.length ?? current.valueMatrix.length} classes (actual × predicted)
              </Fact>
            ) : null}
            <Fact label="Last changed">{formatDate(current.updatedAt)}</Fact>
          </Facts>
        ) : null}
        {!editable ? (
          <p className="muted" data-testid="value-matrix-api">
            A multiclass model is valued with a matrix (the value of each actual × predicted class): set it through the
            API with <code>setValueModel</code> and <code>valueMatrix</code> (see the API documentation).
          </p>
        ) : editing && canPromote ? (
          <ValueModelForm
            versionId={versionId}
            task={task === 'BINARY' ? 'BINARY' : 'REGRESSION'}
            current={current}
            onDone={() => {
              setEditing(false);
              onSaved();
            }}
          />
        ) : !canPromote ? (
          <p className="muted" data-testid="value-model-no-permission">
            <LockIcon size={14} /> {NO_PROMOTE}
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}

function ValueView({
  value,
  chosen,
  onChoose,
  stage,
}: {
  value: ModelValue;
  chosen: number | null;
  onChoose: (t: number) => void;
  stage: ModelStage;
}) {
  const currency = value.valueModel.currency;
  const money = (amount: number) => formatMoney(amount, currency);
  const binary = value.taskType === 'BINARY';
  const threshold = chosen ?? value.threshold ?? 0.5;
  return (
    <>
      <Card aria-labelledby="value-summary-title">
        <CardHeader
          id="value-summary-title"
          icon={<TrendingUpIcon size={18} />}
          title="What this model is worth"
          description={`Counted on the ${formatCount(value.holdoutRows)} holdout rows the model never saw while training, with the value model's figures.`}
        />
        <CardBody className="stack">
          <p className="value-summary" data-testid="value-summary">
            {valueSummary(value)}
          </p>
          <p className="muted value-summary__baseline" data-testid="value-baseline">
            {baselineSummary(value)}
          </p>
          <Facts>
            <Fact label="Per prediction">
              <span data-testid="value-per-prediction">{money(value.valuePerPrediction)}</span>
            </Fact>
            <Fact label={`${Math.round(value.interval.level * 100)} % interval`}>
              <span data-testid="value-interval">
                {money(value.interval.low)} to {money(value.interval.high)}
              </span>
            </Fact>
            <Fact label="A month">
              <span data-testid="value-monthly">{money(value.monthlyValue)}</span>
            </Fact>
            <Fact label="A month without the model">{money(value.monthlyBaselineValue)}</Fact>
            {binary ? <Fact label="A month at the best threshold">{money(value.monthlyValueAtBest)}</Fact> : null}
          </Facts>
        </CardBody>
      </Card>
      {binary ? (
        <Card aria-labelledby="value-curve-title">
          <CardHeader
            id="value-curve-title"
            icon={<ScaleIcon size={18} />}
            title="Value by threshold"
            description="A prediction is positive when the model's probability is above the threshold. Move it to see what each choice is worth."
          />
          <CardBody className="stack">
            <div className="value-threshold">
              <label htmlFor="value-threshold-input" className="value-threshold__label">
                Threshold <strong data-testid="chosen-threshold">{formatThreshold(threshold)}</strong>
              </label>
              <input
                id="value-threshold-input"
                type="range"
                min={0}
                max={1}
                step={0.01}
                value={threshold}
                onChange={(event) => onChoose(Number(event.target.value))}
                aria-valuetext={`${formatThreshold(threshold)}`}
              />
              {value.bestThreshold !== null && value.bestThreshold !== undefined ? (
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => onChoose(value.bestThreshold ?? threshold)}
                  disabled={Math.abs((value.bestThreshold ?? 0) - threshold) < 1e-9}
                >
                  Choose the best ({formatThreshold(value.bestThreshold)})
                </Button>
              ) : null}
            </div>
            <ValueCurveChart
              curve={value.curve}
              chosen={value.threshold ?? null}
              best={value.bestThreshold ?? null}
              format={money}
              formatThreshold={formatThreshold}
              onChoose={onChoose}
            />
            <ConfusionChange value={value} />
            <ServingThreshold value={value} chosen={value.threshold ?? threshold} stage={stage} />
          </CardBody>
        </Card>
      ) : null}
      <RealizedCard value={value} />
    </>
  );
}

/** The version's Value tab: what it is worth, at which threshold, and what it realized. */
export function ValuePanel({ versionId, taskType, stage }: { versionId: string; taskType: TaskType; stage: ModelStage }) {
  const [chosen, setChosen] = useState<number | null>(null);
  const threshold = useDebounced(chosen, 250);
  const binary = taskType === 'BINARY';
  const valued = taskType !== 'ANOMALY_DETECTION';
  // first whether a value model exists: without one, modelValue has nothing to compute
  const [model, reexecuteModel] = useQuery({
    query: ValueModelQuery,
    variables: { modelVersionId: versionId },
    context: VALUE_CONTEXT,
    pause: !valued,
  });
  const hasValueModel = !!model.data?.valueModel;
  const [{ data, error: valueError, fetching }, reexecute] = useQuery({
    query: ModelValueQuery,
    variables: { modelVersionId: versionId, threshold: binary ? threshold : null },
    context: VALUE_CONTEXT,
    pause: !valued || !hasValueModel,
  });
  const error = model.error ?? valueError;

  if (taskType === 'ANOMALY_DETECTION') {
    return (
      <Card>
        <EmptyState
          icon={<ScaleIcon size={24} />}
          title="No value for anomaly detection"
          description="Anomaly detection has no known outcomes to put a value on; value models apply to classifiers and regression."
        />
      </Card>
    );
  }
  const refresh = () => {
    reexecuteModel({ requestPolicy: 'network-only' });
    reexecute({ requestPolicy: 'network-only' });
  };
  const value = hasValueModel ? data?.modelValue : undefined;
  if (!value) {
    if (model.data && !hasValueModel) {
      return (
        <div className="stack">
          <Alert tone="info" title="No value model yet" role="status">
            Put a figure on each outcome (what a right or a wrong prediction is worth) and the expected monthly
            volume: the panel then shows what this model is worth, at which threshold, and what it realized.
          </Alert>
          <ValueModelCard versionId={versionId} task={taskType} current={null} onSaved={refresh} />
        </div>
      );
    }
    if (error) {
      const appError = toAppError(error);
      return (
        <Alert role="alert" tone={appError.code === 'FORBIDDEN' ? 'warning' : 'danger'} title="The value could not be computed">
          <ErrorMessage error={appError} />
        </Alert>
      );
    }
    return (
      <div className="models-loading">
        <Spinner size={20} label="Computing the value" />
      </div>
    );
  }
  return (
    <div className="stack value-panel" aria-busy={fetching || undefined}>
      <ValueView value={value} chosen={chosen} onChoose={setChosen} stage={stage} />
      <ValueModelCard versionId={versionId} task={taskType} current={value.valueModel} onSaved={refresh} />
    </div>
  );
}
