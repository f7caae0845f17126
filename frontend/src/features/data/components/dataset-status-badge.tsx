import { Badge } from '@/components/ui/badge';
import { Spinner } from '@/components/ui/spinner';
import type { DatasetStatus } from '@/gql/graphql';

import { STATUS_LABEL, STATUS_TONE } from '../lib/dataset-format';

/** PROFILING / READY / FAILED; a failure carries its reason on hover (and for screen readers). */
export function DatasetStatusBadge({ status, error }: { status: DatasetStatus; error?: string | null | undefined }) {
  return (
    <Badge tone={STATUS_TONE[status]} dot={status !== 'PROFILING'} title={status === 'FAILED' && error ? error : undefined}>
      {status === 'PROFILING' ? <Spinner size={10} className="dataset-status__spinner" /> : null}
      {STATUS_LABEL[status]}
    </Badge>
  );
}
