import type { BadgeTone } from '@/components/ui/badge';
import type { AuditEventFieldsFragment, AuditOutcome } from '@/gql/graphql';

export const outcomeTone: Record<AuditOutcome, BadgeTone> = {
  SUCCESS: 'success',
  FAILURE: 'warning',
  DENIED: 'danger',
};

export const outcomeLabel: Record<AuditOutcome, string> = {
  SUCCESS: 'Success',
  FAILURE: 'Failure',
  DENIED: 'Denied',
};

/** Who acted, in words: a user (by id), an API token, or a system job. */
export function actorLabel(actor: AuditEventFieldsFragment['actor']): string {
  switch (actor.type) {
    case 'USER':
      return `User ${shortId(actor.userId)}`;
    case 'TOKEN':
      return `API token of ${shortId(actor.userId)}`;
    case 'SYSTEM':
      return `System: ${actor.label ?? 'unknown'}`;
    default:
      return 'Not signed in';
  }
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}

export function resourceLabel(event: AuditEventFieldsFragment): string {
  if (!event.resourceType) return '—';
  return event.resourceId ? `${event.resourceType} ${event.resourceId}` : event.resourceType;
}
