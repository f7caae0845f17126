import { useState } from 'react';
import { useSubscription } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ActivityIcon } from '@/components/ui/icons';
import { useRealtimeStatus } from '@/lib/api-controls';
import { cn } from '@/lib/cn';
import { toAppError } from '@/lib/errors';
import { formatDateTime, formatTime } from '@/lib/format';
import type { RealtimeStatus } from '@/lib/realtime-status';
import type { TenantEventsSubscription as TenantEventsData } from '@/gql/graphql';

import { TenantEventsSubscription } from '../api/tenant-events';

import './admin.css';

export const MAX_EVENTS = 50;

type LiveEvent = TenantEventsData['tenantEvents'] & { seq: number };

let sequence = 0;

function describePayload(payload: unknown): string {
  if (payload === null || payload === undefined) return '—';
  if (typeof payload === 'string') return payload;
  try {
    return JSON.stringify(payload);
  } catch {
    // Payloads arrive as JSON, so this is only a guard against a malformed one.
    return '—';
  }
}

const STATUS_TEXT: Record<RealtimeStatus['state'], string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

function ConnectionStatus({ status, paused }: { status: RealtimeStatus; paused: boolean }) {
  const state = paused ? 'idle' : status.state;
  const text = paused ? 'Paused' : STATUS_TEXT[state];
  return (
    <span className={cn('conn-status', `conn-status--${state}`)} role="status" data-testid="live-events-status">
      <span className="conn-status__dot" aria-hidden="true" />
      {text}
    </span>
  );
}

/** Subscribes to tenantEvents over graphql-ws and lists the latest events. */
export function LiveEventsPanel({ topics = null }: { topics?: string[] | null }) {
  const [paused, setPaused] = useState(false);
  const [clearedThrough, setClearedThrough] = useState(0);
  const status = useRealtimeStatus();

  const [result, resubscribe] = useSubscription(
    { query: TenantEventsSubscription, variables: { topics }, pause: paused },
    (previous: LiveEvent[] = [], data) => [{ ...data.tenantEvents, seq: ++sequence }, ...previous].slice(0, MAX_EVENTS),
  );

  const events = (result.data ?? []).filter((event) => event.seq > clearedThrough);
  const error = result.error ? toAppError(result.error) : null;
  const broken = !paused && (status.state === 'disconnected' || error !== null);

  return (
    <Card aria-labelledby="live-events-title" className="live-events">
      <CardHeader
        id="live-events-title"
        icon={<ActivityIcon size={18} />}
        title="Live events"
        description="Activity in your organization as it happens."
        actions={<ConnectionStatus status={status} paused={paused} />}
      />
      <CardBody className="live-events__body">
        {broken ? (
          <Alert tone="warning" title="Live updates are interrupted">
            {error ? <ErrorMessage error={error} /> : (status.lastError ?? 'The connection to the server was lost.')}
          </Alert>
        ) : null}

        {events.length === 0 ? (
          <div className="live-events__empty">
            <p className="live-events__empty-title">{paused ? 'Paused' : 'Waiting for events'}</p>
            <p className="muted">
              {paused
                ? 'Resume to receive new events.'
                : 'Events published for your organization appear here as they happen, newest first.'}
            </p>
          </div>
        ) : (
          <ol className="event-list" aria-label="Latest events">
            {events.map((event) => (
              <li className="event-list__item" key={event.seq}>
                <time className="event-list__time" dateTime={event.occurredAt} title={formatDateTime(event.occurredAt)}>
                  {formatTime(event.occurredAt)}
                </time>
                <span className="event-list__topic">{event.topic}</span>
                <code className="event-list__payload" title={describePayload(event.payload)}>
                  {describePayload(event.payload)}
                </code>
              </li>
            ))}
          </ol>
        )}

        <div className="live-events__footer">
          <span className="muted">
            {events.length > 0 ? `Last ${events.length} event${events.length === 1 ? '' : 's'} (up to ${MAX_EVENTS})` : ''}
          </span>
          <span className="live-events__buttons">
            {broken ? (
              <Button variant="secondary" size="sm" onClick={() => resubscribe({ requestPolicy: 'network-only' })}>
                Reconnect
              </Button>
            ) : null}
            <Button variant="ghost" size="sm" onClick={() => setPaused((p) => !p)}>
              {paused ? 'Resume' : 'Pause'}
            </Button>
            <Button
              variant="ghost"
              size="sm"
              disabled={events.length === 0}
              onClick={() => setClearedThrough(sequence)}
            >
              Clear
            </Button>
          </span>
        </div>
      </CardBody>
    </Card>
  );
}
