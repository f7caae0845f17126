import { useState } from 'react';
import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { StampIcon } from '@/components/ui/icons';
import { RelativeTime } from '@/components/ui/relative-time';
import { Spinner } from '@/components/ui/spinner';
import type { PromotionRequestFieldsFragment } from '@/gql/graphql';
import { toAppError } from '@/lib/errors';

import { APPROVALS_CONTEXT, ModelVersionApprovalsQuery } from '../../api/approvals';
import { isThresholdChange } from '../../lib/approvals-format';
import { STAGE_LABEL } from '../../lib/models-format';
import { formatThreshold } from '../../lib/value-format';
import { DecidePromotionDialog } from './decide-promotion-dialog';
import { ReportSeen } from './report-seen';
import { DecisionCell, PromotionStatusBadge, type Deciding } from './promotion-status';

import './approvals.css';

function HistoryItem({
  request,
  onDecide,
}: {
  request: PromotionRequestFieldsFragment;
  onDecide: (deciding: Deciding) => void;
}) {
  return (
    <li className="approval-history__item" data-testid="approval-history-item">
      <div className="approval-history__head">
        <strong>
          {isThresholdChange(request)
            ? `Serving threshold ${formatThreshold(request.servingThreshold)} in ${STAGE_LABEL[request.stage].toLowerCase()}`
            : `To ${STAGE_LABEL[request.stage].toLowerCase()}`}
        </strong>
        <PromotionStatusBadge request={request} />
        <span className="muted">
          asked by {request.requestedBy ?? 'a member'} <RelativeTime value={request.requestedAt} />
        </span>
      </div>
      <p className="approval-history__text">{request.justification}</p>
      {request.decidedAt ? (
        <p className="approval-history__decision">
          {request.status === 'WITHDRAWN' ? 'Withdrawn' : `${request.status === 'APPROVED' ? 'Approved' : 'Rejected'}`}
          {request.decidedBy ? ` by ${request.decidedBy}` : ''} <RelativeTime value={request.decidedAt} />
          {request.comment ? `: “${request.comment}”` : ''}
        </p>
      ) : null}
      <ReportSeen request={request} />
      <div>
        <DecisionCell request={request} onDecide={onDecide} />
      </div>
    </li>
  );
}

/** A version's promotion requests and decisions, newest first (models:read). */
export function ApprovalHistoryCard({ versionId }: { versionId: string }) {
  const [{ data, error, fetching }] = useQuery({
    query: ModelVersionApprovalsQuery,
    variables: { id: versionId },
    context: APPROVALS_CONTEXT,
  });
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const approvals = data?.modelVersion?.approvals;
  return (
    <Card aria-labelledby="approvals-history-title">
      <CardHeader
        id="approvals-history-title"
        icon={<StampIcon size={18} />}
        title="Approvals"
        description="Requests to change this version's stage or serving threshold, and who decided them."
      />
      <CardBody>
        {error && !approvals ? (
          <LoadErrorAlert error={toAppError(error)} title="The approval history could not be loaded" forbiddenTitle="You cannot view approvals" />
        ) : !approvals ? (
          fetching ? <Spinner size={16} label="Loading the approval history" /> : null
        ) : approvals.length === 0 ? (
          <p className="muted">No one has asked to promote this version yet.</p>
        ) : (
          <ol className="approval-history" aria-label="Approval history">
            {approvals.map((request) => (
              <HistoryItem key={request.id} request={request} onDecide={setDeciding} />
            ))}
          </ol>
        )}
      </CardBody>
      {deciding ? (
        <DecidePromotionDialog request={deciding.request} decision={deciding.decision} onClose={() => setDeciding(null)} />
      ) : null}
    </Card>
  );
}
