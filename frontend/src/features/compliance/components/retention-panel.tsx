import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { FileTextIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import type { RetentionPolicyFieldsFragment as Policy } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import { AuditRetentionPolicyQuery, SetAuditRetentionPolicyMutation } from '../api/retention';

import './compliance.css';

const MIN_DAYS = 1;
const MAX_DAYS = 36_500;

/** The change is recorded: the log and the chain status reload after it. */
const RECORDED = { additionalTypenames: ['AuditEvent', 'AuditEventConnection', 'AuditChainStatus', 'AuditRetentionPolicy'] };

function describePolicy(policy: Policy | null | undefined): string {
  if (!policy || policy.detailsDays == null) return 'Event details are kept for ever';
  return `Event details are kept for ${policy.detailsDays} ${policy.detailsDays === 1 ? 'day' : 'days'}`;
}

/** Parses the days field: empty keeps details for ever; otherwise a whole number in range. */
function parseDays(text: string): { days: number | null } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { days: null };
  const days = Number(trimmed);
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) {
    return { problem: `Give a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}, or leave it empty to keep details for ever.` };
  }
  return { days };
}

/** How long audit event details are kept; headers and hashes always stay in the chain. */
export function RetentionPanel() {
  const [{ data, error }, refetch] = useQuery({ query: AuditRetentionPolicyQuery });
  const [{ fetching: saving }, save] = useMutation(SetAuditRetentionPolicyMutation);
  const [days, setDays] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const canManage = usePermissions().has('retention:manage');
  const policy = data?.auditRetentionPolicy;
  const loadError = error && !data ? toAppError(error) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setSaved(null);
    const parsed = parseDays(days);
    if ('problem' in parsed) return setProblem(parsed.problem);
    setProblem(null);
    const result = await save({ detailsDays: parsed.days }, RECORDED);
    if (result.error) return setFailure(toAppError(result.error));
    setSaved(`${describePolicy(result.data?.setAuditRetentionPolicy)}.`);
    setDays('');
    refetch({ requestPolicy: 'network-only' });
  };

  return (
    <Card aria-labelledby="retention-title">
      <CardHeader
        id="retention-title"
        icon={<FileTextIcon size={18} />}
        title="Retention"
        description="How long the details of audit events are kept. Older details are purged by a periodic job; event headers and hashes always stay, so the chain still verifies."
      />
      <CardBody className="compliance-panel">
        {loadError ? (
          <Alert tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'} role="alert" title="The policy could not be loaded">
            <ErrorMessage error={loadError} />
          </Alert>
        ) : !data ? (
          <Spinner size={18} label="Loading the retention policy" />
        ) : (
          <div className="compliance-result">
            <dl aria-label="Retention policy in force">
            <dt>Policy</dt>
            <dd data-testid="retention-policy">{describePolicy(policy)}</dd>
            <dt>Last changed</dt>
            <dd>{policy ? formatDateTime(policy.updatedAt) : 'Never'}</dd>
            <dt>Details purged through</dt>
            <dd>{policy && policy.purgedThroughSeq > 0 ? `seq ${policy.purgedThroughSeq}` : 'None yet'}</dd>
            </dl>
          </div>
        )}
        {canManage ? (
          <form className="compliance-form compliance-form--retention" onSubmit={(event) => void submit(event)} noValidate aria-label="Set the retention policy">
            <Field
              label="Keep event details for (days)"
              type="number"
              inputMode="numeric"
              min={MIN_DAYS}
              max={MAX_DAYS}
              value={days}
              placeholder="Empty: for ever"
              error={problem ?? undefined}
              onChange={(e) => setDays(e.target.value)}
            />
            <Button type="submit" loading={saving}>
              Save policy
            </Button>
          </form>
        ) : null}
        {saved ? (
          <Alert tone="success" role="status" title="Retention policy saved">
            {saved}
          </Alert>
        ) : null}
        {failure ? (
          <Alert tone="danger" role="alert" title="The policy was not saved">
            <ErrorMessage error={failure} />
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}
