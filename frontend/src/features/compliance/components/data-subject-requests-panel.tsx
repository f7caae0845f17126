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
import { formatDateTime } from '@/lib/format';

import {
  ApproveDataSubjectRequestMutation,
  CreateDataSubjectRequestMutation,
  DataSubjectRequestsQuery,
  ExecuteDataSubjectRequestMutation,
  RejectDataSubjectRequestMutation,
} from '../api/privacy';

import './compliance.css';

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

function CreateRequestForm({ onCreated }: { onCreated: () => void }) {
  const [kind, setKind] = useState<DataSubjectRequestKind>('ERASURE');
  const [email, setEmail] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);
  const [{ fetching }, create] = useMutation(CreateDataSubjectRequestMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    if (!email.trim() || !reason.trim()) return setProblem('Give the person’s email and the reason (e.g. the ticket).');
    setProblem(null);
    const result = await create({ input: { kind, subjectEmail: email.trim(), reason: reason.trim() } }, RECORDED);
    if (result.error) return setFailure(toAppError(result.error));
    setEmail('');
    setReason('');
    onCreated();
  };

  return (
    <form className="compliance-form" onSubmit={(event) => void submit(event)} aria-label="New data subject request">
      <label className="compliance-select">
        Kind
        <select value={kind} onChange={(e) => setKind(e.target.value as DataSubjectRequestKind)}>
          <option value="ERASURE">Erasure</option>
          <option value="ACCESS">Access</option>
        </select>
      </label>
      <Field label="Person’s email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      <Field label="Reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      <Button type="submit" loading={fetching}>
        File request
      </Button>
      {problem ? <p className="field__error">{problem}</p> : null}
      {failure ? (
        <Alert tone="danger" role="alert" title="The request was not filed">
          <ErrorMessage error={failure} />
        </Alert>
      ) : null}
    </form>
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
  const subject = request.subjectEmail ?? `erased subject ${request.subjectId.slice(0, 8)}`;

  const run = async (action: Promise<{ error?: unknown }>) => {
    const result = await action;
    if (result.error) return onError(toAppError(result.error));
    setConfirming(false);
    onChanged();
  };

  return (
    <tr>
      <td>{kindLabel[request.kind]}</td>
      <th scope="row">{subject}</th>
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
        description="Access and erasure requests under GDPR. A request is approved by a different officer than the one who filed it. Erasure destroys the person’s audit key: their personal data becomes unreadable while the chain still verifies."
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
