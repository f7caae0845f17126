import type { Engine, ServingChoice, StartTrainingInput, TaskType, TrainingOptionsQuery } from '@/gql/graphql';
import { formatCount } from '@/lib/format';

export type TrainingOptions = TrainingOptionsQuery['trainingOptions'];
export type MetricOption = TrainingOptions['metrics'][number];

export const TASK_TYPES: readonly TaskType[] = ['AUTO', 'BINARY', 'MULTICLASS', 'REGRESSION', 'ANOMALY_DETECTION', 'FORECASTING'];
/** The server's limits on a forecast (automl/forecasting.py MAX_HORIZON, LEVELS). */
export const MAX_HORIZON = 500;
export const INTERVAL_LEVELS = [80, 95] as const;
export const DEFAULT_HORIZON = 12;
export const DEFAULT_BUDGET_SECONDS = 60;

export type TrainingFormValues = {
  datasetId: string;
  /** '' = none chosen. */
  target: string;
  taskType: TaskType;
  /** As typed. */
  budget: string;
  /** '' = the task's default metric. */
  metric: string;
  engine: Engine;
  /** FIT_TO_SERVE (the server's default) or BEST_SCORE. */
  servingChoice?: ServingChoice;
  modelName: string;
  excludedColumns: readonly string[];
  /** Columns the fairness report compares groups of; `true`: evaluated only, never a feature. */
  protectedAttributes?: Readonly<Record<string, boolean>>;
  /** FORECASTING only: the dates column ('' = none chosen), the series id column ('' = one series), horizon as typed, 80 or 95. */
  forecast?: { timeColumn: string; seriesIdColumn: string; horizon: string; intervalLevel: number };
};

/** The server's limits on protected attributes (StartTrainingInput.protectedAttributes). */
export const MAX_PROTECTED_ATTRIBUTES = 10;
export const MAX_PROTECTED_DISTINCT = 50;

export type TrainingFormErrors = Partial<Record<'datasetId' | 'target' | 'budget' | 'timeColumn' | 'seriesIdColumn' | 'horizon', string>>;

/** The label column is only optional for anomaly detection (there it is used for evaluation alone). */
export function targetRequired(taskType: TaskType): boolean {
  return taskType !== 'ANOMALY_DETECTION';
}

/** The metrics that apply to a task type, in the server's order. */
export function metricsForTask(metrics: readonly MetricOption[], taskType: TaskType): MetricOption[] {
  return metrics.filter((metric) => metric.taskTypes.includes(taskType));
}

/** `defaultMetrics` is JSON ({"BINARY": "roc_auc", ...}): the default metric of a task, if the server names one. */
export function defaultMetricFor(defaultMetrics: unknown, taskType: TaskType): string | undefined {
  if (typeof defaultMetrics !== 'object' || defaultMetrics === null || Array.isArray(defaultMetrics)) return undefined;
  const value: unknown = (defaultMetrics as Record<string, unknown>)[taskType];
  return typeof value === 'string' && value ? value : undefined;
}

/** The 60-second default, kept within the server's limits. */
export function defaultBudget(limits: TrainingOptions['limits']): number {
  return Math.min(limits.maxBudgetSeconds, Math.max(limits.minBudgetSeconds, DEFAULT_BUDGET_SECONDS));
}

/** AutoGluon when offered (the server's default), otherwise the first engine there is. */
export function defaultEngine(engines: readonly Engine[]): Engine {
  return engines.includes('AUTOGLUON') ? 'AUTOGLUON' : (engines[0] ?? 'AUTOGLUON');
}

/** A courtesy check before asking the server, which decides (and explains BAD_USER_INPUT itself). */
export function validateTrainingForm(values: TrainingFormValues, limits: TrainingOptions['limits']): TrainingFormErrors {
  const errors: TrainingFormErrors = {};
  if (!values.datasetId) errors.datasetId = 'Choose a dataset to train on.';
  if (!values.target && targetRequired(values.taskType)) errors.target = 'Choose the column to predict.';
  const budget = Number(values.budget.trim());
  if (
    !values.budget.trim() ||
    !Number.isInteger(budget) ||
    budget < limits.minBudgetSeconds ||
    budget > limits.maxBudgetSeconds
  ) {
    const [min, max] = [formatCount(limits.minBudgetSeconds), formatCount(limits.maxBudgetSeconds)];
    errors.budget = `Enter a whole number of seconds from ${min} to ${max}.`;
  }
  if (values.taskType === 'FORECASTING') Object.assign(errors, validateForecast(values));
  return errors;
}

/** The forecasting fields, in the server's words (automl/validation.py, forecasting.check_settings). */
function validateForecast(values: TrainingFormValues): TrainingFormErrors {
  const errors: TrainingFormErrors = {};
  const forecast = values.forecast;
  if (!forecast?.timeColumn) errors.timeColumn = 'FORECASTING needs timeColumn: the column of dates or times.';
  const text = forecast?.horizon.trim() ?? '';
  const horizon = Number(text);
  if (!text || !Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON) {
    errors.horizon = `The horizon must be between 1 and ${MAX_HORIZON} steps${text ? `; got ${text.slice(0, 20)}` : ''}.`;
  }
  const roles = [forecast?.timeColumn, forecast?.seriesIdColumn, values.target].filter(Boolean);
  if (new Set(roles).size !== roles.length) {
    const message = 'The time column, the series id column and the target must be three different columns.';
    if (forecast?.seriesIdColumn && (forecast.seriesIdColumn === forecast.timeColumn || forecast.seriesIdColumn === values.target)) {
      errors.seriesIdColumn = message;
    } else errors.timeColumn = message;
  }
  return errors;
}

/** The mutation's input: optional fields are left out (the server's defaults apply) rather than sent as null. */
export function buildStartTrainingInput(values: TrainingFormValues): StartTrainingInput {
  if (values.taskType === 'FORECASTING') return buildForecastInput(values);
  const input: StartTrainingInput = {
    datasetId: values.datasetId,
    taskType: values.taskType,
    timeBudgetSeconds: Number(values.budget.trim()),
    engine: values.engine,
    excludedColumns: values.excludedColumns.filter((column) => column !== values.target),
  };
  const protectedAttributes = Object.entries(values.protectedAttributes ?? {}).filter(([column]) => column !== values.target);
  if (protectedAttributes.length > 0) {
    input.protectedAttributes = protectedAttributes.map(([column]) => column);
    // "evaluate only" is a protected attribute that is also left out of the features
    const evaluateOnly = protectedAttributes.filter(([, only]) => only).map(([column]) => column);
    input.excludedColumns = [...new Set([...(input.excludedColumns ?? []), ...evaluateOnly])];
  }
  if (values.target) input.target = values.target;
  if (values.metric) input.metric = values.metric;
  if (values.servingChoice === 'BEST_SCORE') input.servingChoice = 'BEST_SCORE';
  const modelName = values.modelName.trim();
  if (modelName) input.modelName = modelName;
  return input;
}

/** A forecast reads the time, series id and target only: no engine, excluded or protected columns, serving choice. */
function buildForecastInput(values: TrainingFormValues): StartTrainingInput {
  const forecast = values.forecast;
  const input: StartTrainingInput = {
    datasetId: values.datasetId,
    taskType: 'FORECASTING',
    timeBudgetSeconds: Number(values.budget.trim()),
    timeColumn: forecast?.timeColumn ?? '',
    horizon: Number(forecast?.horizon.trim() ?? ''),
    intervalLevel: forecast?.intervalLevel ?? INTERVAL_LEVELS[0],
  };
  if (forecast?.seriesIdColumn) input.seriesIdColumn = forecast.seriesIdColumn;
  if (values.target) input.target = values.target;
  if (values.metric) input.metric = values.metric;
  const modelName = values.modelName.trim();
  if (modelName) input.modelName = modelName;
  return input;
}
