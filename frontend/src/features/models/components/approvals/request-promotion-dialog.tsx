import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { paths } from '@/config/paths';
import type { ModelStage } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';

import { APPROVALS_CONTEXT, RequestPromotionMutation } from '../../api/approvals';
import { formatHours, MAX_JUSTIFICATION } from '../../lib/approvals-format';
import { STAGE_LABEL } from '../../lib/models-format';

/**
 * Asks a second person to promote a version: the tenant's policy says this stage needs an
 * approval, so the justification is what the approver reads before deciding.
 */
export function RequestPromotionDialog({
  version,
  stage,
  ttlHours,
  onClose,
}: {
  version: { id: string; modelName: string; version: number };
  stage: ModelStage;
  ttlHours: number | null;
  onClose: () => void;
}) {
  const id = useId();
  const [justification, setJustification] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [sent, setSent] = useState(false);
  const [{ fetching }, request] = useMutation(RequestPromotionMutation);
  const name = `${version.modelName} v${version.version}`;
  const stageName = STAGE_LABEL[stage].toLowerCase();

  const submit = async () => {
    const text = justification.trim();
    if (!text) {
      setInvalid('Say why this version should go to ' + stageName + ': the approver reads it before deciding.');
      return;
    }
    setInvalid(null);
    setError(null);
    const result = await request({ input: { modelVersionId: version.id, stage, justification: text } }, APPROVALS_CONTEXT);
    if (result.error || !result.data?.requestPromotion) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The request could not be sent.' });
      return;
    }
    setSent(true);
  };

  if (sent) {
    return (
      <Dialog
        title="Promotion requested"
        onClose={onClose}
        size="sm"
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <div className="stack">
          <p role="status">
            {name} goes to {stageName} once someone else who may approve promotions approves it.
          </p>
          <p className="muted">
            They see it under <Link to={paths.app.approvals.getHref()}>Approvals</Link>
            {ttlHours ? `; undecided after ${formatHours(ttlHours)}, the request expires` : ''}.
          </p>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      title={`Request promotion of ${name} to ${stageName}`}
      description={`Your organization's policy: a version goes to ${stageName} only when a second person approves it.`}
      onClose={onClose}
      busy={fetching}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={fetching}>
            Cancel
          </Button>
          <Button variant="primary" loading={fetching} onClick={() => void submit()}>
            Request promotion
          </Button>
        </>
      }
    >
      <div className="stack">
        <div className={invalid ? 'field field--invalid' : 'field'}>
          <div className="field__label-row">
            <label className="field__label" htmlFor={`${id}-justification`}>
              Justification
            </label>
          </div>
          <textarea
            id={`${id}-justification`}
            className="textarea"
            rows={4}
            maxLength={MAX_JUSTIFICATION}
            value={justification}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={`${id}-hint`}
            onChange={(event) => {
              setJustification(event.target.value);
              setInvalid(null);
            }}
            placeholder="e.g. Beats v2 on holdout AUC (0.91 vs 0.88); fairness report shows no flagged attribute."
          />
          {invalid ? (
            <p className="field__error" role="alert">
              {invalid}
            </p>
          ) : null}
          <p className="field__hint" id={`${id}-hint`}>
            Up to {MAX_JUSTIFICATION.toLocaleString()} characters. You cannot approve your own request; it is recorded in the
            audit log{ttlHours ? ` and expires after ${formatHours(ttlHours)}` : ''}.
          </p>
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
