import type { BadgeTone } from '@/components/ui/badge';
import type { AlertFieldsFragment, AlertKind, AlertStatus } from '@/gql/graphql';

export const ALERT_STATUSES: readonly AlertStatus[] = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'];

export const ALERT_STATUS_LABEL: Record<AlertStatus, string> = {
  OPEN: 'Open',
  ACKNOWLEDGED: 'Acknowledged',
  RESOLVED: 'Resolved',
};

export const ALERT_STATUS_TONE: Record<AlertStatus, BadgeTone> = {
  OPEN: 'danger',
  ACKNOWLEDGED: 'warning',
  RESOLVED: 'success',
};

export const ALERT_KIND_LABEL: Record<AlertKind, string> = {
  FEATURE_DRIFT: 'Feature drift',
  PREDICTION_DRIFT: 'Prediction drift',
  ERROR_RATE: 'Error rate',
  LATENCY_P99: 'Latency p99',
  PERFORMANCE: 'Performance',
  ESTIMATED_PERFORMANCE: 'Estimated performance',
};

/** "PSI", "ms", … the unit a kind's value is in, for "0.61 ≥ 0.25". */
export function formatAlertValue(kind: AlertKind, value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (kind === 'LATENCY_P99') return `${Math.round(value).toLocaleString()} ms`;
  if (kind === 'ERROR_RATE') return `${(value * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })}%`;
  return Number(value.toPrecision(3)).toString();
}

/** The alert in one line: "Feature drift on tenure: PSI 0.61 ≥ 0.25". */
export function describeAlert(alert: Pick<AlertFieldsFragment, 'kind' | 'feature' | 'metric' | 'value' | 'threshold' | 'comparison'>): string {
  const subject = alert.feature ? ` on ${alert.feature}` : alert.metric ? ` of ${alert.metric}` : '';
  const measure = alert.kind === 'FEATURE_DRIFT' || alert.kind === 'PREDICTION_DRIFT' ? 'PSI ' : '';
  return `${ALERT_KIND_LABEL[alert.kind]}${subject}: ${measure}${formatAlertValue(alert.kind, alert.value)} ${
    alert.comparison === 'GTE' ? '≥' : '≤'
  } ${formatAlertValue(alert.kind, alert.threshold)}`;
}

export function parseAlertStatus(value: string | null): AlertStatus | null {
  return ALERT_STATUSES.find((status) => status === value) ?? null;
}
