import type { BadgeTone } from '@/components/ui/badge';
import type { ColumnType, TaskType } from '@/gql/graphql';

/** How the machine-learning enums read in the UI (Data and Models areas). */
export const COLUMN_TYPE_LABEL: Record<ColumnType, string> = {
  NUMERIC: 'Numeric',
  CATEGORICAL: 'Categorical',
  BOOLEAN: 'Boolean',
  DATETIME: 'Date/time',
  TEXT: 'Text',
  ID: 'Identifier',
};

export const COLUMN_TYPE_TONE: Record<ColumnType, BadgeTone> = {
  NUMERIC: 'brand',
  CATEGORICAL: 'info',
  BOOLEAN: 'success',
  DATETIME: 'warning',
  TEXT: 'neutral',
  ID: 'neutral',
};

export const TASK_TYPE_LABEL: Record<TaskType, string> = {
  AUTO: 'Automatic',
  BINARY: 'Binary classification',
  MULTICLASS: 'Multiclass classification',
  REGRESSION: 'Regression',
  ANOMALY_DETECTION: 'Anomaly detection',
  FORECASTING: 'Forecasting',
};
