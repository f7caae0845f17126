import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { FileTextIcon, RefreshIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import type { AuditEventFieldsFragment, AuditEventFilter, AuditOutcome } from '@/gql/graphql';
import { toAppError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';

import { AuditEventsQuery } from '../api/audit';
import { actorLabel, outcomeLabel, outcomeTone, resourceLabel } from '../lib/audit-format';

import './compliance.css';

const PAGE_SIZE = 25;

type FilterForm = {
  action: string;
  outcome: '' | AuditOutcome;
  actorId: string;
  resourceType: string;
  resourceId: string;
  since: string;
  until: string;
};

const EMPTY: FilterForm = { action: '', outcome: '', actorId: '', resourceType: '', resourceId: '', since: '', until: '' };

/** The form's values as the API's filter: empty fields are left out, local times become UTC. */
function toFilter(form: FilterForm): AuditEventFilter {
  const filter: AuditEventFilter = {};
  if (form.action.trim()) filter.action = form.action.trim();
  if (form.outcome) filter.outcome = form.outcome;
  if (form.actorId.trim()) filter.actorId = form.actorId.trim();
  if (form.resourceType.trim()) filter.resourceType = form.resourceType.trim();
  if (form.resourceId.trim()) filter.resourceId = form.resourceId.trim();
  if (form.since) filter.since = new Date(form.since).toISOString();
  if (form.until) filter.until = new Date(form.until).toISOString();
  return filter;
}

function EventDetails({ event }: { event: AuditEventFieldsFragment }) {
  if (event.detailsState === 'HIDDEN') {
    return <span className="muted">Hidden: reading details needs the audit:read_details permission.</span>;
  }
  if (event.detailsState === 'PURGED') {
    return <span className="muted">Removed by the retention policy (header and hash kept).</span>;
  }
  if (event.detailsState === 'UNREADABLE') {
    return <span className="muted">Unreadable: verify the chain.</span>;
  }
  const personal = Object.fromEntries(
    event.personalData.map((p) => [p.subjectId, p.erased ? '(erased on request)' : p.data]),
  );
  const shown = { ...((event.details as Record<string, unknown> | null) ?? {}), ...(event.personalData.length ? { personal } : {}) };
  return <pre className="compliance-details">{JSON.stringify(shown, null, 2)}</pre>;
}

function EventRow({ event }: { event: AuditEventFieldsFragment }) {
  const [open, setOpen] = useState(false);
  return (
    <tr>
      <td>
        <code>{event.seq}</code>
      </td>
      <td>
        <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time>
      </td>
      <td>{actorLabel(event.actor)}</td>
      <th scope="row">
        <code>{event.action}</code>
      </th>
      <td>{resourceLabel(event)}</td>
      <td>
        <Badge tone={outcomeTone[event.outcome]} dot>
          {outcomeLabel[event.outcome]}
        </Badge>
      </td>
      <td>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          aria-label={`${open ? 'Hide' : 'Show'} details of event ${event.seq}`}
        >
          {open ? 'Hide' : 'Details'}
        </Button>
        {open ? <EventDetails event={event} /> : null}
      </td>
    </tr>
  );
}

/** Searches the audit log, newest first, a page at a time. */
export function AuditLogPanel() {
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [filter, setFilter] = useState<AuditEventFilter>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const [{ data, fetching, error }, refetch] = useQuery({
    query: AuditEventsQuery,
    variables: { first: PAGE_SIZE, after, filter },
  });
  const connection = data?.auditEvents;
  const events = connection?.edges.map((edge) => edge.node) ?? [];
  const loadError = error && !data ? toAppError(error) : null;

  const set = (key: keyof FilterForm) => (value: string) => setForm({ ...form, [key]: value });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(toFilter(form));
    setCursors([null]);
  };
  const reset = () => {
    setForm(EMPTY);
    setFilter({});
    setCursors([null]);
  };

  return (
    <Card aria-labelledby="audit-log-title">
      <CardHeader
        id="audit-log-title"
        icon={<FileTextIcon size={18} />}
        title="Audit log"
        description="Every recorded action: who, what, on which resource, and the outcome. Details are encrypted and shown only to roles allowed to read them."
        actions={
          <Button
            variant="ghost"
            size="sm"
            icon={fetching ? <Spinner size={14} /> : <RefreshIcon size={15} />}
            onClick={() => refetch({ requestPolicy: 'network-only' })}
            disabled={fetching}
          >
            Refresh
          </Button>
        }
      />
      <CardBody className="compliance-panel">
        <form className="compliance-filters" onSubmit={apply} aria-label="Audit log filters">
          <Field
            label="Action"
            placeholder="identity. or identity.token.created"
            value={form.action}
            onChange={(e) => set('action')(e.target.value)}
          />
          <label className="compliance-select">
            Outcome
            <select value={form.outcome} onChange={(e) => set('outcome')(e.target.value)}>
              <option value="">Any</option>
              <option value="SUCCESS">Success</option>
              <option value="FAILURE">Failure</option>
              <option value="DENIED">Denied</option>
            </select>
          </label>
          <Field label="Actor (user id)" value={form.actorId} onChange={(e) => set('actorId')(e.target.value)} />
          <Field label="Resource type" value={form.resourceType} onChange={(e) => set('resourceType')(e.target.value)} />
          <Field label="Resource id" value={form.resourceId} onChange={(e) => set('resourceId')(e.target.value)} />
          <Field label="From" type="datetime-local" value={form.since} onChange={(e) => set('since')(e.target.value)} />
          <Field label="Until" type="datetime-local" value={form.until} onChange={(e) => set('until')(e.target.value)} />
          <div className="compliance-filters__actions">
            <Button type="submit" size="sm">
              Apply filters
            </Button>
            <Button variant="ghost" size="sm" onClick={reset}>
              Clear
            </Button>
          </div>
        </form>

        {loadError ? (
          <Alert tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'} role="alert" title="The audit log could not be loaded">
            <ErrorMessage error={loadError} />
          </Alert>
        ) : !connection ? (
          <Spinner size={18} label="Loading the audit log" />
        ) : events.length === 0 ? (
          <p className="muted">No events match these filters.</p>
        ) : (
          <>
            <div className="compliance-scroll">
              <table className="compliance-table">
                <caption className="sr-only">Audit events, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Seq</th>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Resource</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((event) => (
                    <EventRow key={event.id} event={event} />
                  ))}
                </tbody>
              </table>
            </div>
            <div className="compliance-pager">
              <span className="muted">
                {connection.totalCount} matching event{connection.totalCount === 1 ? '' : 's'}
              </span>
              <span className="compliance-actions">
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={cursors.length < 2}
                  onClick={() => setCursors(cursors.slice(0, -1))}
                >
                  Newer
                </Button>
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={!connection.pageInfo.hasNextPage}
                  onClick={() => setCursors([...cursors, connection.pageInfo.endCursor ?? null])}
                >
                  Older
                </Button>
              </span>
            </div>
          </>
        )}
      </CardBody>
    </Card>
  );
}
