import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { StampIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import type { PromotionPolicyFieldsFragment as Policy } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import { AdminPromotionPolicyQuery, PROMOTION_POLICY_CONTEXT, SetPromotionPolicyMutation } from '../api/promotion-policy';

import './admin.css';

const MAX_TTL_HOURS = 2160;

type Draft = { production: boolean; staging: boolean; ttl: string };

function draftOf(policy: Policy): Draft {
  return {
    production: policy.productionRequiresApproval,
    staging: policy.stagingRequiresApproval,
    ttl: policy.isDefault ? '' : String(policy.requestTtlHours),
  };
}

function parseTtl(text: string): { hours: number | null } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { hours: null };
  const hours = Number(trimmed);
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_TTL_HOURS) {
    return { problem: `Give a whole number of hours from 1 to ${MAX_TTL_HOURS.toLocaleString()}, or leave it empty for the default.` };
  }
  return { hours };
}

function PolicyForm({ policy }: { policy: Policy }) {
  const canManage = usePermissions().has('promotion_policy:manage');
  const [draft, setDraft] = useState<Draft>(() => draftOf(policy));
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [{ fetching }, save] = useMutation(SetPromotionPolicyMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setSaved(false);
    const ttl = parseTtl(draft.ttl);
    if ('problem' in ttl) return setProblem(ttl.problem);
    setProblem(null);
    const result = await save(
      {
        input: {
          productionRequiresApproval: draft.production,
          stagingRequiresApproval: draft.staging,
          requestTtlHours: ttl.hours,
        },
      },
      PROMOTION_POLICY_CONTEXT,
    );
    if (result.error) return setFailure(toAppError(result.error));
    setSaved(true);
  };

  return (
    <form className="stack" onSubmit={(event) => void submit(event)} noValidate aria-label="Promotion policy">
      {!draft.production ? (
        <Alert tone="warning" title="One person can put a model in production">
          Without approval, anyone who may promote models moves a version to production alone. Regulated use usually needs a
          second person.
        </Alert>
      ) : null}
      {[
        {
          key: 'production' as const,
          label: 'Production needs approval',
          description: 'Promoting to production goes through a request that someone else holding models:approve decides.',
        },
        {
          key: 'staging' as const,
          label: 'Staging needs approval',
          description: 'The same for staging. Archiving never waits: taking a model out of service must stay quick.',
        },
      ].map((choice) => (
        <label className="switch" key={choice.key}>
          <input
            type="checkbox"
            role="switch"
            checked={draft[choice.key]}
            disabled={!canManage}
            onChange={(event) => {
              const checked = event.target.checked;
              setDraft((previous) => ({ ...previous, [choice.key]: checked }));
              setSaved(false);
            }}
          />
          <span className="checkbox__text">
            <span className="checkbox__label">{choice.label}</span>
            <span className="checkbox__description">{choice.description}</span>
          </span>
        </label>
      ))}
      <Field
        label="A request expires after (hours)"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_TTL_HOURS}
        value={draft.ttl}
        placeholder={`Empty: the default (${policy.isDefault ? policy.requestTtlHours : 'set by the deployment'})`}
        disabled={!canManage}
        error={problem ?? undefined}
        hint="Undecided by then, a request expires and has to be made again."
        onChange={(event) => {
          setDraft((previous) => ({ ...previous, ttl: event.target.value }));
          setSaved(false);
        }}
      />
      {canManage ? (
        <div>
          <Button type="submit" loading={fetching}>
            Save policy
          </Button>
        </div>
      ) : (
        <p className="muted">Changing the policy needs promotion_policy:manage (owners and compliance officers).</p>
      )}
      {saved ? (
        <Alert tone="success" role="status" title="Promotion policy saved">
          The change is recorded in the audit log.
        </Alert>
      ) : null}
      {failure ? (
        <Alert tone="danger" role="alert" title="The policy was not saved">
          <ErrorMessage error={failure} />
        </Alert>
      ) : null}
    </form>
  );
}

/** Admin › Approvals: which stages need a second person's approval, and how long requests wait. */
export function PromotionPolicyPanel() {
  const [{ data, error }] = useQuery({ query: AdminPromotionPolicyQuery, context: PROMOTION_POLICY_CONTEXT });
  const policy = data?.promotionPolicy;
  const loadError = error && !data ? toAppError(error) : null;
  return (
    <Card aria-labelledby="promotion-policy-title">
      <CardHeader
        id="promotion-policy-title"
        icon={<StampIcon size={18} />}
        title="Promotion policy"
        description={
          policy
            ? policy.isDefault
              ? 'The default policy: your organization has not set its own.'
              : `Set ${formatDateTime(policy.updatedAt)}.`
            : 'Which stages need a second person’s approval.'
        }
      />
      <CardBody>
        {loadError ? (
          <Alert tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'} role="alert" title="The policy could not be loaded">
            <ErrorMessage error={loadError} />
          </Alert>
        ) : !policy ? (
          <Spinner size={18} label="Loading the promotion policy" />
        ) : (
          <PolicyForm policy={policy} />
        )}
      </CardBody>
    </Card>
  );
}
