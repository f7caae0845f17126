import type { BadgeTone } from '@/components/ui/badge';
import type { ModelStage, PromotionRequestFieldsFragment, PromotionStatus } from '@/gql/graphql';

export const PROMOTION_STATUSES: readonly PromotionStatus[] = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'WITHDRAWN'];

export const PROMOTION_STATUS_LABEL: Record<PromotionStatus, string> = {
  PENDING: 'Pending',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
  WITHDRAWN: 'Withdrawn',
};

export const PROMOTION_STATUS_TONE: Record<PromotionStatus, BadgeTone> = {
  PENDING: 'info',
  APPROVED: 'success',
  REJECTED: 'danger',
  EXPIRED: 'neutral',
  WITHDRAWN: 'neutral',
};

/** The server's limits (RequestPromotionInput.justification, decidePromotion's comment). */
export const MAX_JUSTIFICATION = 2000;
export const MAX_DECISION_COMMENT = 1000;

export type PromotionPolicy = { productionRequiresApproval: boolean; stagingRequiresApproval: boolean; requestTtlHours: number };

/** Whether moving to `stage` goes through a request; archiving and clearing never do. */
export function needsApproval(policy: PromotionPolicy | null | undefined, stage: ModelStage): boolean {
  if (!policy) return stage === 'PRODUCTION'; // the default policy, until the real one loads
  if (stage === 'PRODUCTION') return policy.productionRequiresApproval;
  if (stage === 'STAGING') return policy.stagingRequiresApproval;
  return false;
}

export function parsePromotionStatus(value: string | null): PromotionStatus | null {
  if (value === 'ALL') return null;
  return PROMOTION_STATUSES.find((status) => status === value) ?? 'PENDING';
}

/** "168 hours" reads better as "7 days". */
export function formatHours(hours: number): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

export function isExpired(request: Pick<PromotionRequestFieldsFragment, 'status' | 'expiresAt'>, now = Date.now()): boolean {
  return request.status === 'EXPIRED' || (request.status === 'PENDING' && Date.parse(request.expiresAt) <= now);
}

/**
 * Why the viewer cannot decide a request (`canDecide` is false), in words; null when they can.
 * Only the requester can be refused while holding models:approve on a live pending request.
 */
export function whyCannotDecide(
  request: Pick<PromotionRequestFieldsFragment, 'status' | 'expiresAt' | 'canDecide'> & { servingThreshold?: number | null | undefined },
  holdsApprove: boolean,
  now = Date.now(),
): string | null {
  if (request.canDecide) return null;
  if (request.status !== 'PENDING') return `Already ${PROMOTION_STATUS_LABEL[request.status].toLowerCase()}.`;
  if (isExpired(request, now)) return 'Expired before anyone decided: ask again.';
  if (!holdsApprove) return 'Deciding needs the models:approve permission.';
  const what = isThresholdChange(request) ? 'threshold change' : 'promotion';
  return `You asked for this ${what}: someone else who may approve must decide it.`;
}

/**
 * A request with a serving threshold for the stage the version is already in changes only
 * that threshold (a gated stage's threshold cannot be set directly): it reads as such.
 */
export function isThresholdChange(request: { servingThreshold?: number | null | undefined }): boolean {
  return request.servingThreshold !== null && request.servingThreshold !== undefined;
}
