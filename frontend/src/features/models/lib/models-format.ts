import type { BadgeTone } from '@/components/ui/badge';
import type { Engine, JobStatus, ModelStage } from '@/gql/graphql';
import { formatStat } from '@/lib/format';

export const JOB_STATUSES: readonly JobStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const MODEL_STAGES: readonly ModelStage[] = ['NONE', 'STAGING', 'PRODUCTION', 'ARCHIVED'];

export const JOB_STATUS_LABEL: Record<JobStatus, string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

export const JOB_STATUS_TONE: Record<JobStatus, BadgeTone> = {
  QUEUED: 'neutral',
  RUNNING: 'info',
  SUCCEEDED: 'success',
  FAILED: 'danger',
  CANCELLED: 'warning',
};

export const STAGE_LABEL: Record<ModelStage, string> = {
  NONE: 'No stage',
  STAGING: 'Staging',
  PRODUCTION: 'Production',
  ARCHIVED: 'Archived',
};

export const STAGE_TONE: Record<ModelStage, BadgeTone> = {
  NONE: 'neutral',
  STAGING: 'info',
  PRODUCTION: 'success',
  ARCHIVED: 'warning',
};

export const ENGINE_LABEL: Record<Engine, string> = {
  AUTOGLUON: 'AutoGluon',
  H2O: 'H2O AutoML',
  SKLEARN: 'scikit-learn (fast)',
};

/** A model version's engine is a plain string ("autogluon", "h2o", "anomaly", "sklearn"). */
export function formatEngineName(engine: string): string {
  const known: Record<string, string> = {
    autogluon: 'AutoGluon',
    h2o: 'H2O AutoML',
    anomaly: 'Anomaly ensemble',
    sklearn: 'scikit-learn',
  };
  return known[engine.toLowerCase()] ?? engine;
}

/** errorCode → what a person reads above the server's own explanation. */
export const ERROR_CODE_LABEL: Record<string, string> = {
  data_error: 'A problem with the data',
  engine_error: 'The training engine failed',
  time_bound: 'The time budget ran out',
  worker_lost: 'The training worker was lost',
  cancelled: 'Cancelled',
};

export function isTerminal(status: JobStatus): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
}

/** A score or metric value: few significant digits ("0.9812", "1,204.5"), "—" when missing. */
export function formatScore(value: number | null | undefined): string {
  return formatStat(value);
}

/** One-row latency in milliseconds: 0.52 → "0.52 ms", 41.3 → "41 ms", "—" when missing. */
export function formatLatencyMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${Number(ms.toPrecision(2))} ms`;
  return `${Math.round(ms).toLocaleString()} ms`;
}

/** Throughput: 508599.7 → "508,600 rows/s", "—" when missing. */
export function formatRowsPerSecond(rows: number | null | undefined): string {
  if (rows === null || rows === undefined || !Number.isFinite(rows)) return '—';
  const rounded = rows >= 100 ? Math.round(rows / 100) * 100 : Math.round(rows);
  return `${rounded.toLocaleString()} rows/s`;
}

/** Progress 0..1 → "42%". */
export function formatProgress(progress: number): string {
  return `${Math.round(clamp01(progress) * 100)}%`;
}

export function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** 45 → "45 s", 90 → "1 min 30 s", 3600 → "1 h". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 10) return `${Number(seconds.toFixed(seconds < 1 ? 2 : 1))} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  return [hours ? `${hours} h` : '', minutes ? `${minutes} min` : '', rest ? `${rest} s` : ''].filter(Boolean).join(' ');
}

type Ranked = { rank: number; scoreValidation?: number | null | undefined };

/** The leaderboard's best entry (rank 1, or the lowest rank there is). */
export function bestEntry<T extends Ranked>(leaderboard: readonly T[]): T | undefined {
  return leaderboard.reduce<T | undefined>((best, entry) => (!best || entry.rank < best.rank ? entry : best), undefined);
}

/** "Better is higher" / "lower" for a metric, as a short phrase. */
export function direction(higherIsBetter: boolean): string {
  return higherIsBetter ? 'higher is better' : 'lower is better';
}
