import type { BadgeTone } from '@/components/ui/badge';
import { formatDate, formatDateTime } from '@/lib/format';
import type { ColumnType, DatasetStatus, TaskType } from '@/gql/graphql';

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** 1234 → "1,234" (locale grouping). */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

/** 1234567 → "1.2M", for axis ticks. */
export function formatCompact(value: number): string {
  return compact.format(value);
}

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** Binary multiples with the familiar names: 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${integer.format(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${BYTE_UNITS[unit]}`;
}

/** A statistic as a person reads it: few significant digits, no "1.0000001e-7" noise. */
export function formatStat(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return value.toExponential(2);
  if (Number.isInteger(value)) return integer.format(value);
  return value.toLocaleString(undefined, { maximumSignificantDigits: abs >= 1000 ? 7 : 4 });
}

export function formatPercent(value: number): string {
  if (value === 0) return '0%';
  if (value < 0.1) return '<0.1%';
  if (value > 99.9 && value < 100) return '>99.9%';
  return `${value.toLocaleString(undefined, { maximumFractionDigits: value < 10 ? 1 : 0 })}%`;
}

export const STATUS_LABEL: Record<DatasetStatus, string> = {
  PROFILING: 'Profiling',
  READY: 'Ready',
  FAILED: 'Failed',
};

export const STATUS_TONE: Record<DatasetStatus, BadgeTone> = {
  PROFILING: 'info',
  READY: 'success',
  FAILED: 'danger',
};

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
};

/** "csv" → "CSV". */
export function formatSourceFormat(format: string): string {
  return format.toUpperCase();
}

export const ACCEPTED_EXTENSIONS = ['.csv', '.tsv', '.txt', '.parquet'] as const;

/** "loans 2024.final.csv" → "loans 2024.final". */
export function nameFromFile(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot > 0 ? fileName.slice(0, dot) : fileName).trim();
}

/** A courtesy check before uploading; the server decides. */
export function precheckFile(file: File): string | null {
  const lower = file.name.toLowerCase();
  if (!ACCEPTED_EXTENSIONS.some((extension) => lower.endsWith(extension))) {
    return `${file.name} is not a supported file. Choose a CSV, TSV, TXT or Parquet file.`;
  }
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}

/** A DATETIME column's bound: the date alone when it has no time of day ("2018-01-03T00:00:00"). */
export function formatDateBound(value: string | null | undefined): string {
  if (!value) return '—';
  return /T00:00(:00(\.0+)?)?(Z|[+-]00:?00)?$/.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? formatDate(value)
    : formatDateTime(value);
}
