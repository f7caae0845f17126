import type { BadgeTone } from '@/components/ui/badge';
import type { DriftStatus, HealthWindow, ModelHealthFieldsFragment } from '@/gql/graphql';

export type Health = ModelHealthFieldsFragment;
export type HealthWindowRow = Health['windows'][number];
export type FeatureDriftDetail = Health['drift'][number];

export const DRIFT_STATUS_LABEL: Record<DriftStatus, string> = {
  OK: 'OK',
  WARN: 'Warning',
  ALERT: 'Alert',
  INSUFFICIENT_DATA: 'Insufficient data',
  NO_REFERENCE: 'No reference',
};

export const DRIFT_STATUS_TONE: Record<DriftStatus, BadgeTone> = {
  OK: 'success',
  WARN: 'warning',
  ALERT: 'danger',
  INSUFFICIENT_DATA: 'neutral',
  NO_REFERENCE: 'neutral',
};

/** In words, for the summary and for people who do not read PSI. */
export const DRIFT_STATUS_SENTENCE: Record<DriftStatus, string> = {
  OK: 'Production data looks like the training data.',
  WARN: 'Some inputs have moved away from the training data: worth a look.',
  ALERT: 'Inputs have drifted far from the training data: the model may be wrong more often.',
  INSUFFICIENT_DATA: 'Not enough predictions yet in a window to judge drift (small windows look drifted by chance).',
  NO_REFERENCE: 'This version was trained before reference distributions were kept: drift cannot be measured.',
};

export const HEALTH_WINDOWS: readonly HealthWindow[] = ['HOUR', 'DAY'];

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullLabel = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A window's short axis label: "14:00" per hour, "Dec 6" per day. */
export function windowLabel(start: string, window: HealthWindow): string {
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) return start;
  return window === 'HOUR' ? hourLabel.format(date) : dayLabel.format(date);
}

/** A window in full, for tooltips and drill-down titles. */
export function windowTitle(start: string, window: HealthWindow): string {
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) return start;
  return window === 'HOUR' ? `the hour from ${fullLabel.format(date)}` : `the day of ${dayLabel.format(date)}`;
}

/** PSI status as the server judges it, for the prediction row (windows carry only its PSI). */
export function psiStatus(
  psi: number | null | undefined,
  rows: number,
  thresholds: Health['thresholds'],
  hasReference: boolean,
): DriftStatus {
  if (!hasReference) return 'NO_REFERENCE';
  if (rows < thresholds.minRows) return 'INSUFFICIENT_DATA';
  if (psi === null || psi === undefined) return 'NO_REFERENCE';
  if (psi >= thresholds.psiAlert) return 'ALERT';
  if (psi >= thresholds.psiWarn) return 'WARN';
  return 'OK';
}

/** The features of the heat map, most important first (ties and unknown importance by name). */
export function featureOrder(health: Health): string[] {
  const importance = new Map(health.drift.map((f) => [f.feature, f.importance ?? null]));
  const names = new Set<string>(health.drift.map((f) => f.feature));
  for (const window of health.windows) for (const cell of window.drift) names.add(cell.feature);
  return [...names].sort((a, b) => {
    const ia = importance.get(a) ?? -Infinity;
    const ib = importance.get(b) ?? -Infinity;
    return ib - ia || a.localeCompare(b);
  });
}

/** A metric's value by name, or null. */
export function metricValue(values: readonly { name: string; value: number }[], name: string): number | null {
  return values.find((entry) => entry.name === name)?.value ?? null;
}

export function formatPsi(psi: number | null | undefined): string {
  if (psi === null || psi === undefined || !Number.isFinite(psi)) return '—';
  return psi >= 10 ? psi.toFixed(0) : psi.toFixed(psi >= 1 ? 2 : 3);
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;
}
