import { useQuery, useSubscription } from 'urql';

import { PendingPromotionCountQuery, PromotionRequestEventsSubscription } from '../api/approvals';

/** Refetched when a request changes (a mutation returning one), like the lists. */
const COUNT_CONTEXT = { additionalTypenames: ['PromotionRequest'] };

/**
 * How many promotion requests await a decision: the query's answer, then the count each
 * `promotionRequests` event carries (another person's request or decision arrives live).
 * Null while unknown or without models:read.
 */
export function usePendingApprovals(enabled: boolean): number | null {
  const [{ data }] = useQuery({ query: PendingPromotionCountQuery, pause: !enabled, context: COUNT_CONTEXT });
  const [{ data: live }] = useSubscription(
    { query: PromotionRequestEventsSubscription, pause: !enabled },
    (_previous: number | undefined, event): number => event.promotionRequests.pendingCount,
  );
  if (!enabled) return null;
  return live ?? data?.pendingPromotionCount ?? null;
}
