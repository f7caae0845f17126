import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { AlertTriangleIcon, LockIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import { RelativeTime } from '@/components/ui/relative-time';
import { paths } from '@/config/paths';
import type { AlertFieldsFragment, AlertStatus } from '@/gql/graphql';
import { useRealtimeStatus } from '@/lib/api-controls';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';

import { ALERTS_CONTEXT, AlertEventsSubscription, AlertModelVersionQuery, AlertsQuery } from '../api/alerts';
import {
  ALERT_KIND_LABEL,
  ALERT_STATUS_LABEL,
  ALERT_STATUS_TONE,
  ALERT_STATUSES,
  describeAlert,
  formatAlertValue,
  parseAlertStatus,
} from '../lib/alerts-format';
import { AlertActionDialog, type AlertAction } from './alert-action-dialog';

import './alerts.css';

export const ALERTS_PAGE_SIZE = 25;

type Acting = { alert: AlertFieldsFragment; action: AlertAction };

/** The version by name when it can be read, by the start of its id otherwise. */
function VersionLink({ id }: { id: string }) {
  const [{ data }] = useQuery({ query: AlertModelVersionQuery, variables: { id } });
  const version = data?.modelVersion;
  return (
    <Link to={paths.app.modelVersion.getHref(id, 'monitoring')} title={id}>
      {version ? `${version.modelName} v${version.version}` : `Version ${id.slice(0, 8)}`}
    </Link>
  );
}

function AlertRow({
  alert,
  canManage,
  onAct,
}: {
  alert: AlertFieldsFragment;
  canManage: boolean;
  onAct: (acting: Acting) => void;
}) {
  const comment = alert.resolveComment ?? alert.acknowledgeComment;
  const by = alert.status === 'RESOLVED' ? alert.resolvedBy : alert.status === 'ACKNOWLEDGED' ? alert.acknowledgedBy : null;
  return (
    <tr data-testid="alert-row" data-alert-id={alert.id}>
      <td>
        <Badge tone={alert.severity === 'CRITICAL' ? 'danger' : 'warning'} dot>
          {alert.severity === 'CRITICAL' ? 'Critical' : 'Warning'}
        </Badge>
      </td>
      <th scope="row">
        <span className="alerts-table__what">
          <span>{ALERT_KIND_LABEL[alert.kind]}</span>
          {alert.feature ? <code>{alert.feature}</code> : alert.metric ? <code>{alert.metric}</code> : null}
        </span>
      </th>
      <td>
        <VersionLink id={alert.modelVersionId} />
      </td>
      <td className="table__number" title={describeAlert(alert)}>
        <strong>{formatAlertValue(alert.kind, alert.value)}</strong>
        <span className="muted">
          {' '}
          {alert.comparison === 'GTE' ? '≥' : '≤'} {formatAlertValue(alert.kind, alert.threshold)}
        </span>
      </td>
      <td>
        <span className="alerts-table__stacked">
          <RelativeTime value={alert.lastSeenAt} />
          <span className="muted" title={formatDateTime(alert.createdAt)}>
            {alert.window === 'DAY' ? 'daily' : 'hourly'} · {alert.count} window{alert.count === 1 ? '' : 's'}
          </span>
        </span>
      </td>
      <td>
        <span className="alerts-table__stacked">
          <Badge tone={ALERT_STATUS_TONE[alert.status]}>{ALERT_STATUS_LABEL[alert.status]}</Badge>
          {by ? <span className="muted alerts-table__comment">by {by}</span> : null}
          {comment ? (
            <span className="muted alerts-table__comment" title={comment}>
              “{comment}”
            </span>
          ) : null}
        </span>
      </td>
      <td className="alerts-table__actions">
        {canManage && alert.status === 'OPEN' ? (
          <Button size="sm" variant="secondary" onClick={() => onAct({ alert, action: 'acknowledge' })}>
            Acknowledge
          </Button>
        ) : null}
        {canManage && alert.status !== 'RESOLVED' ? (
          <Button size="sm" variant="ghost" onClick={() => onAct({ alert, action: 'resolve' })}>
            Resolve
          </Button>
        ) : null}
      </td>
    </tr>
  );
}

function AlertsPageRows({
  page,
  status,
  canManage,
  onAct,
  live,
}: {
  page: PageSlot;
  status: AlertStatus | null;
  canManage: boolean;
  onAct: (acting: Acting) => void;
  /** Bumped on each live event: the page asks the server again. */
  live: number;
}) {
  const [{ data, error }, reexecute] = useQuery({
    query: AlertsQuery,
    variables: { first: ALERTS_PAGE_SIZE, after: page.after, status },
    context: ALERTS_CONTEXT,
  });
  const connection = data?.alerts;
  useReportPage(page, connection, error);
  useEffect(() => {
    if (live > 0) reexecute({ requestPolicy: 'network-only' });
  }, [live, reexecute]);
  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <AlertRow key={node.id} alert={node} canManage={canManage} onAct={onAct} />
      ))}
    </tbody>
  );
}

type LiveState = { count: number; last: { type: string; alert: AlertFieldsFragment } | null };

/** /alerts: every alert of the organization, newest first, live over the `alerts` subscription. */
export function AlertsPage() {
  const permissions = usePermissions();
  const [params, setParams] = useSearchParams();
  const status = parseAlertStatus(params.get('status'));
  const canManage = permissions.has('alerts:manage');
  const paging = useConnectionPages(status ?? '');
  const [acting, setActing] = useState<Acting | null>(null);
  const realtime = useRealtimeStatus();
  const [{ data: live, error: liveError }] = useSubscription(
    { query: AlertEventsSubscription, pause: !permissions.has('models:read') },
    (previous: LiveState = { count: 0, last: null }, data): LiveState => ({ count: previous.count + 1, last: data.alerts }),
  );

  if (!permissions.has('models:read')) {
    return (
      <Card>
        <EmptyState
          icon={<LockIcon size={24} />}
          title="You cannot view alerts"
          description="Alerts need the models:read permission. Ask an administrator of your organization for a role that includes it."
        />
      </Card>
    );
  }

  const interrupted = realtime.state === 'disconnected' || liveError !== undefined;
  const filters: { value: AlertStatus | null; label: string }[] = [
    ...ALERT_STATUSES.map((value) => ({ value, label: ALERT_STATUS_LABEL[value] })),
    { value: null, label: 'All' },
  ];

  return (
    <>
      <PageHeader
        eyebrow="Machine learning"
        title="Alerts"
        description="Models in production that drifted, slowed down, failed or lost accuracy. New alerts appear here as they open."
      />
      <Card aria-labelledby="alerts-title">
        <h2 className="sr-only" id="alerts-title">
          {status ? `${ALERT_STATUS_LABEL[status]} alerts` : 'All alerts'}
        </h2>
        <CardBody className="stack">
          <div className="alerts-toolbar">
            <div className="segmented" role="group" aria-label="Status">
              {filters.map((filter) => (
                <button
                  key={filter.label}
                  type="button"
                  className="segmented__option"
                  aria-pressed={status === filter.value}
                  onClick={() => setParams(filter.value ? { status: filter.value } : {}, { replace: true })}
                >
                  {filter.label}
                </button>
              ))}
            </div>
            <span
              className={cn('alerts-live', live?.last && 'alerts-live--active', interrupted && 'alerts-live--interrupted')}
              role="status"
              aria-live="polite"
            >
              {interrupted
                ? 'Live updates are interrupted: reload the page to see new alerts'
                : live?.last
                  ? `Live: ${describeAlert(live.last.alert)} (${live.last.type.replace('alert.', '')})`
                  : realtime.state === 'connected'
                    ? 'Live updates on'
                    : 'Connecting to live updates…'}
            </span>
          </div>
          <PagedTable
            paging={paging}
            className="alerts-table"
            caption="Alerts of your organization, newest first"
            head={
              <>
                <th scope="col">Severity</th>
                <th scope="col">Alert</th>
                <th scope="col">Model version</th>
                <th scope="col" className="table__number">
                  Value vs threshold
                </th>
                <th scope="col">Last seen</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </>
            }
            renderPage={(page) => (
              <AlertsPageRows page={page} status={status} canManage={canManage} onAct={setActing} live={live?.count ?? 0} />
            )}
            noun={{ one: 'alert', many: 'alerts' }}
            errorTitle="Alerts could not be loaded"
            forbiddenTitle="You cannot view alerts"
            empty={
              status === 'OPEN' || !status ? (
                <EmptyState
                  icon={<AlertTriangleIcon size={26} />}
                  title={status ? 'No open alerts' : 'No alerts yet'}
                  description="An alert opens when a model's latest window breaks one of its rules: drift above the threshold, a high error rate or latency, or performance below target."
                />
              ) : (
                <NoRows title={`No ${ALERT_STATUS_LABEL[status].toLowerCase()} alerts`}>
                  <Button variant="ghost" size="sm" onClick={() => setParams({}, { replace: true })}>
                    Show all alerts
                  </Button>
                </NoRows>
              )
            }
          />
        </CardBody>
      </Card>
      {acting ? <AlertActionDialog alert={acting.alert} action={acting.action} onClose={() => setActing(null)} /> : null}
    </>
  );
}
