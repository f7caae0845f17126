import type { BadgeTone } from '@/components/ui/badge';
import type { AuditEventFieldsFragment, AuditOutcome } from '@/gql/graphql';

export const outcomeTone: Record<AuditOutcome, BadgeTone> = {
  SUCCESS: 'success',
  FAILURE: 'warning',
  DENIED: 'danger',
};

export const outcomeLabel: Record<AuditOutcome, string> = {
  SUCCESS: 'Done',
  FAILURE: 'Failed',
  DENIED: 'Refused',
};

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}

/**
 * Who acted, in words: the person's name (or "Erased person"), an API token's owner, or
 * a system job. Without a name (the viewer may not see members' names) a short id.
 */
export function actorLabel(actor: AuditEventFieldsFragment['actor']): string {
  switch (actor.type) {
    case 'USER':
      return actor.displayName ?? `Person ${shortId(actor.userId)}`;
    case 'TOKEN':
      return `${actor.displayName ?? `Person ${shortId(actor.userId)}`} (API token)`;
    case 'SYSTEM':
      return `Automatic: ${actor.displayName ?? actor.label ?? 'system'}`;
    default:
      return 'Not signed in';
  }
}

const KINDS: Record<string, string> = {
  dataset: 'Dataset',
  model_version: 'Model version',
  registered_model: 'Model',
  training_job: 'Training job',
  batch_prediction: 'Batch prediction',
  user: 'Member',
  role: 'Role',
  api_token: 'API token',
  alert: 'Alert',
  webhook: 'Webhook',
  promotion_request: 'Promotion request',
  promotion_policy: 'Promotion policy',
  data_subject_request: 'Data subject request',
  audit_chain: 'Audit log',
  audit_event: 'Audit event',
  audit_retention_policy: 'Retention policy',
  oidc_config: 'Single sign-on',
  tenant: 'Organization',
  model_report: 'Model report',
  signing_key: 'Signing key',
};

/** "model_version" → "Model version" (known kinds by name, others made readable). */
export function resourceKind(type: string): string {
  return KINDS[type] ?? humanize(type);
}

/** The resource kinds a person can filter by (the ones the log names). */
export const FILTERABLE_KINDS = ['dataset', 'model_version', 'registered_model', 'training_job', 'batch_prediction', 'user', 'role', 'alert', 'data_subject_request'];

/** The resource as a person reads it: its name when known, else its kind and a short id. */
export function resourceLabel(event: AuditEventFieldsFragment): string {
  const resource = event.resource;
  if (!resource) return event.resourceType ? resourceKind(event.resourceType) : '—';
  if (resource.name) return resource.name;
  const id = /^[0-9a-f-]{36}$/i.test(resource.id) ? shortId(resource.id) : resource.id;
  return `${resourceKind(resource.type)} ${id}`;
}

/** "from_seq" → "From seq". */
export function humanize(key: string): string {
  const words = key.replace(/[_.-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

/**
 * Date and time in the viewer's zone, with the zone shown ("20 Nov 2026, 11:00 CET"):
 * an audit trail read across offices must say which clock it means.
 */
const zoned = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

export function formatZoned(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : zoned.format(date);
}

export type DetailEntry = { key: string; label: string; value: string } | { key: string; label: string; children: DetailEntry[] };

/** Details as key: value pairs a person reads; nested objects become nested lists. */
export function detailEntries(details: Record<string, unknown>, prefix = ''): DetailEntry[] {
  return Object.entries(details).map(([key, value]) => {
    const id = `${prefix}${key}`;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return { key: id, label: humanize(key), children: detailEntries(value as Record<string, unknown>, `${id}.`) };
    }
    return { key: id, label: humanize(key), value: formatValue(value) };
  });
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') : 'none';
  if (typeof value === 'number') return value.toLocaleString();
  return typeof value === 'string' ? value : JSON.stringify(value);
}
