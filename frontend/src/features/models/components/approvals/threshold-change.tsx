import { Link } from 'react-router';
import { useQuery } from 'urql';

import { paths } from '@/config/paths';
import type { PromotionRequestFieldsFragment } from '@/gql/graphql';

import { VersionServingThresholdQuery } from '../../api/approvals';
import { isExpired } from '../../lib/approvals-format';
import { formatThreshold } from '../../lib/value-format';
import { StageBadge } from '../status-badges';

/**
 * The version's threshold now, while the request is live (what approving replaces); undefined
 * once decided (it may be the request's own by then) or while loading, null for the engine's.
 */
function useThresholdBefore(request: PromotionRequestFieldsFragment): number | null | undefined {
  const live = request.status === 'PENDING' && !isExpired(request);
  const [{ data }] = useQuery({
    query: VersionServingThresholdQuery,
    variables: { id: request.modelVersionId },
    pause: !live || request.servingThreshold === null || request.servingThreshold === undefined,
  });
  if (!live || !data?.modelVersion) return undefined;
  return data.modelVersion.servingThreshold ?? null;
}

/** "Change the serving threshold of Churn v3 in [Production] from 0.50 to 0.30", the version linked. */
export function ThresholdChange({ request, link = false }: { request: PromotionRequestFieldsFragment; link?: boolean }) {
  const before = useThresholdBefore(request);
  const name = `${request.modelName} v${request.version}`;
  return (
    <span className="threshold-change" data-testid="threshold-change">
      Change the serving threshold of{' '}
      {link ? <Link to={paths.app.modelVersion.getHref(request.modelVersionId, 'value')}>{name}</Link> : <strong>{name}</strong>} in{' '}
      <StageBadge stage={request.stage} />
      {before === undefined ? '' : ` from ${before === null ? "the engine's own" : formatThreshold(before)}`} to{' '}
      <strong>{formatThreshold(request.servingThreshold)}</strong>
    </span>
  );
}
