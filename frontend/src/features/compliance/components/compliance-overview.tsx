import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { AlertTriangleIcon, FileTextIcon, KeyIcon, LockIcon, ModelsIcon, ShieldIcon, StampIcon } from '@/components/ui/icons';
import { RelativeTime } from '@/components/ui/relative-time';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import type { ComplianceOverviewQuery as ComplianceOverviewResult } from '@/gql/graphql';
import { cn } from '@/lib/cn';
import { toAppError } from '@/lib/errors';
import { formatDate, formatDateTime } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import { useOverviewUpdates } from '@/lib/use-overview-updates';

import { ComplianceOverviewQuery } from '../api/overview';
import { formatAge, formatDaysLeft, URGENT_DAYS } from '../lib/compliance-overview-format';

import './compliance-overview.css';

type Overview = ComplianceOverviewResult['complianceOverview'];
type ModelReference = Overview['modelsAwaitingApproval'][number];

const KIND_LABEL: Record<string, string> = { ACCESS: 'Access', ERASURE: 'Erasure' };
const STATUS_LABEL: Record<string, string> = { PENDING: 'Awaiting approval', APPROVED: 'Approved, to execute' };

function Tile({
  id,
  title,
  icon,
  link,
  attention,
  children,
}: {
  id: string;
  title: string;
  icon: ReactNode;
  link?: { to: string; label: string } | null;
  /** Something here needs the officer: the tile says so in words and colour. */
  attention?: boolean;
  children: ReactNode;
}) {
  return (
    <Card className={cn('co-tile', attention && 'co-tile--attention')} aria-labelledby={`${id}-title`} data-testid={id}>
      <header className="co-tile__header">
        <span className="co-tile__icon" aria-hidden="true">
          {icon}
        </span>
        <h2 className="co-tile__title" id={`${id}-title`}>
          {title}
        </h2>
        {attention ? <Badge tone="warning">Needs attention</Badge> : null}
        {link ? (
          <Link className="co-tile__link" to={link.to}>
            {link.label}
          </Link>
        ) : null}
      </header>
      <div className="co-tile__body">{children}</div>
    </Card>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="co-row">
      <span className="co-row__label">{label}</span>
      <span className="co-row__value">{children}</span>
    </div>
  );
}

function ChainTile({ chain }: { chain: Overview['auditChain'] }) {
  const failed = chain.lastVerificationPassed === false;
  const stale = chain.lastVerifiedAt === null || chain.lastVerifiedAt === undefined;
  return (
    <Tile
      id="co-chain"
      title="Audit chain"
      icon={<ShieldIcon size={18} />}
      link={{ to: paths.app.compliance.getHref('chain'), label: 'Verify the chain' }}
      attention={failed || stale}
    >
      <Row label="Last verification">
        {stale ? (
          <span className="co-warn">Never verified: verify it from the audit chain tab</span>
        ) : (
          <span title={formatDateTime(chain.lastVerifiedAt)}>
            <RelativeTime value={chain.lastVerifiedAt} />
          </span>
        )}
      </Row>
      <Row label="Result">
        {stale ? (
          '—'
        ) : failed ? (
          <Badge tone="danger" dot>
            Broken
          </Badge>
        ) : (
          <Badge tone="success" dot>
            Intact
          </Badge>
        )}
      </Row>
      <Row label="Last signed checkpoint">
        {chain.lastCheckpointSeq === null || chain.lastCheckpointSeq === undefined ? (
          <span className="muted">None yet</span>
        ) : (
          <span data-testid="co-checkpoint">
            seq {chain.lastCheckpointSeq}, signed {formatDateTime(chain.lastCheckpointSignedAt)} (
            {formatAge(chain.lastCheckpointAgeHours)} ago)
          </span>
        )}
      </Row>
    </Tile>
  );
}

function RequestsTile({ requests }: { requests: Overview['dataSubjectRequests'] }) {
  const urgent = requests.some((request) => request.daysLeft < URGENT_DAYS);
  return (
    <Tile
      id="co-requests"
      title="Data subject requests"
      icon={<LockIcon size={18} />}
      link={{ to: paths.app.compliance.getHref('requests'), label: 'All requests' }}
      attention={urgent}
    >
      {requests.length === 0 ? (
        <p className="muted co-note">No open request. New access and erasure requests are filed on the requests tab.</p>
      ) : (
        <div className="co-table-scroll">
          <table className="co-table" data-testid="co-requests-table">
            <caption className="sr-only">Open data subject requests, oldest first, with the one-month limit</caption>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Received</th>
                <th scope="col">Due</th>
                <th scope="col">Time left</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((request) => (
                <tr key={request.id}>
                  <th scope="row">{KIND_LABEL[request.kind] ?? request.kind}</th>
                  <td>{STATUS_LABEL[request.status] ?? request.status}</td>
                  <td>{formatDate(request.createdAt)}</td>
                  <td>{formatDate(request.dueAt)}</td>
                  <td>
                    <span
                      className={cn('co-days', request.daysLeft < URGENT_DAYS && 'co-days--urgent')}
                      data-testid={`co-days-${request.id}`}
                    >
                      {formatDaysLeft(request.daysLeft)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Tile>
  );
}

function ModelList({
  models,
  empty,
  tab,
  note,
  testId,
}: {
  models: readonly ModelReference[];
  empty: string;
  tab?: 'fairness' | 'monitoring' | 'documentation';
  note?: (model: ModelReference) => ReactNode;
  testId: string;
}) {
  if (models.length === 0) return <p className="muted co-note">{empty}</p>;
  return (
    <ul className="co-models" data-testid={testId}>
      {models.map((model) => (
        <li key={model.modelVersionId}>
          <Link to={paths.app.modelVersion.getHref(model.modelVersionId, tab)}>
            {model.modelName} v{model.version}
          </Link>
          {note ? <span className="muted"> · {note(model)}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function ModelsTiles({ overview }: { overview: Overview }) {
  const lacking = new Map(overview.modelsLackingReport.map((gap) => [gap.model.modelVersionId, gap.newestReportAt]));
  return (
    <>
      <Tile
        id="co-approvals"
        title="Awaiting approval"
        icon={<StampIcon size={18} />}
        link={{ to: paths.app.approvals.getHref(), label: 'Approvals' }}
        attention={overview.modelsAwaitingApproval.length > 0}
      >
        <ModelList models={overview.modelsAwaitingApproval} empty="No model waits for approval." testId="co-approvals-list" />
      </Tile>
      <Tile
        id="co-reports"
        title="Production models without a current report"
        icon={<FileTextIcon size={18} />}
        attention={overview.modelsLackingReport.length > 0}
      >
        <ModelList
          models={overview.modelsLackingReport.map((gap) => gap.model)}
          empty="Every production model has a report newer than its last stage change."
          tab="documentation"
          testId="co-reports-list"
          note={(model) => {
            const at = lacking.get(model.modelVersionId);
            return at ? `newest report ${formatDate(at)}, before the last stage change` : 'no report yet';
          }}
        />
      </Tile>
      <Tile
        id="co-flags"
        title="Fairness flags and drift alerts"
        icon={<AlertTriangleIcon size={18} />}
        link={{ to: paths.app.alerts.getHref('OPEN'), label: 'Open alerts' }}
        attention={overview.modelsWithFairnessFlags.length + overview.modelsWithDriftAlerts.length > 0}
      >
        <h3 className="co-subtitle">Flagged fairness reports</h3>
        <ModelList
          models={overview.modelsWithFairnessFlags}
          empty="No production model has a flagged fairness report."
          tab="fairness"
          testId="co-fairness-list"
        />
        <h3 className="co-subtitle">Unresolved drift alerts</h3>
        <ModelList
          models={overview.modelsWithDriftAlerts}
          empty="No production model has an unresolved drift alert."
          tab="monitoring"
          testId="co-drift-list"
        />
      </Tile>
    </>
  );
}

function RetentionTile({ retention }: { retention: Overview['retention'] }) {
  return (
    <Tile
      id="co-retention"
      title="Retention"
      icon={<ModelsIcon size={18} />}
      link={{ to: paths.app.compliance.getHref('retention'), label: 'Retention policy' }}
      attention={!retention.isSet}
    >
      <Row label="Audit details kept">
        {!retention.isSet ? (
          <span className="co-warn">No policy set: details are kept for ever</span>
        ) : retention.detailsDays === null || retention.detailsDays === undefined ? (
          'For ever (by policy)'
        ) : (
          <span data-testid="co-retention-days">{retention.detailsDays} days</span>
        )}
      </Row>
      <Row label="Policy set">{formatDateTime(retention.updatedAt)}</Row>
      <Row label="Last purge">{retention.lastPurgeAt ? formatDateTime(retention.lastPurgeAt) : 'None yet'}</Row>
    </Tile>
  );
}

function SsoTile({ sso }: { sso: Overview['sso'] }) {
  const permissions = usePermissions();
  return (
    <Tile
      id="co-sso"
      title="Single sign-on"
      icon={<KeyIcon size={18} />}
      link={permissions.has('sso:read') ? { to: paths.app.adminSso.getHref(), label: 'SSO settings' } : null}
    >
      <Row label="Configured">{sso.configured ? 'Yes' : 'No: members sign in with passwords'}</Row>
      <Row label="Required">{sso.required ? 'Yes: password sign-in is off' : 'No'}</Row>
      <Row label="Last change">{sso.lastChangedAt ? formatDateTime(sso.lastChangedAt) : 'Never configured'}</Row>
    </Tile>
  );
}

/** The compliance officer's first page: what needs attention, from `complianceOverview`. */
export function ComplianceOverview() {
  const [{ data, error }, reexecute] = useQuery({ query: ComplianceOverviewQuery });
  const permissions = usePermissions();
  useOverviewUpdates(permissions.has('insights:read'), () => reexecute({ requestPolicy: 'network-only' }));
  const overview = data?.complianceOverview;
  if (!overview) {
    if (error) {
      return (
        <LoadErrorAlert
          error={toAppError(error)}
          title="The compliance overview could not be loaded"
          forbiddenTitle="The compliance overview needs the audit:read permission"
        />
      );
    }
    return (
      <div className="section-loading">
        <Spinner size={20} label="Loading the compliance overview" />
      </div>
    );
  }
  return (
    <div className="co-overview">
      <p className="muted co-generated">As of {formatDateTime(overview.generatedAt)}</p>
      <div className="co-grid">
        <RequestsTile requests={overview.dataSubjectRequests} />
        <ChainTile chain={overview.auditChain} />
        <ModelsTiles overview={overview} />
        <RetentionTile retention={overview.retention} />
        <SsoTile sso={overview.sso} />
      </div>
    </div>
  );
}
