import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, SelectField } from '@/components/ui/field';
import { FlaskIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { ColumnType, DatasetStatus, Engine, ServingChoice, TaskType } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatCount } from '@/lib/format';
import { COLUMN_TYPE_LABEL, TASK_TYPE_LABEL } from '@/lib/ml-labels';

import { StartTrainingMutation, TRAINING_CONTEXT, TrainingDatasetQuery } from '../api/training';
import { direction, ENGINE_LABEL } from '../lib/models-format';
import {
  buildStartTrainingInput,
  defaultBudget,
  defaultEngine,
  defaultMetricFor,
  DEFAULT_HORIZON,
  INTERVAL_LEVELS,
  MAX_HORIZON,
  MAX_PROTECTED_ATTRIBUTES,
  MAX_PROTECTED_DISTINCT,
  metricsForTask,
  targetRequired,
  TASK_TYPES,
  validateTrainingForm,
  type TrainingFormErrors,
  type TrainingOptions,
} from '../lib/training-form-state';

export type DatasetChoice = {
  id: string;
  name: string;
  status: DatasetStatus;
  rowCount?: number | null | undefined;
  columnCount?: number | null | undefined;
};

const TASK_HINT: Record<TaskType, string> = {
  AUTO: 'Binary, multiclass or regression, worked out from the target column.',
  BINARY: 'Predicts one of two classes.',
  MULTICLASS: 'Predicts one of several classes.',
  REGRESSION: 'Predicts a number.',
  ANOMALY_DETECTION: 'Flags unusual rows without needing a label; a label column, if you give one, only evaluates the model.',
  FORECASTING: 'Forecasts a number over time, per series, with a prediction interval (statistical forecasters backtested against seasonal naive).',
};

function budgetHint(limits: TrainingOptions['limits']): string {
  const jobs = limits.maxConcurrentJobs;
  return (
    `From ${formatCount(limits.minBudgetSeconds)} to ${formatCount(limits.maxBudgetSeconds)} seconds. The budget bounds the model search, not the whole job: starting up and evaluating the models afterwards come on top (15 to 25 s measured on a busy server), and every job ends within 1.25 × budget + 30 s. Progress follows the search up to 90 %, then waits there while the models are evaluated. ` +
    `At most ${formatCount(jobs)} job${jobs === 1 ? '' : 's'} of your organization run at once; others wait in the queue.`
  );
}

const DATASET_STATUS_TEXT: Record<DatasetStatus, string> = {
  PROFILING: 'is still being profiled',
  READY: 'is ready',
  FAILED: 'could not be profiled',
  SUPERSEDED: 'was replaced by a newer version (rows erased on a data subject’s request)',
};

/**
 * The settings of a training job: dataset, target (its first suggested target preselected),
 * task, time budget, metric, engine, registry model name and columns to leave out. The
 * server checks everything again; its BAD_USER_INPUT message is shown as it words it.
 */
type ProfileColumn = { name: string; type: ColumnType; distinctCount: number };

/**
 * Columns whose groups the version's fairness report compares on the holdout. Each stays a
 * feature unless "Evaluate only" is chosen, which also leaves it out of the features.
 */
function ProtectedAttributesSection({
  columns,
  chosen,
  onChange,
}: {
  columns: readonly ProfileColumn[];
  chosen: Readonly<Record<string, boolean>>;
  onChange: (next: Record<string, boolean>) => void;
}) {
  const id = useId();
  const count = Object.keys(chosen).length;
  const toggle = (column: string, on: boolean) => {
    const next = { ...chosen };
    if (on) next[column] = false;
    else delete next[column];
    onChange(next);
  };
  return (
    <section className="training-form__section" aria-labelledby={`${id}-fairness`}>
      <h2 className="training-form__heading" id={`${id}-fairness`}>
        Fairness
      </h2>
      <fieldset className="training-form__columns">
        <legend className="field__label">Protected attributes (optional)</legend>
        <p className="field__hint">
          The fairness report compares how the model treats each group of these columns (selection rate, true and false
          positive rates; the four-fifths rule). Up to {MAX_PROTECTED_ATTRIBUTES} columns with at most {MAX_PROTECTED_DISTINCT}{' '}
          distinct values each. Leaving a column out of the features does not remove its information: other columns can
          stand in for it.
        </p>
        <div className="training-form__checkboxes">
          {columns.map((column) => {
            const tooMany = column.distinctCount > MAX_PROTECTED_DISTINCT;
            const on = column.name in chosen;
            return (
              <div className="protected-attribute" key={column.name}>
                <label className="checkbox" title={tooMany ? 'Bin it into a new column with fewer values first.' : undefined}>
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={tooMany || (!on && count >= MAX_PROTECTED_ATTRIBUTES)}
                    onChange={(event) => toggle(column.name, event.target.checked)}
                    aria-label={`Protect ${column.name}`}
                  />
                  <span className="checkbox__text">
                    <span className="checkbox__label">{column.name}</span>
                    <span className="checkbox__description">
                      {tooMany ? `${formatCount(column.distinctCount)} values: too many to compare groups` : `${formatCount(column.distinctCount)} values`}
                    </span>
                  </span>
                </label>
                {on ? (
                  <label className="checkbox protected-attribute__exclude">
                    <input
                      type="checkbox"
                      checked={chosen[column.name] === true}
                      onChange={(event) => onChange({ ...chosen, [column.name]: event.target.checked })}
                      aria-label={`Exclude ${column.name} from the features`}
                    />
                    <span className="checkbox__text">
                      <span className="checkbox__label">Evaluate only</span>
                      <span className="checkbox__description">Exclude from the features</span>
                    </span>
                  </label>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </section>
  );
}

export function TrainingForm({
  options,
  datasets,
  initialDatasetId = null,
  onStarted,
}: {
  options: TrainingOptions;
  /** Datasets to offer (READY ones). */
  datasets: readonly DatasetChoice[];
  initialDatasetId?: string | null;
  onStarted: (jobId: string) => void;
}) {
  const formId = useId();
  const [datasetId, setDatasetId] = useState(initialDatasetId ?? '');
  const [targetChoice, setTargetChoice] = useState<string | null>(null);
  const [taskType, setTaskType] = useState<TaskType>('AUTO');
  const [budget, setBudget] = useState(String(defaultBudget(options.limits)));
  const [metricChoice, setMetricChoice] = useState('');
  const [engine, setEngine] = useState<Engine>(defaultEngine(options.engines));
  const [modelName, setModelName] = useState('');
  const [excluded, setExcluded] = useState<string[]>([]);
  const [protectedAttributes, setProtectedAttributes] = useState<Record<string, boolean>>({});
  const [servingChoice, setServingChoice] = useState<ServingChoice>('FIT_TO_SERVE');
  const [timeChoice, setTimeChoice] = useState<string | null>(null);
  const [seriesIdColumn, setSeriesIdColumn] = useState('');
  const [horizon, setHorizon] = useState(String(DEFAULT_HORIZON));
  const [intervalLevel, setIntervalLevel] = useState<number>(INTERVAL_LEVELS[0]);
  const [errors, setErrors] = useState<TrainingFormErrors>({});
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [{ fetching: starting }, start] = useMutation(StartTrainingMutation);

  const [{ data: datasetData, fetching: loadingDataset, error: datasetError }] = useQuery({
    query: TrainingDatasetQuery,
    variables: { id: datasetId },
    pause: !datasetId,
  });
  const detail = datasetData?.dataset && datasetData.dataset.id === datasetId ? datasetData.dataset : undefined;
  const columns = detail?.profile?.columns ?? [];
  const suggestions = (detail?.profile?.suggestedTargets ?? []).filter((s) => columns.some((c) => c.name === s.column));

  const forecasting = taskType === 'FORECASTING';
  // a forecast's time column: the one chosen, else the first column of dates
  const timeColumn = timeChoice !== null && columns.some((c) => c.name === timeChoice) ? timeChoice : (columns.find((c) => c.type === 'DATETIME')?.name ?? '');
  const firstNumeric = columns.find((c) => c.type === 'NUMERIC' && c.name !== timeColumn)?.name ?? '';
  const defaultTarget =
    taskType === 'ANOMALY_DETECTION' ? '' : forecasting ? (suggestions.find((s) => s.taskType === 'REGRESSION')?.column ?? firstNumeric) : (suggestions[0]?.column ?? '');
  const choiceValid = targetChoice === '' || columns.some((c) => c.name === targetChoice);
  const target = targetChoice !== null && choiceValid ? targetChoice : defaultTarget;
  const suggestion = suggestions.find((s) => s.column === target);

  const metricOptions = metricsForTask(options.metrics, taskType);
  const metric = metricOptions.some((m) => m.name === metricChoice) ? metricChoice : '';
  const chosenMetric = metricOptions.find((m) => m.name === metric);
  const defaultMetric = defaultMetricFor(options.defaultMetrics, taskType);

  // A preselected dataset beyond the first page (or not READY) is still shown as chosen.
  const datasetChoices: DatasetChoice[] =
    detail && !datasets.some((d) => d.id === detail.id)
      ? [...datasets, { id: detail.id, name: detail.name, status: detail.status }]
      : [...datasets];
  const chosenDataset = datasetChoices.find((d) => d.id === datasetId);
  const notReady = detail && detail.status !== 'READY' ? detail : undefined;
  const optionalTarget = !targetRequired(taskType);

  const chooseDataset = (id: string) => {
    setDatasetId(id);
    setTargetChoice(null);
    setExcluded([]);
    setProtectedAttributes({});
    setTimeChoice(null);
    setSeriesIdColumn('');
    setErrors((previous) => ({ ...previous, datasetId: undefined, target: undefined, timeColumn: undefined, seriesIdColumn: undefined }));
    setServerError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (starting) return;
    const values = {
      datasetId,
      target,
      taskType,
      budget,
      metric,
      engine,
      servingChoice,
      modelName,
      excludedColumns: excluded,
      protectedAttributes,
      forecast: { timeColumn, seriesIdColumn, horizon, intervalLevel },
    };
    const problems = validateTrainingForm(values, options.limits);
    if (notReady) {
      problems.datasetId = `${notReady.name} ${DATASET_STATUS_TEXT[notReady.status]}; only a ready dataset can be trained on.`;
    }
    setErrors(problems);
    setServerError(null);
    if (Object.values(problems).some(Boolean)) return;
    const result = await start({ input: buildStartTrainingInput(values) }, TRAINING_CONTEXT);
    const job = result.data?.startTraining;
    if (result.error || !job) {
      setServerError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The job could not be started.' });
      return;
    }
    onStarted(job.id);
  };

  const targetHint = suggestion ? (
    <>
      <span className="training-form__suggested">Suggested</span> for {TASK_TYPE_LABEL[suggestion.taskType].toLowerCase()}:{' '}
      {suggestion.reason}
    </>
  ) : suggestions.length > 0 ? (
    `Suggested: ${suggestions.map((s) => s.column).join(', ')}.`
  ) : detail?.profile ? (
    'No column looks like an obvious target; any column can be one.'
  ) : undefined;

  return (
    <form id={formId} className="training-form" onSubmit={(event) => void submit(event)} noValidate aria-label="New training job">
      <section className="training-form__section" aria-labelledby={`${formId}-data`}>
        <h2 className="training-form__heading" id={`${formId}-data`}>
          What to learn
        </h2>
        <div className="training-form__grid">
          <SelectField
            label="Dataset"
            value={datasetId}
            error={errors.datasetId}
            onChange={(event) => chooseDataset(event.target.value)}
            hint={
              chosenDataset?.rowCount !== undefined && chosenDataset.rowCount !== null
                ? `${formatCount(chosenDataset.rowCount)} rows × ${formatCount(chosenDataset.columnCount)} columns`
                : undefined
            }
          >
            <option value="" disabled>
              Choose a dataset
            </option>
            {datasetChoices.map((dataset) => (
              <option key={dataset.id} value={dataset.id}>
                {dataset.name}
                {dataset.status !== 'READY' ? ` (${dataset.status.toLowerCase()})` : ''}
              </option>
            ))}
          </SelectField>

          <SelectField
            label="Task"
            value={taskType}
            hint={TASK_HINT[taskType]}
            onChange={(event) => {
              setTaskType(event.target.value as TaskType);
              setErrors((previous) => ({ ...previous, target: undefined }));
            }}
          >
            {TASK_TYPES.map((value) => (
              <option key={value} value={value}>
                {TASK_TYPE_LABEL[value]}
              </option>
            ))}
          </SelectField>

          {datasetId && !detail && loadingDataset ? (
            <div className="field">
              <span className="field__label">{optionalTarget ? 'Label column (optional, for evaluation)' : 'Target column'}</span>
              <span className="training-form__loading">
                <Spinner size={14} label="Loading the dataset’s columns" /> Loading columns…
              </span>
            </div>
          ) : (
            <SelectField
              label={optionalTarget ? 'Label column (optional, for evaluation)' : 'Target column'}
              value={target}
              error={errors.target}
              hint={targetHint}
              disabled={!detail?.profile}
              onChange={(event) => {
                setTargetChoice(event.target.value);
                setErrors((previous) => ({ ...previous, target: undefined }));
              }}
            >
              {optionalTarget ? (
                <option value="">None</option>
              ) : (
                <option value="" disabled>
                  {detail?.profile ? 'Choose a column' : 'Choose a dataset first'}
                </option>
              )}
              {columns.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name} ({COLUMN_TYPE_LABEL[column.type].toLowerCase()})
                </option>
              ))}
            </SelectField>
          )}
        </div>
        {datasetError && !detail ? (
          <Alert tone="danger" title="The dataset’s columns could not be loaded">
            <ErrorMessage error={toAppError(datasetError)} />
          </Alert>
        ) : null}
        {forecasting ? (
          <div className="training-form__grid" role="group" aria-label="Forecast settings">
            <SelectField
              label="Time column"
              value={timeColumn}
              error={errors.timeColumn}
              disabled={!detail?.profile}
              hint="Dates or times (ISO 8601) at a regular frequency in each series."
              onChange={(event) => {
                setTimeChoice(event.target.value);
                setErrors((previous) => ({ ...previous, timeColumn: undefined, seriesIdColumn: undefined }));
              }}
            >
              <option value="" disabled>
                {detail?.profile ? 'Choose a column' : 'Choose a dataset first'}
              </option>
              {columns.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name} ({COLUMN_TYPE_LABEL[column.type].toLowerCase()})
                </option>
              ))}
            </SelectField>
            <SelectField
              label="Series id column (optional)"
              value={seriesIdColumn}
              error={errors.seriesIdColumn}
              disabled={!detail?.profile}
              hint="Names each series (at most 1,000); none for a single series."
              onChange={(event) => {
                setSeriesIdColumn(event.target.value);
                setErrors((previous) => ({ ...previous, timeColumn: undefined, seriesIdColumn: undefined }));
              }}
            >
              <option value="">None: one series</option>
              {columns.map((column) => (
                <option key={column.name} value={column.name}>
                  {column.name} ({COLUMN_TYPE_LABEL[column.type].toLowerCase()})
                </option>
              ))}
            </SelectField>
            <Field
              label="Horizon (steps)"
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_HORIZON}
              step={1}
              value={horizon}
              error={errors.horizon}
              hint={`Steps to forecast, 1 to ${MAX_HORIZON}. Each series needs two seasons plus three horizons of history (the backtest).`}
              onChange={(event) => {
                setHorizon(event.target.value);
                setErrors((previous) => ({ ...previous, horizon: undefined }));
              }}
            />
            <SelectField
              label="Prediction interval"
              value={String(intervalLevel)}
              hint="The forecast’s lower and upper bounds cover this share of outcomes."
              onChange={(event) => setIntervalLevel(Number(event.target.value))}
            >
              {INTERVAL_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {level} %
                </option>
              ))}
            </SelectField>
          </div>
        ) : null}
        {notReady ? (
          <Alert tone="warning" title={`${notReady.name} ${DATASET_STATUS_TEXT[notReady.status]}`}>
            Only a ready dataset can be trained on.{' '}
            <Link to={paths.app.dataset.getHref(notReady.id)}>Open the dataset</Link>
          </Alert>
        ) : null}
      </section>

      <section className="training-form__section" aria-labelledby={`${formId}-search`}>
        <h2 className="training-form__heading" id={`${formId}-search`}>
          How to search
        </h2>
        <div className="training-form__grid">
          <Field
            label="Time budget (seconds)"
            type="number"
            inputMode="numeric"
            min={options.limits.minBudgetSeconds}
            max={options.limits.maxBudgetSeconds}
            step={1}
            value={budget}
            error={errors.budget}
            onChange={(event) => {
              setBudget(event.target.value);
              setErrors((previous) => ({ ...previous, budget: undefined }));
            }}
            hint={budgetHint(options.limits)}
          />
          <SelectField
            label="Metric"
            value={metric}
            onChange={(event) => setMetricChoice(event.target.value)}
            hint={
              chosenMetric
                ? `${chosenMetric.description} (${direction(chosenMetric.higherIsBetter)})`
                : metricOptions.length === 0
                  ? 'Choose a task to pick a metric other than its default.'
                  : 'Models are ranked by this metric on validation data.'
            }
          >
            <option value="">
              {defaultMetric ? `Default (${defaultMetric})` : taskType === 'AUTO' ? 'Default for the detected task' : 'Default'}
            </option>
            {metricOptions.map((option) => (
              <option key={option.name} value={option.name}>
                {option.name}
              </option>
            ))}
          </SelectField>
          {forecasting ? null : (
          <SelectField
            label="Engine"
            value={engine}
            onChange={(event) => setEngine(event.target.value as Engine)}
            hint={options.engines.length === 1 ? `${ENGINE_LABEL[engine]} is the only engine on this server.` : undefined}
          >
            {options.engines.map((value) => (
              <option key={value} value={value}>
                {ENGINE_LABEL[value]}
              </option>
            ))}
          </SelectField>
          )}
          {forecasting ? null : (
          <SelectField
            label="Model to serve"
            value={servingChoice}
            onChange={(event) => setServingChoice(event.target.value as ServingChoice)}
            hint={
              servingChoice === 'FIT_TO_SERVE'
                ? 'The fastest model that scores as well as the best on the holdout.'
                : 'The leaderboard’s best, however slow it is to predict.'
            }
          >
            <option value="FIT_TO_SERVE">Fastest as good as the best</option>
            <option value="BEST_SCORE">Best score</option>
          </SelectField>
          )}
        </div>
      </section>

      <section className="training-form__section" aria-labelledby={`${formId}-registry`}>
        <h2 className="training-form__heading" id={`${formId}-registry`}>
          Where the model goes
        </h2>
        <div className="training-form__grid">
          <Field
            label="Model name (optional)"
            value={modelName}
            maxLength={200}
            placeholder={chosenDataset ? `${chosenDataset.name} · ${target || 'target'}` : undefined}
            onChange={(event) => setModelName(event.target.value)}
            hint="The registry model this job adds a version to; a new name creates the model."
          />
        </div>
        {columns.length > 0 && !forecasting ? (
          <fieldset className="training-form__columns">
            <legend className="field__label">Columns to leave out (optional)</legend>
            <p className="field__hint">Never used as features. Identifier columns are left out automatically.</p>
            <div className="training-form__checkboxes">
              {columns
                .filter((column) => column.name !== target)
                .map((column) => {
                  const isId = column.type === 'ID';
                  return (
                    <label className="checkbox" key={column.name}>
                      <input
                        type="checkbox"
                        checked={isId || excluded.includes(column.name)}
                        disabled={isId}
                        onChange={(event) =>
                          setExcluded((previous) =>
                            event.target.checked ? [...previous, column.name] : previous.filter((name) => name !== column.name),
                          )
                        }
                      />
                      <span className="checkbox__text">
                        <span className="checkbox__label">{column.name}</span>
                        <span className="checkbox__description">
                          {COLUMN_TYPE_LABEL[column.type]}
                          {isId ? ', left out automatically' : ''}
                        </span>
                      </span>
                    </label>
                  );
                })}
            </div>
          </fieldset>
        ) : null}
      </section>

      {columns.length > 0 && !forecasting ? (
        <ProtectedAttributesSection
          columns={columns.filter((column) => column.name !== target && column.type !== 'ID')}
          chosen={protectedAttributes}
          onChange={setProtectedAttributes}
        />
      ) : null}

      {serverError ? (
        <Alert
          tone="danger"
          role="alert"
          title={serverError.code === 'BAD_USER_INPUT' ? 'Check the job’s settings' : 'The job could not be started'}
        >
          <ErrorMessage error={serverError} />
        </Alert>
      ) : null}

      <div className="training-form__actions">
        <Link to={paths.app.models.getHref()} className="btn btn--secondary btn--md">
          Cancel
        </Link>
        <Button type="submit" loading={starting} icon={<FlaskIcon size={16} />}>
          Start training
        </Button>
      </div>
    </form>
  );
}
