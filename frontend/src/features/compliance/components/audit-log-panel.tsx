import { Fragment, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
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
import { usePermissions } from '@/lib/permissions';

import { AuditActionLabelsQuery, AuditEventsQuery, AuditPeopleQuery } from '../api/audit';
import {
  actorLabel,
  detailEntries,
  FILTERABLE_KINDS,
  formatZoned,
  outcomeLabel,
  outcomeTone,
  resourceKind,
  resourceLabel,
  type DetailEntry,
} from '../lib/audit-format';

import './compliance.css';

const PAGE_SIZE = 25;
const COLUMNS = 6;

type Person = { id: string; name: string };

type FilterForm = {
  action: string;
  outcome: '' | AuditOutcome;
  person: Person | null;
  resourceType: string;
  resourceId: string;
  since: string;
  until: string;
};

const EMPTY: FilterForm = { action: '', outcome: '', person: null, resourceType: '', resourceId: '', since: '', until: '' };

/** The form's values as the API's filter: empty fields are left out, local times become UTC. */
function toFilter(form: FilterForm): AuditEventFilter {
  const filter: AuditEventFilter = {};
  if (form.action.trim()) filter.action = form.action.trim();
  if (form.outcome) filter.outcome = form.outcome;
  if (form.person) filter.actorId = form.person.id;
  if (form.resourceType.trim()) filter.resourceType = form.resourceType.trim();
  if (form.resourceId.trim()) filter.resourceId = form.resourceId.trim();
  if (form.since) filter.since = new Date(form.since).toISOString();
  if (form.until) filter.until = new Date(form.until).toISOString();
  return filter;
}

function DetailList({ entries }: { entries: DetailEntry[] }) {
  return (
    <dl className="audit-details">
      {entries.map((entry) => (
        <Fragment key={entry.key}>
          <dt>{entry.label}</dt>
          <dd>{'children' in entry ? <DetailList entries={entry.children} /> : entry.value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function EventDetails({ event }: { event: AuditEventFieldsFragment }) {
  if (event.detailsState === 'HIDDEN') {
    return <p className="muted">Hidden: reading details needs the audit:read_details permission.</p>;
  }
  if (event.detailsState === 'PURGED') {
    return <p className="muted">Removed by the retention policy (the event itself and its hash are kept).</p>;
  }
  if (event.detailsState === 'UNREADABLE') {
    return <p className="muted">Unreadable: verify the chain.</p>;
  }
  const details = (event.details as Record<string, unknown> | null) ?? {};
  const entries = detailEntries(details);
  return (
    <div className="audit-details-panel">
      {entries.length ? <DetailList entries={entries} /> : <p className="muted">No further details.</p>}
      {event.personalData.length ? (
        <>
          <h4 className="audit-details-heading">Personal data</h4>
          <dl className="audit-details">
            {event.personalData.map((p) => (
              <Fragment key={p.subjectId}>
                <dt>{p.subjectId === event.actor.userId && event.actor.displayName ? event.actor.displayName : `Person ${p.subjectId.slice(0, 8)}`}</dt>
                <dd>
                  {p.erased ? (
                    <span className="muted">Erased on request</span>
                  ) : (
                    <DetailList entries={detailEntries((p.data as Record<string, unknown> | null) ?? {})} />
                  )}
                </dd>
              </Fragment>
            ))}
          </dl>
        </>
      ) : null}
      <p className="muted audit-details-meta">
        Event {event.seq} · request {event.requestId ?? '—'}
      </p>
    </div>
  );
}

function ActionCell({ event }: { event: AuditEventFieldsFragment }) {
  if (!event.actionLabel) return <code>{event.action}</code>;
  // the code on hover (title) and, for keyboard users, shown when the label has focus
  return (
    <span className="audit-action" tabIndex={0} title={event.action}>
      {event.actionLabel}
      <code className="audit-action__code">{event.action}</code>
    </span>
  );
}

function ResourceCell({ event, onFilter }: { event: AuditEventFieldsFragment; onFilter: (type: string, id: string) => void }) {
  const resource = event.resource;
  const label = resourceLabel(event);
  if (!resource) return <span className={event.resourceType ? undefined : 'muted'}>{label}</span>;
  return (
    <span className="audit-resource">
      <span className="muted audit-resource__kind">{resourceKind(resource.type)}</span>
      {resource.path ? <Link to={resource.path}>{label}</Link> : <span>{label}</span>}
      <button
        type="button"
        className="audit-link-button"
        onClick={() => onFilter(resource.type, resource.id)}
        aria-label={`Show only events on ${label}`}
      >
        Only this
      </button>
    </span>
  );
}

function EventRow({ event, onFilter }: { event: AuditEventFieldsFragment; onFilter: (type: string, id: string) => void }) {
  const [open, setOpen] = useState(false);
  const erased = event.actor.erased;
  return (
    <>
      <tr>
        <td data-label="Time">
          <time className="audit-time" dateTime={event.occurredAt}>
            {formatZoned(event.occurredAt)}
          </time>
        </td>
        <td data-label="Who">
          <span className={erased ? 'muted audit-erased' : undefined}>{actorLabel(event.actor)}</span>
        </td>
        <th scope="row" data-label="Action">
          <ActionCell event={event} />
        </th>
        <td data-label="Resource">
          <ResourceCell event={event} onFilter={onFilter} />
        </td>
        <td data-label="Outcome">
          <Badge tone={outcomeTone[event.outcome]} dot>
            {outcomeLabel[event.outcome]}
          </Badge>
        </td>
        <td data-label="Details">
          <Button
            variant="ghost"
            size="sm"
            onClick={() => setOpen(!open)}
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} details of event ${event.seq}`}
          >
            {open ? 'Hide' : 'Details'}
          </Button>
        </td>
      </tr>
      {open ? (
        <tr className="audit-details-row">
          <td colSpan={COLUMNS}>
            <EventDetails event={event} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** Chooses a member by name (members:read); the filter sends their user id. */
function PersonPicker({ value, onChange }: { value: Person | null; onChange: (person: Person | null) => void }) {
  const [search, setSearch] = useState('');
  const canList = usePermissions().has('users:read');
  const [{ data }] = useQuery({ query: AuditPeopleQuery, variables: { search }, pause: !canList || search.trim().length < 2 });
  const matches = search.trim().length >= 2 ? (data?.members.edges.map((e) => e.node) ?? []) : [];
  if (value) {
    return (
      <div className="compliance-select">
        <span>Person</span>
        <span className="audit-chip">
          {value.name}
          <button type="button" className="audit-link-button" onClick={() => onChange(null)} aria-label={`Clear the person filter (${value.name})`}>
            Clear
          </button>
        </span>
      </div>
    );
  }
  if (!canList) return null;
  return (
    <div className="audit-person">
      <Field label="Person" placeholder="Name or email" value={search} onChange={(e) => setSearch(e.target.value)} />
      {matches.length ? (
        <ul className="audit-person__matches" aria-label="Matching people">
          {matches.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                className="audit-link-button"
                onClick={() => {
                  onChange({ id: m.id, name: m.displayName });
                  setSearch('');
                }}
              >
                {m.displayName} <span className="muted">{m.email}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
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
  const [{ data: labels }] = useQuery({ query: AuditActionLabelsQuery });
  const connection = data?.auditEvents;
  const events = connection?.edges.map((edge) => edge.node) ?? [];
  const loadError = error && !data ? toAppError(error) : null;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const set = (key: 'action' | 'outcome' | 'resourceType' | 'resourceId' | 'since' | 'until') => (value: string) =>
    setForm({ ...form, [key]: value });
  const run = (next: FilterForm) => {
    setForm(next);
    setFilter(toFilter(next));
    setCursors([null]);
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    run(form);
  };
  const onlyResource = (type: string, id: string) => run({ ...form, resourceType: type, resourceId: id });

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
          <PersonPicker value={form.person} onChange={(person) => run({ ...form, person })} />
          <Field
            label="Action"
            placeholder="A label's code, or a prefix like identity."
            list="audit-action-codes"
            value={form.action}
            onChange={(e) => set('action')(e.target.value)}
          />
          <datalist id="audit-action-codes">
            {labels?.auditActionLabels.map((a) => (
              <option key={a.code} value={a.code}>
                {a.label}
              </option>
            ))}
          </datalist>
          <label className="compliance-select">
            Outcome
            <select value={form.outcome} onChange={(e) => set('outcome')(e.target.value)}>
              <option value="">Any</option>
              <option value="SUCCESS">{outcomeLabel.SUCCESS}</option>
              <option value="FAILURE">{outcomeLabel.FAILURE}</option>
              <option value="DENIED">{outcomeLabel.DENIED}</option>
            </select>
          </label>
          <label className="compliance-select">
            Resource kind
            <select value={form.resourceType} onChange={(e) => set('resourceType')(e.target.value)}>
              <option value="">Any</option>
              {[...new Set([...FILTERABLE_KINDS, ...(form.resourceType ? [form.resourceType] : [])])].map((kind) => (
                <option key={kind} value={kind}>
                  {resourceKind(kind)}
                </option>
              ))}
            </select>
          </label>
          <Field label="Resource id" value={form.resourceId} onChange={(e) => set('resourceId')(e.target.value)} />
          <Field label="From" type="datetime-local" value={form.since} onChange={(e) => set('since')(e.target.value)} />
          <Field label="Until" type="datetime-local" value={form.until} onChange={(e) => set('until')(e.target.value)} />
          <div className="compliance-filters__actions">
            <Button type="submit" size="sm">
              Apply filters
            </Button>
            <Button variant="ghost" size="sm" onClick={() => run(EMPTY)}>
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
          <p className="muted">No events match these filters. Clear a filter or widen the dates.</p>
        ) : (
          <>
            <p className="muted audit-zone">Times are in your time zone ({zone}).</p>
            <div className="compliance-scroll audit-log-scroll">
              <table className="compliance-table audit-log-table">
                <caption className="sr-only">Audit events, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Resource</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((event) => (
                    <EventRow key={event.id} event={event} onFilter={onlyResource} />
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
