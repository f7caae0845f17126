import { useId, useState } from 'react';
import { useMutation } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import type { PromotionRequestFieldsFragment } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';

import { APPROVALS_CONTEXT, DecidePromotionMutation } from '../../api/approvals';
import { isThresholdChange, MAX_DECISION_COMMENT } from '../../lib/approvals-format';
import { STAGE_LABEL } from '../../lib/models-format';
import { formatThreshold } from '../../lib/value-format';
import { ReportSeen } from './report-seen';
import { ThresholdChange } from './threshold-change';

export type Decision = 'approve' | 'reject';

/**
 * Approves (the version moves at once, or its serving threshold changes) or rejects (a
 * comment is required) one request.
 */
export function DecidePromotionDialog({
  request,
  decision,
  onClose,
}: {
  request: PromotionRequestFieldsFragment;
  decision: Decision;
  onClose: () => void;
}) {
  const id = useId();
  const [comment, setComment] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [{ fetching }, decide] = useMutation(DecidePromotionMutation);
  const name = `${request.modelName} v${request.version}`;
  const stageName = STAGE_LABEL[request.stage].toLowerCase();
  const approve = decision === 'approve';
  const threshold = isThresholdChange(request);
  const newThreshold = formatThreshold(request.servingThreshold);
  const title = threshold
    ? approve
      ? `Approve threshold ${newThreshold} for ${name}?`
      : `Reject the threshold change of ${name}?`
    : approve
      ? `Approve ${name} for ${stageName}?`
      : `Reject the promotion of ${name}?`;
  const outcome = threshold
    ? approve
      ? `Approving makes predict (API and batch) answer the positive class above ${newThreshold} from the next call; ${name} stays in ${stageName}.`
      : `${name} keeps its serving threshold.`
    : approve
      ? `Approving moves ${name} to ${stageName} now${
          request.stage === 'PRODUCTION' ? '; the current production version of the model is archived' : ''
        }.`
      : `${name} stays where it is.`;

  const submit = async () => {
    const text = comment.trim();
    if (!approve && !text) {
      setInvalid('Say why: the requester reads it, and it is kept in the audit log.');
      return;
    }
    setInvalid(null);
    setError(null);
    const result = await decide({ id: request.id, approve, comment: text || null }, APPROVALS_CONTEXT);
    if (result.error) {
      setError(toAppError(result.error));
      return;
    }
    onClose();
  };

  return (
    <Dialog
      title={title}
      onClose={onClose}
      busy={fetching}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={fetching}>
            Cancel
          </Button>
          <Button variant={approve ? 'primary' : 'danger'} loading={fetching} onClick={() => void submit()}>
            {approve ? 'Approve' : 'Reject'}
          </Button>
        </>
      }
    >
      <div className="stack">
        {threshold ? (
          <p>
            <ThresholdChange request={request} />.
          </p>
        ) : null}
        <div className="approval-quote">
          <p className="fact__label">
            {request.requestedBy ? `${request.requestedBy}'s justification` : 'Justification'}
          </p>
          <blockquote>{request.justification}</blockquote>
        </div>
        <ReportSeen request={request} />
        <p className="muted">
          {outcome} Your decision is recorded in the audit log.
        </p>
        <div className={invalid ? 'field field--invalid' : 'field'}>
          <div className="field__label-row">
            <label className="field__label" htmlFor={`${id}-comment`}>
              {approve ? 'Comment (optional)' : 'Reason'}
            </label>
          </div>
          <textarea
            id={`${id}-comment`}
            className="textarea"
            rows={3}
            maxLength={MAX_DECISION_COMMENT}
            value={comment}
            aria-invalid={invalid ? true : undefined}
            onChange={(event) => {
              setComment(event.target.value);
              setInvalid(null);
            }}
            placeholder={approve ? 'e.g. Validation file reviewed' : 'e.g. Needs a fairness check on age first'}
          />
          {invalid ? (
            <p className="field__error" role="alert">
              {invalid}
            </p>
          ) : null}
        </div>
        {error ? (
          <Alert role="alert" tone="danger">
            <ErrorMessage error={error} />
          </Alert>
        ) : null}
      </div>
    </Dialog>
  );
}
