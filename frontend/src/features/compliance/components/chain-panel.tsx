import { useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { LockIcon } from '@/components/ui/icons';
import type { CheckpointFieldsFragment, VerifyAuditChainMutation as Verification } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';

import { AuditChainQuery, ExportAuditLogMutation, VerifyAuditChainMutation } from '../api/audit';
import { formatZoned } from '../lib/audit-format';

import './compliance.css';

function Checkpoint({ checkpoint }: { checkpoint: CheckpointFieldsFragment | null | undefined }) {
  if (!checkpoint) return <dd className="muted">None yet</dd>;
  return (
    <dd>
      seq {checkpoint.seq}, signed {formatZoned(checkpoint.signedAt)} with key <code>{checkpoint.keyId}</code>
    </dd>
  );
}

function VerificationResult({ result }: { result: Verification['verifyAuditChain'] }) {
  if (result.ok) {
    return (
      <Alert tone="success" role="status" title={`Chain intact: ${result.events} events verified`}>
        <dl>
          <dt>Signed checkpoint reached</dt>
          <Checkpoint checkpoint={result.checkpoint} />
        </dl>
      </Alert>
    );
  }
  return (
    <Alert tone="danger" role="alert" title={`Chain broken at seq ${result.firstBadSeq ?? '?'}`}>
      <dl>
        <dt>Reason</dt>
        <dd>{result.reason}</dd>
        <dt>Last good checkpoint</dt>
        <Checkpoint checkpoint={result.checkpoint} />
      </dl>
    </Alert>
  );
}

/** Both runs are recorded, so the log and the chain status reload after them. */
const RECORDED = { additionalTypenames: ['AuditEvent', 'AuditEventConnection', 'AuditChainStatus'] };

/** Saves text as a file through a temporary object URL. */
function download(filename: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

/** Verifies the chain (the run is itself recorded) and exports it with its proofs. */
export function ChainPanel() {
  const [{ data }] = useQuery({ query: AuditChainQuery });
  const [{ fetching: verifying }, verify] = useMutation(VerifyAuditChainMutation);
  const [{ fetching: exporting }, exportLog] = useMutation(ExportAuditLogMutation);
  const [result, setResult] = useState<Verification['verifyAuditChain'] | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);
  const chain = data?.auditChain;

  const runVerify = async () => {
    setFailure(null);
    const response = await verify({}, RECORDED);
    if (response.error) return setFailure(toAppError(response.error));
    setResult(response.data?.verifyAuditChain ?? null);
  };

  const runExport = async () => {
    setFailure(null);
    const response = await exportLog({ input: { fromSeq: 1 } }, RECORDED);
    const file = response.data?.exportAuditLog;
    if (response.error || !file) return setFailure(toAppError(response.error));
    download(file.filename, file.content);
    setExported(
      `Exported ${file.events} events (seq ${file.fromSeq}–${file.toSeq}) to ${file.filename}, ending on the checkpoint signed at seq ${file.checkpoint?.seq ?? '?'}.`,
    );
  };

  return (
    <Card aria-labelledby="audit-chain-title">
      <CardHeader
        id="audit-chain-title"
        icon={<LockIcon size={18} />}
        title="Integrity"
        description="Each event is hash-chained to the one before; the chain head is signed (Ed25519) at least hourly and at every export. Auditors verify an export offline with the standalone verifier."
        actions={
          <span className="compliance-actions">
            <Button size="sm" loading={verifying} onClick={() => void runVerify()}>
              Verify chain
            </Button>
            <Button variant="secondary" size="sm" loading={exporting} onClick={() => void runExport()}>
              Export
            </Button>
          </span>
        }
      />
      <CardBody className="compliance-result">
        <dl>
          <dt>Events</dt>
          <dd>{chain ? chain.events : '…'}</dd>
          <dt>Latest checkpoint</dt>
          <Checkpoint checkpoint={chain?.latestCheckpoint} />
          <dt>Signing key ids</dt>
          <dd>{chain?.signingKeyIds.length ? chain.signingKeyIds.map((k) => <code key={k}>{k} </code>) : '—'}</dd>
        </dl>
        {result ? <VerificationResult result={result} /> : null}
        {exported ? (
          <Alert tone="info" role="status" title="Export ready">
            {exported}
          </Alert>
        ) : null}
        {failure ? (
          <Alert tone="danger" role="alert" title="That did not work">
            <ErrorMessage error={failure} />
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}
