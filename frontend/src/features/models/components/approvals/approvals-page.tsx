import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';

import { Button } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LockIcon, StampIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import { RelativeTime } from '@/components/ui/relative-time';
import { paths } from '@/config/paths';
import type { PromotionRequestFieldsFragment, PromotionStatus } from '@/gql/graphql';
import { useRealtimeStatus } from '@/lib/api-controls';
import { cn } from '@/lib/cn';
import { usePermissions } from '@/lib/permissions';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';

import { APPROVALS_CONTEXT, PromotionRequestEventsSubscription, PromotionRequestsQuery } from '../../api/approvals';
import {
  isExpired,
  isThresholdChange,
  parsePromotionStatus,
  PROMOTION_STATUS_LABEL,
  PROMOTION_STATUSES,
} from '../../lib/approvals-format';
import { STAGE_LABEL } from '../../lib/models-format';
import { formatThreshold } from '../../lib/value-format';
import { StageBadge } from '../status-badges';
import { DecidePromotionDialog } from './decide-promotion-dialog';
import { DecisionCell, PromotionStatusBadge, type Deciding } from './promotion-status';
import { ThresholdChange } from './threshold-change';

import './approvals.css';

export const APPROVALS_PAGE_SIZE = 25;

function RequestRow({ request, onDecide }: { request: PromotionRequestFieldsFragment; onDecide: (d: Deciding) => void }) {
  const decided = request.decidedAt !== null && request.decidedAt !== undefined;
  return (
    <tr data-testid="approval-row" data-request-id={request.id}>
      {isThresholdChange(request) ? (
        <th scope="row" className="approvals-table__version approvals-table__version--threshold">
          <ThresholdChange request={request} link />
        </th>
      ) : (
        <th scope="row" className="approvals-table__version">
          <Link to={paths.app.modelVersion.getHref(request.modelVersionId)}>
            {request.modelName} v{request.version}
          </Link>
          <span className="approvals-table__to">
            to <StageBadge stage={request.stage} />
          </span>
        </th>
      )}
      <td>
        <p className="approvals-table__justification" title={request.justification}>
          {request.justification}
        </p>
      </td>
      <td>
        <span className="approvals-table__stacked">
          <span>{request.requestedBy ?? <span className="muted">A member</span>}</span>
          <RelativeTime value={request.requestedAt} />
        </span>
      </td>
      <td>
        <span className="approvals-table__stacked">
          <PromotionStatusBadge request={request} />
          {decided ? (
            <span className="muted approvals-table__note">
              {request.decidedBy ? `by ${request.decidedBy} ` : ''}
              <RelativeTime value={request.decidedAt} />
            </span>
          ) : request.status === 'PENDING' && !isExpired(request) ? (
            <span className="muted approvals-table__note">
              expires <RelativeTime value={request.expiresAt} />
            </span>
          ) : null}
          {request.comment ? (
            <span className="muted approvals-table__note" title={request.comment}>
              “{request.comment}”
            </span>
          ) : null}
        </span>
      </td>
      <td className="approvals-table__actions">
        <DecisionCell request={request} onDecide={onDecide} />
      </td>
    </tr>
  );
}

function RequestsPageRows({
  page,
  status,
  onDecide,
  live,
}: {
  page: PageSlot;
  status: PromotionStatus | null;
  onDecide: (d: Deciding) => void;
  live: number;
}) {
  const [{ data, error }, reexecute] = useQuery({
    query: PromotionRequestsQuery,
    variables: { first: APPROVALS_PAGE_SIZE, after: page.after, status },
    context: APPROVALS_CONTEXT,
  });
  const connection = data?.promotionRequests;
  useReportPage(page, connection, error);
  useEffect(() => {
    if (live > 0) reexecute({ requestPolicy: 'network-only' });
  }, [live, reexecute]);
  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <RequestRow key={node.id} request={node} onDecide={onDecide} />
      ))}
    </tbody>
  );
}

type LiveState = { count: number; last: { type: string; request: PromotionRequestFieldsFragment } | null };

function describeEvent(type: string, request: PromotionRequestFieldsFragment): string {
  const what = type.replace('promotion.', '');
  if (isThresholdChange(request)) {
    return `${request.modelName} v${request.version} threshold ${formatThreshold(request.servingThreshold)} ${what}`;
  }
  return `${request.modelName} v${request.version} to ${STAGE_LABEL[request.stage].toLowerCase()} ${what}`;
}

/** /approvals: promotion requests of the organization, pending first; live over the subscription. */
export function ApprovalsPage() {
  const permissions = usePermissions();
  const [params, setParams] = useSearchParams();
  const status = parsePromotionStatus(params.get('status'));
  const paging = useConnectionPages(status ?? 'ALL');
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const realtime = useRealtimeStatus();
  const canRead = permissions.has('models:read');
  const [{ data: live, error: liveError }] = useSubscription(
    { query: PromotionRequestEventsSubscription, pause: !canRead },
    (previous: LiveState = { count: 0, last: null }, data): LiveState => ({
      count: previous.count + 1,
      last: data.promotionRequests,
    }),
  );

  if (!canRead) {
    return (
      <Card>
        <EmptyState
          icon={<LockIcon size={24} />}
          title="You cannot view approvals"
          description="Promotion requests need the models:read permission. Ask an administrator of your organization for a role that includes it."
        />
      </Card>
    );
  }

  const interrupted = realtime.state === 'disconnected' || liveError !== undefined;
  const filters: { value: PromotionStatus | null; label: string }[] = [
    ...PROMOTION_STATUSES.map((value) => ({ value, label: PROMOTION_STATUS_LABEL[value] })),
    { value: null, label: 'All' },
  ];

  return (
    <>
      <PageHeader
        eyebrow="Governance"
        title="Approvals"
        description={
          permissions.has('models:approve')
            ? 'Model versions waiting for a second person before they change stage or serving threshold. You may decide any request you did not make yourself.'
            : 'Model versions waiting for a second person before they change stage or serving threshold. Deciding needs the models:approve permission.'
        }
      />
      <Card aria-labelledby="approvals-title">
        <h2 className="sr-only" id="approvals-title">
          {status ? `${PROMOTION_STATUS_LABEL[status]} promotion requests` : 'All promotion requests'}
        </h2>
        <CardBody className="stack">
          <div className="approvals-toolbar">
            <div className="segmented" role="group" aria-label="Status">
              {filters.map((filter) => (
                <button
                  key={filter.label}
                  type="button"
                  className="segmented__option"
                  aria-pressed={status === filter.value}
                  onClick={() =>
                    setParams(filter.value === 'PENDING' ? {} : { status: filter.value ?? 'ALL' }, { replace: true })
                  }
                >
                  {filter.label}
                </button>
              ))}
            </div>
            <span
              className={cn('approvals-live', live?.last && 'approvals-live--active', interrupted && 'approvals-live--interrupted')}
              role="status"
              aria-live="polite"
            >
              {interrupted
                ? 'Live updates are interrupted: reload the page to see new requests'
                : live?.last
                  ? `Live: ${describeEvent(live.last.type, live.last.request)}`
                  : realtime.state === 'connected'
                    ? 'Live updates on'
                    : 'Connecting to live updates…'}
            </span>
          </div>
          <PagedTable
            paging={paging}
            className="approvals-table"
            caption="Promotion requests of your organization, newest first"
            head={
              <>
                <th scope="col">Model version</th>
                <th scope="col">Justification</th>
                <th scope="col">Requested</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Decision</span>
                </th>
              </>
            }
            renderPage={(page) => (
              <RequestsPageRows page={page} status={status} onDecide={setDeciding} live={live?.count ?? 0} />
            )}
            noun={{ one: 'request', many: 'requests' }}
            errorTitle="Promotion requests could not be loaded"
            forbiddenTitle="You cannot view promotion requests"
            empty={
              status === 'PENDING' ? (
                <EmptyState
                  icon={<StampIcon size={26} />}
                  title="Nothing waits for approval"
                  description="When someone asks to promote a model version to a stage that needs approval, the request appears here."
                />
              ) : (
                <NoRows title={status ? `No ${PROMOTION_STATUS_LABEL[status].toLowerCase()} requests` : 'No requests yet'}>
                  <Button variant="ghost" size="sm" onClick={() => setParams({}, { replace: true })}>
                    Show pending requests
                  </Button>
                </NoRows>
              )
            }
          />
        </CardBody>
      </Card>
      {deciding ? (
        <DecidePromotionDialog request={deciding.request} decision={deciding.decision} onClose={() => setDeciding(null)} />
      ) : null}
    </>
  );
}
