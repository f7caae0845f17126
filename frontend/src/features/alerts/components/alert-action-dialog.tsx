import { useId, useState } from 'react';
import { useMutation } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import type { AlertFieldsFragment } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';

import { ALERTS_CONTEXT, AcknowledgeAlertMutation, ResolveAlertMutation } from '../api/alerts';
import { describeAlert } from '../lib/alerts-format';

export type AlertAction = 'acknowledge' | 'resolve';

/** The server keeps at most this many characters of a comment. */
export const MAX_COMMENT = 1000;

/** Acknowledges or resolves one alert, with an optional comment for the audit trail. */
export function AlertActionDialog({
  alert,
  action,
  onClose,
}: {
  alert: AlertFieldsFragment;
  action: AlertAction;
  onClose: () => void;
}) {
  const id = useId();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [{ fetching: acknowledging }, acknowledge] = useMutation(AcknowledgeAlertMutation);
  const [{ fetching: resolving }, resolve] = useMutation(ResolveAlertMutation);
  const busy = acknowledging || resolving;
  const verb = action === 'acknowledge' ? 'Acknowledge' : 'Resolve';

  const submit = async () => {
    setError(null);
    const variables = { id: alert.id, comment: comment.trim() || null };
    const result =
      action === 'acknowledge' ? await acknowledge(variables, ALERTS_CONTEXT) : await resolve(variables, ALERTS_CONTEXT);
    if (result.error) {
      setError(toAppError(result.error));
      return;
    }
    onClose();
  };

  return (
    <Dialog
      title={`${verb} this alert?`}
      description={describeAlert(alert)}
      onClose={onClose}
      busy={busy}
      size="sm"
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" loading={busy} onClick={() => void submit()}>
            {verb}
          </Button>
        </>
      }
    >
      <div className="stack">
        <p className="muted">
          {action === 'acknowledge'
            ? 'Acknowledging says someone is looking into it; the alert stays until it is resolved.'
            : 'Resolving closes the alert. If the problem is still there, the next breaching window opens a new one.'}
        </p>
        <div className="field">
          <div className="field__label-row">
            <label className="field__label" htmlFor={`${id}-comment`}>
              Comment (optional)
            </label>
          </div>
          <textarea
            id={`${id}-comment`}
            className="input alert-comment"
            rows={3}
            maxLength={MAX_COMMENT}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            placeholder={action === 'acknowledge' ? 'e.g. Looking into the upstream feed' : 'e.g. Upstream fixed; retrained as v4'}
          />
          <p className="field__hint">Recorded with the alert and in the audit log.</p>
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
