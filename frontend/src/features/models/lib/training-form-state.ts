import type { Engine, ServingChoice, StartTrainingInput, TaskType, TrainingOptionsQuery } from '@/gql/graphql';
import { formatCount } from '@/lib/format';

export type TrainingOptions = TrainingOptionsQuery['trainingOptions'];
export type MetricOption = TrainingOptions['metrics'][number];

export const TASK_TYPES: readonly TaskType[] = ['AUTO', 'BINARY', 'MULTICLASS', 'REGRESSION', 'ANOMALY_DETECTION'];
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
};

/** The server's limits on protected attributes (StartTrainingInput.protectedAttributes). */
export const MAX_PROTECTED_ATTRIBUTES = 10;
export const MAX_PROTECTED_DISTINCT = 50;

export type TrainingFormErrors = Partial<Record<'datasetId' | 'target' | 'budget', string>>;

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
  return errors;
}

/** The mutation's input: optional fields are left out (the server's defaults apply) rather than sent as null. */
export function buildStartTrainingInput(values: TrainingFormValues): StartTrainingInput {
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
