import { Badge } from '@/components/ui/badge';
import { Spinner } from '@/components/ui/spinner';
import type { JobStatus, ModelStage } from '@/gql/graphql';

import { JOB_STATUS_LABEL, JOB_STATUS_TONE, STAGE_LABEL, STAGE_TONE } from '../lib/models-format';

/** QUEUED / RUNNING / SUCCEEDED / FAILED / CANCELLED; a running job spins. */
export function JobStatusBadge({ status, title }: { status: JobStatus; title?: string | null | undefined }) {
  return (
    <Badge tone={JOB_STATUS_TONE[status]} dot={status !== 'RUNNING'} title={title ?? undefined}>
      {status === 'RUNNING' ? <Spinner size={10} className="models-status__spinner" /> : null}
      {JOB_STATUS_LABEL[status]}
    </Badge>
  );
}

export function StageBadge({ stage }: { stage: ModelStage }) {
  return (
    <Badge tone={STAGE_TONE[stage]} dot={stage !== 'NONE'}>
      {STAGE_LABEL[stage]}
    </Badge>
  );
}
