import type { BadgeTone } from '@/components/ui/badge';
import { formatDate, formatDateTime } from '@/lib/format';
import type { DatasetStatus } from '@/gql/graphql';

export const STATUS_LABEL: Record<DatasetStatus, string> = {
  PROFILING: 'Profiling',
  READY: 'Ready',
  FAILED: 'Failed',
  SUPERSEDED: 'Superseded',
};

export const STATUS_TONE: Record<DatasetStatus, BadgeTone> = {
  PROFILING: 'info',
  READY: 'success',
  FAILED: 'danger',
  SUPERSEDED: 'neutral',
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

/** The missing-values axis' end: the smallest of these at or above the largest share, so the worst bar fills the width. */
const MISSING_SCALE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100];

export function missingScale(largestPercent: number): number {
  return MISSING_SCALE_STEPS.find((step) => step >= largestPercent) ?? 100;
}
