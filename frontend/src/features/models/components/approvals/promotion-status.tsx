import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { PromotionRequestFieldsFragment, PromotionStatus } from '@/gql/graphql';
import { usePermissions } from '@/lib/permissions';

import { isExpired, PROMOTION_STATUS_LABEL, PROMOTION_STATUS_TONE, whyCannotDecide } from '../../lib/approvals-format';
import type { Decision } from './decide-promotion-dialog';

export type Deciding = { request: PromotionRequestFieldsFragment; decision: Decision };

/** The status a request shows: a pending one past its expiry is as good as expired. */
export function PromotionStatusBadge({ request }: { request: PromotionRequestFieldsFragment }) {
  const status: PromotionStatus = isExpired(request) ? 'EXPIRED' : request.status;
  return (
    <Badge tone={PROMOTION_STATUS_TONE[status]} dot>
      {PROMOTION_STATUS_LABEL[status]}
    </Badge>
  );
}

/** Approve and Reject for whoever may decide; otherwise the reason they cannot. */
export function DecisionCell({ request, onDecide }: { request: PromotionRequestFieldsFragment; onDecide: (d: Deciding) => void }) {
  const permissions = usePermissions();
  const why = whyCannotDecide(request, permissions.has('models:approve'));
  if (why) {
    return request.status === 'PENDING' ? (
      <span className="muted approval-reason" data-testid="cannot-decide">
        {why}
      </span>
    ) : null;
  }
  const name = `${request.modelName} v${request.version}`;
  return (
    <span className="approval-actions">
      <Button size="sm" onClick={() => onDecide({ request, decision: 'approve' })} aria-label={`Approve ${name}`}>
        Approve
      </Button>
      <Button size="sm" variant="danger-ghost" onClick={() => onDecide({ request, decision: 'reject' })} aria-label={`Reject ${name}`}>
        Reject
      </Button>
    </span>
  );
}
