import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { LockIcon } from '@/components/ui/icons';
import { paths } from '@/config/paths';
import type { ModelStage } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { usePermissions } from '@/lib/permissions';

import {
  APPROVALS_CONTEXT,
  ModelVersionApprovalsQuery,
  PromotionPolicyQuery,
  RequestPromotionMutation,
  VersionServingThresholdQuery,
} from '../../api/approvals';
import { SetServingThresholdMutation, VALUE_CONTEXT } from '../../api/value';
import { isExpired, isThresholdChange, MAX_JUSTIFICATION, needsApproval } from '../../lib/approvals-format';
import { STAGE_LABEL } from '../../lib/models-format';
import { formatThreshold, type ModelValue } from '../../lib/value-format';

function refusal(error: AppError | null, title: string) {
  return error ? (
    <Alert role="alert" tone="danger" title={title}>
      <ErrorMessage error={error} />
    </Alert>
  ) : null;
}

/** The direct change: the version's stage is not gated by the organization's policy. */
function SetThresholdDialog({ value, chosen, onClose, onConflict }: {
  value: ModelValue;
  chosen: number;
  onClose: () => void;
  /** The policy changed since it was read: ask for it again. */
  onConflict: () => void;
}) {
  const [error, setError] = useState<AppError | null>(null);
  const [{ fetching }, setThreshold] = useMutation(SetServingThresholdMutation);

  async function apply() {
    setError(null);
    const result = await setThreshold({ modelVersionId: value.modelVersionId, threshold: chosen }, VALUE_CONTEXT);
    if (!result.error) return onClose();
    const appError = toAppError(result.error);
    setError(appError);
    if (appError.code === 'CONFLICT') onConflict();
  }

  return (
    <ConfirmDialog
      title={`Use threshold ${formatThreshold(chosen)} for serving?`}
      confirmLabel="Use this threshold"
      tone="primary"
      loading={fetching}
      onConfirm={() => void apply()}
      onCancel={onClose}
      error={refusal(error, 'The threshold was not changed')}
    >
      From the next call, predict (API and batch) answers the positive class when its probability is above{' '}
      {formatThreshold(chosen)}. The probabilities do not change. The change is recorded in the audit log.
    </ConfirmDialog>
  );
}

/**
 * The gated change: the stage the version is in needs a second person's approval, so the
 * threshold goes through requestPromotion for that same stage; approving applies it.
 */
function RequestThresholdDialog({ versionId, stage, chosen, onClose }: {
  versionId: string;
  stage: ModelStage;
  chosen: number;
  onClose: () => void;
}) {
  const id = useId();
  const [justification, setJustification] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [{ fetching }, request] = useMutation(RequestPromotionMutation);
  const stageName = STAGE_LABEL[stage].toLowerCase();

  async function submit() {
    const text = justification.trim();
    if (!text || text.length > MAX_JUSTIFICATION) {
      setInvalid(
        text
          ? `At most ${MAX_JUSTIFICATION.toLocaleString()} characters.`
          : 'Say why predictions should use this threshold: the approver reads it before deciding.',
      );
      return;
    }
    setInvalid(null);
    setError(null);
    const result = await request(
      { input: { modelVersionId: versionId, stage, justification: text, servingThreshold: chosen } },
      APPROVALS_CONTEXT,
    );
    if (result.error || !result.data?.requestPromotion) {
      setError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The request could not be sent.' });
      return;
    }
    onClose();
  }

  return (
    <Dialog
      title={`Request threshold ${formatThreshold(chosen)} for serving`}
      description={`Your organization's policy: the serving threshold of a version in ${stageName} changes only when a second person approves it.`}
      onClose={onClose}
      busy={fetching}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={fetching}>
            Cancel
          </Button>
          <Button variant="primary" loading={fetching} onClick={() => void submit()}>
            Request the change
          </Button>
        </>
      }
    >
      <div className="stack">
        <p className="muted">
          Once approved, predict (API and batch) answers the positive class when its probability is above{' '}
          {formatThreshold(chosen)}; the version stays in {stageName}.
        </p>
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
            placeholder="e.g. The best threshold by value: 1,200 EUR a month more on the holdout."
          />
          {invalid ? (
            <p className="field__error" role="alert">
              {invalid}
            </p>
          ) : null}
          <p className="field__hint" id={`${id}-hint`}>
            Up to {MAX_JUSTIFICATION.toLocaleString()} characters. You cannot approve your own request; it is recorded in
            the audit log.
          </p>
        </div>
        {refusal(error, 'The change was not requested')}
      </div>
    </Dialog>
  );
}

/**
 * What predictions use now and the way to change it: directly, or, where the organization's
 * policy gates the version's stage, a request someone else approves (one at a time).
 */
export function ServingThreshold({
  value,
  chosen,
  stage,
}: {
  value: ModelValue;
  chosen: number;
  stage: ModelStage;
}) {
  const permissions = usePermissions();
  const canPromote = permissions.has('models:promote');
  const [open, setOpen] = useState<'set' | 'request' | null>(null); // the way, as it was when opened
  const [{ data: policyData }, refetchPolicy] = useQuery({ query: PromotionPolicyQuery, pause: !canPromote });
  const [{ data: approvalsData }] = useQuery({
    query: ModelVersionApprovalsQuery,
    variables: { id: value.modelVersionId },
    context: APPROVALS_CONTEXT,
    pause: !canPromote,
  });
  const policy = policyData?.promotionPolicy;
  const gated = policy ? needsApproval(policy, stage) : null;
  const pending = (approvalsData?.modelVersion?.approvals ?? []).find(
    (request) => request.status === 'PENDING' && !isExpired(request) && request.stage === stage && isThresholdChange(request),
  );
  // what predict applies (set, else the engine's); the version says whether one was set
  const serving = value.servingThreshold;
  const [{ data: versionData }] = useQuery({
    query: VersionServingThresholdQuery,
    variables: { id: value.modelVersionId },
    context: VALUE_CONTEXT,
  });
  const set = versionData?.modelVersion ? versionData.modelVersion.servingThreshold !== null : null;
  const same = serving !== null && serving !== undefined && Math.abs(serving - chosen) < 1e-9;

  let action: ReactNode;
  if (!canPromote) {
    action = (
      <p className="muted value-serving__why" data-testid="serving-no-permission">
        <LockIcon size={14} /> Only someone with the models:promote permission can change the serving threshold.
      </p>
    );
  } else if (gated === null) {
    action = null; // until the policy is known, offer neither way
  } else if (pending) {
    action = (
      <p className="value-serving__why" data-testid="serving-threshold-pending" role="status">
        Threshold {formatThreshold(pending.servingThreshold)} awaiting approval by someone else.{' '}
        <Link to={paths.app.approvals.getHref()}>See Approvals</Link>
      </p>
    );
  } else {
    action = (
      <Button variant="primary" disabled={same} onClick={() => setOpen(gated ? 'request' : 'set')} title={same ? 'Predictions already use it' : undefined}>
        {gated ? `Request threshold ${formatThreshold(chosen)}` : `Use ${formatThreshold(chosen)} for serving`}
      </Button>
    );
  }

  return (
    <div className="value-serving">
      <p className="value-serving__now" data-testid="serving-threshold">
        Predictions use threshold <strong>{formatThreshold(serving)}</strong>
        {set === null ? '' : set ? ' (set for serving)' : " (the engine's own; none set yet)"}.
        {gated ? (
          <span className="muted value-serving__policy">
            {' '}
            In {STAGE_LABEL[stage].toLowerCase()}, a change needs a second person&apos;s approval.
          </span>
        ) : null}
      </p>
      {action}
      {open === 'request' ? (
        <RequestThresholdDialog versionId={value.modelVersionId} stage={stage} chosen={chosen} onClose={() => setOpen(null)} />
      ) : open === 'set' ? (
        <SetThresholdDialog
          value={value}
          chosen={chosen}
          onClose={() => setOpen(null)}
          onConflict={() => refetchPolicy({ requestPolicy: 'network-only' })}
        />
      ) : null}
    </div>
  );
}
