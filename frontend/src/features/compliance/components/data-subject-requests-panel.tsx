import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { EyeIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import type {
  DataSubjectRequestFieldsFragment as Request,
  DataSubjectRequestKind,
  DataSubjectRequestStatus,
} from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatCount, formatDateTime } from '@/lib/format';

import {
  ApproveDataSubjectRequestMutation,
  CreateDataSubjectRequestMutation,
  DataSubjectRequestsQuery,
  ExecuteDataSubjectRequestMutation,
  RejectDataSubjectRequestMutation,
} from '../api/privacy';

import './compliance.css';
import './data-subject-requests.css';

const statusTone: Record<DataSubjectRequestStatus, BadgeTone> = {
  PENDING: 'warning',
  APPROVED: 'info',
  REJECTED: 'neutral',
  EXECUTED: 'success',
};

/** Every step is recorded: the audit log and the chain status reload after it. */
const RECORDED = {
  additionalTypenames: ['AuditEvent', 'AuditEventConnection', 'AuditChainStatus', 'DataSubjectRequestConnection'],
};

const kindLabel: Record<DataSubjectRequestKind, string> = { ACCESS: 'Access', ERASURE: 'Erasure' };

type SubjectChoice = 'MEMBER' | 'IDENTIFIER';
type FormErrors = Partial<Record<'email' | 'column' | 'value' | 'reason', string>>;

const MAX_COLUMN = 200;
const MAX_VALUE = 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Our own checks (the form is `noValidate`: no browser popup over our messages). */
function check(choice: SubjectChoice, email: string, column: string, value: string, reason: string): FormErrors {
  const errors: FormErrors = {};
  if (choice === 'MEMBER') {
    if (!email.trim()) errors.email = 'Give the member’s email.';
    else if (!EMAIL.test(email.trim())) errors.email = 'This is not an email address (name@example.com).';
  } else {
    if (!column.trim()) errors.column = 'Give the column that holds the identifier (e.g. customer_id).';
    else if (column.trim().length > MAX_COLUMN) errors.column = `At most ${MAX_COLUMN} characters.`;
    if (!value.trim()) errors.value = 'Give the identifier’s value (e.g. C-10023).';
    else if (value.trim().length > MAX_VALUE) errors.value = `At most ${MAX_VALUE.toLocaleString()} characters.`;
  }
  if (!reason.trim()) errors.reason = 'Give the reason (e.g. the ticket).';
  return errors;
}

function CreateRequestForm({ onCreated }: { onCreated: () => void }) {
  const [kind, setKind] = useState<DataSubjectRequestKind>('ERASURE');
  const [choice, setChoice] = useState<SubjectChoice>('MEMBER');
  const [email, setEmail] = useState('');
  const [column, setColumn] = useState('');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<AppError | null>(null);
  const [{ fetching }, create] = useMutation(CreateDataSubjectRequestMutation);

  /** A change clears the stale messages: the old error no longer describes the form. */
  const edit = (setter: (next: string) => void, field?: keyof FormErrors) => (next: string) => {
    setter(next);
    setFailure(null);
    if (field) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const found = check(choice, email, column, value, reason);
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    const subject =
      choice === 'MEMBER'
        ? { subjectEmail: email.trim() }
        : { identifier: { column: column.trim(), value: value.trim() } };
    const result = await create({ input: { kind, ...subject, reason: reason.trim() } }, RECORDED);
    if (result.error) return setFailure(toAppError(result.error));
    setEmail('');
    setColumn('');
    setValue('');
    setReason('');
    onCreated();
  };

  return (
    <form
      className="compliance-form"
      noValidate
      onSubmit={(event) => void submit(event)}
      aria-label="New data subject request"
    >
      <label className="compliance-select">
        Kind
        <select value={kind} onChange={(e) => edit((v) => setKind(v as DataSubjectRequestKind))(e.target.value)}>
          <option value="ERASURE">Erasure</option>
          <option value="ACCESS">Access</option>
        </select>
      </label>
      <fieldset className="dsr-subject">
        <legend>The person is</legend>
        <label>
          <input
            type="radio"
            name="dsr-subject"
            checked={choice === 'MEMBER'}
            onChange={() => edit((v) => setChoice(v as SubjectChoice))('MEMBER')}
          />{' '}
          a platform member (email)
        </label>
        <label>
          <input
            type="radio"
            name="dsr-subject"
            checked={choice === 'IDENTIFIER'}
            onChange={() => edit((v) => setChoice(v as SubjectChoice))('IDENTIFIER')}
          />{' '}
          a customer identifier (column + value)
        </label>
      </fieldset>
      {choice === 'MEMBER' ? (
        <Field
          label="Person’s email"
          type="email"
          value={email}
          error={errors.email}
          onChange={(e) => edit(setEmail, 'email')(e.target.value)}
        />
      ) : (
        <>
          <Field
            label="Column"
            value={column}
            placeholder="customer_id"
            hint="Matched in every dataset and prediction log, whatever its case."
            error={errors.column}
            onChange={(e) => edit(setColumn, 'column')(e.target.value)}
          />
          <Field
            label="Value"
            value={value}
            placeholder="C-10023"
            hint="Compared as text, spaces around it ignored."
            error={errors.value}
            onChange={(e) => edit(setValue, 'value')(e.target.value)}
          />
        </>
      )}
      <Field
        label="Reason"
        value={reason}
        maxLength={500}
        error={errors.reason}
        onChange={(e) => edit(setReason, 'reason')(e.target.value)}
      />
      <Button type="submit" loading={fetching}>
        File request
      </Button>
      {failure ? (
        <Alert tone="danger" role="alert" title="The request was not filed">
          <ErrorMessage error={failure} />
        </Alert>
      ) : null}
    </form>
  );
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Who the request is about, as the officer reads it. */
function subjectLabel(request: Request): string {
  if (request.subjectKind === 'IDENTIFIER') {
    const column = request.identifierColumn ?? 'identifier';
    return request.identifierValue ? `${column} = ${request.identifierValue}` : `${column} (erased)`;
  }
  return request.subjectEmail ?? `erased subject ${request.subjectId.slice(0, 8)}`;
}

/** What the search found (no values) and the models an erasure leaves to retrain. */
function Matches({ request }: { request: Request }) {
  const matches = request.matches;
  if (!matches) return null;
  const rows = matches.datasets.reduce((sum, d) => sum + d.rows, 0);
  const summary =
    matches.datasets.length === 0 && matches.predictionRows === 0
      ? 'Found nowhere in the datasets or the prediction log.'
      : `Found in ${plural(matches.datasets.length, 'dataset', 'datasets')} (${plural(rows, 'row', 'rows')}) and ${plural(matches.predictionRows, 'prediction-log row', 'prediction-log rows')}.`;
  return (
    <div className="dsr-matches">
      <p>{summary}</p>
      {matches.datasets.length > 0 ? (
        <ul aria-label="Matching datasets">
          {matches.datasets.map((d) => (
            <li key={d.datasetId}>
              {d.name} (version {d.versionNumber}): {plural(d.rows, 'row', 'rows')}
            </li>
          ))}
        </ul>
      ) : null}
      {matches.modelVersions.length > 0 ? (
        <ul aria-label="Matching predictions">
          {matches.modelVersions.map((v) => (
            <li key={v.modelVersionId}>
              {v.model} v{v.version}: {plural(v.rows, 'prediction', 'predictions')}
            </li>
          ))}
        </ul>
      ) : null}
      {request.modelsToRetrain.length > 0 ? (
        <p className="dsr-retrain">
          {request.status === 'EXECUTED' && request.kind === 'ERASURE' ? 'Retrain' : 'Trained on these datasets'}:{' '}
          {request.modelsToRetrain.map((m) => `${m.model} v${m.version}`).join(', ')}
        </p>
      ) : null}
      <p className="muted">Searched {formatDateTime(matches.searchedAt)}</p>
    </div>
  );
}

function RequestRow({
  request,
  viewerId,
  onChanged,
  onError,
}: {
  request: Request;
  viewerId: string | undefined;
  onChanged: () => void;
  onError: (error: AppError) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [showReport, setShowReport] = useState(false);
  const [{ fetching: approving }, approve] = useMutation(ApproveDataSubjectRequestMutation);
  const [{ fetching: rejecting }, reject] = useMutation(RejectDataSubjectRequestMutation);
  const [{ fetching: executing }, execute] = useMutation(ExecuteDataSubjectRequestMutation);
  const mine = request.requestedBy === viewerId;
  const subject = subjectLabel(request);

  const run = async (action: Promise<{ error?: unknown }>) => {
    const result = await action;
    if (result.error) return onError(toAppError(result.error));
    setConfirming(false);
    onChanged();
  };

  return (
    <tr>
      <td>{kindLabel[request.kind]}</td>
      <th scope="row">
        {subject}
        <Matches request={request} />
      </th>
      <td>{request.reason}</td>
      <td>
        <time dateTime={request.createdAt}>{formatDateTime(request.createdAt)}</time>
      </td>
      <td>
        <Badge tone={statusTone[request.status]} dot>
          {request.status.charAt(0) + request.status.slice(1).toLowerCase()}
        </Badge>
      </td>
      <td className="compliance-actions">
        {request.status === 'PENDING' ? (
          mine ? (
            <span className="muted">Awaiting another officer’s approval</span>
          ) : (
            <>
              <Button size="sm" loading={approving} onClick={() => void run(approve({ id: request.id }, RECORDED))}>
                Approve
              </Button>
              <Button variant="ghost" size="sm" loading={rejecting} onClick={() => void run(reject({ id: request.id }, RECORDED))}>
                Reject
              </Button>
            </>
          )
        ) : null}
        {request.status === 'APPROVED' ? (
          confirming ? (
            <>
              <Button variant="danger" size="sm" loading={executing} onClick={() => void run(execute({ id: request.id }, RECORDED))}>
                {request.kind === 'ERASURE' ? 'Confirm erasure' : 'Confirm'}
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </>
          ) : (
            <Button
              variant={request.kind === 'ERASURE' ? 'danger-ghost' : 'secondary'}
              size="sm"
              onClick={() => setConfirming(true)}
            >
              Execute
            </Button>
          )
        ) : null}
        {request.reportJsonUrl && request.reportCsvUrl ? (
          <span className="dsr-downloads">
            Report:{' '}
            <a href={request.reportJsonUrl} download>
              JSON
            </a>{' '}
            <a href={request.reportCsvUrl} download>
              CSV
            </a>
          </span>
        ) : null}
        {request.report ? (
          <>
            <Button variant="ghost" size="sm" onClick={() => setShowReport(!showReport)} aria-expanded={showReport}>
              {showReport ? 'Hide report' : 'Report'}
            </Button>
            {showReport ? <pre className="compliance-details">{JSON.stringify(request.report, null, 2)}</pre> : null}
          </>
        ) : null}
      </td>
    </tr>
  );
}

/** GDPR requests: file, approve (someone else), execute, read the report. */
export function DataSubjectRequestsPanel() {
  const [{ data, error }, refetch] = useQuery({ query: DataSubjectRequestsQuery, variables: { first: 50 } });
  const [failure, setFailure] = useState<AppError | null>(null);
  const reload = () => {
    setFailure(null);
    refetch({ requestPolicy: 'network-only' });
  };
  const requests = data?.dataSubjectRequests.edges.map((edge) => edge.node) ?? [];
  const loadError = error && !data ? toAppError(error) : null;

  return (
    <Card aria-labelledby="dsr-title">
      <CardHeader
        id="dsr-title"
        icon={<EyeIcon size={18} />}
        title="Data subject requests"
        description="Access and erasure requests under GDPR, for platform members (by email) and for customers (by an identifier such as a customer number, searched in every dataset and prediction log). A request is approved by a different officer than the one who filed it. Erasure destroys the person’s audit key and removes a customer’s rows: each dataset gets a new version without them."
      />
      <CardBody className="compliance-panel">
        <CreateRequestForm onCreated={reload} />
        {failure ? (
          <Alert tone="danger" role="alert" title="The request could not be updated">
            <ErrorMessage error={failure} />
          </Alert>
        ) : null}
        {loadError ? (
          <Alert tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'} role="alert" title="Requests could not be loaded">
            <ErrorMessage error={loadError} />
          </Alert>
        ) : !data ? (
          <Spinner size={18} label="Loading requests" />
        ) : requests.length === 0 ? (
          <p className="muted">No requests yet.</p>
        ) : (
          <div className="compliance-scroll">
            <table className="compliance-table">
              <caption className="sr-only">Data subject requests, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Person</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Filed</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {requests.map((request) => (
                  <RequestRow
                    key={request.id}
                    request={request}
                    viewerId={data.viewer.id}
                    onChanged={reload}
                    onError={setFailure}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
