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
import { formatRelative } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import {
  AuditPurgeHistoryQuery,
  AuditRetentionPolicyQuery,
  PredictionLogRetentionQuery,
  SetAuditRetentionPolicyMutation,
  SetPredictionLogRetentionMutation,
} from '../api/retention';
import { formatZoned } from '../lib/audit-format';

import './compliance.css';

const MIN_DAYS = 1;
const MAX_DAYS = 36_500;

/** The change is recorded: the log and the chain status reload after it. */
const RECORDED = { additionalTypenames: ['AuditEvent', 'AuditEventConnection', 'AuditChainStatus', 'AuditRetentionPolicy'] };
const MAX_LOG_DAYS = 3650;

/** "every 15 minutes", "every 2 hours". */
function describeInterval(seconds: number): string {
  const [size, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return size === 1 ? `every ${unit}` : `every ${size} ${unit}s`;
}

/** When purges ran and what they removed; when the job runs next. */
function PurgeHistory() {
  const [{ data, error }] = useQuery({ query: AuditPurgeHistoryQuery, requestPolicy: 'cache-and-network' });
  const [openedAt] = useState(() => Date.now());
  if (error && !data) {
    return (
      <Alert tone="danger" role="alert" title="The purge history could not be loaded">
        <ErrorMessage error={toAppError(error)} />
      </Alert>
    );
  }
  if (!data) return <Spinner size={18} label="Loading the purge history" />;
  const schedule = data.auditRetentionSchedule;
  const purges = data.auditPurgeHistory;
  const overdue = schedule.nextRunAt && new Date(schedule.nextRunAt).getTime() < openedAt - 60_000;
  return (
    <section className="retention-section" aria-labelledby="purge-history-title">
      <h3 id="purge-history-title" className="retention-heading">
        Purges
      </h3>
      <div className="compliance-result">
        <dl aria-label="Purge schedule">
          <dt>Runs</dt>
          <dd>Automatically, {describeInterval(schedule.intervalSeconds)}</dd>
          <dt>Last run</dt>
          <dd data-testid="retention-last-run">
            {schedule.lastRunAt ? formatZoned(schedule.lastRunAt) : 'No run recorded yet (is a worker running?)'}
          </dd>
          <dt>Next run</dt>
          <dd data-testid="retention-next-run">
            {schedule.nextRunAt
              ? overdue
                ? `Was due ${formatZoned(schedule.nextRunAt)}: check that a worker is running`
                : `${formatZoned(schedule.nextRunAt)} (${formatRelative(schedule.nextRunAt)})`
              : 'Within one interval of a worker starting'}
          </dd>
        </dl>
      </div>
      {purges.length === 0 ? (
        <p className="muted">Nothing has been purged yet. Purges happen once details are older than the policy allows.</p>
      ) : (
        <div className="compliance-scroll">
          <table className="compliance-table">
            <caption className="sr-only">Purges, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Details removed</th>
                <th scope="col">Older than</th>
                <th scope="col">Policy applied</th>
              </tr>
            </thead>
            <tbody>
              {purges.map((purge) => (
                <tr key={purge.throughSeq}>
                  <td>
                    <time className="audit-time" dateTime={purge.at}>
                      {formatZoned(purge.at)}
                    </time>
                  </td>
                  <td>
                    {purge.purged == null ? '—' : `${purge.purged.toLocaleString()} event${purge.purged === 1 ? '' : 's'}`}
                    <span className="muted"> (up to event {purge.throughSeq})</span>
                  </td>
                  <td>
                    <span className="audit-time">{formatZoned(purge.cutoff)}</span>
                  </td>
                  <td>{purge.detailsDays == null ? '—' : `${purge.detailsDays} days`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** How long raw scored rows are kept (retention:manage reads and sets it). */
function PredictionLogRetention() {
  const [{ data, error }] = useQuery({ query: PredictionLogRetentionQuery });
  const [{ fetching: saving }, save] = useMutation(SetPredictionLogRetentionMutation);
  const [days, setDays] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);
  const current = data?.predictionLogRetention;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const trimmed = days.trim();
    const value = trimmed === '' ? null : Number(trimmed);
    if (value !== null && (!Number.isInteger(value) || value < 1 || value > MAX_LOG_DAYS)) {
      return setProblem(`Give a whole number of days from 1 to ${MAX_LOG_DAYS}, or leave it empty for the default.`);
    }
    setProblem(null);
    const result = await save({ days: value });
    if (result.error) return setFailure(toAppError(result.error));
    setDays('');
  };

  return (
    <section className="retention-section" aria-labelledby="prediction-log-title">
      <h3 id="prediction-log-title" className="retention-heading">
        Prediction logs
      </h3>
      {error && !data ? (
        <Alert tone="danger" role="alert" title="The prediction log policy could not be loaded">
          <ErrorMessage error={toAppError(error)} />
        </Alert>
      ) : !current ? (
        <Spinner size={18} label="Loading the prediction log policy" />
      ) : (
        <p data-testid="prediction-log-retention">
          Scored rows are kept for {current.days} {current.days === 1 ? 'day' : 'days'}
          {current.days === current.defaultDays ? ' (the default)' : ` (default: ${current.defaultDays})`}; totals, drift and outcomes are kept
          either way.
        </p>
      )}
      <form className="compliance-form compliance-form--retention" onSubmit={(event) => void submit(event)} noValidate aria-label="Set the prediction log retention">
        <Field
          label="Keep scored rows for (days)"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_LOG_DAYS}
          value={days}
          placeholder="Empty: the default"
          error={problem ?? undefined}
          onChange={(e) => setDays(e.target.value)}
        />
        <Button type="submit" loading={saving}>
          Save
        </Button>
      </form>
      {failure ? (
        <Alert tone="danger" role="alert" title="The prediction log policy was not saved">
          <ErrorMessage error={failure} />
        </Alert>
      ) : null}
    </section>
  );
}

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
            <dd>{policy ? formatZoned(policy.updatedAt) : 'Never'}</dd>
            <dt>Details purged through</dt>
            <dd>{policy && policy.purgedThroughSeq > 0 ? `event ${policy.purgedThroughSeq}` : 'None yet'}</dd>
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
        {loadError ? null : <PurgeHistory />}
        {canManage ? <PredictionLogRetention /> : null}
      </CardBody>
    </Card>
  );
}
