import { useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { KeyIcon, RefreshIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { toAppError, type AppError } from '@/lib/errors';
import { formatDate, formatDateTime, formatRelative } from '@/lib/format';
import type { ApiTokenFieldsFragment } from '@/gql/graphql';

import { AdminApiTokensQuery, RevokeApiTokenMutation } from '../api/api-tokens';
import { statusLabel, statusTone, tokenStatus } from '../lib/token-status';
import { CreateApiTokenForm, type CreatedToken } from './create-api-token-form';
import { ScopeList } from './scope-picker';
import { TokenSecret } from './token-secret';

import './admin.css';

const PAGE_SIZE = 25;
/** The server's largest page (`first` is 1..100). */
const MAX_PAGE_SIZE = 100;

function RelativeDate({ value, empty }: { value: string | null; empty: string }) {
  if (!value) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelative(value)}
    </time>
  );
}

function TokenRow({
  token,
  confirming,
  revoking,
  onAskRevoke,
  onCancelRevoke,
  onConfirmRevoke,
}: {
  token: ApiTokenFieldsFragment;
  confirming: boolean;
  revoking: boolean;
  onAskRevoke: () => void;
  onCancelRevoke: () => void;
  onConfirmRevoke: () => void;
}) {
  const status = tokenStatus(token);
  return (
    <tr className={status === 'active' ? undefined : 'token-table__row--inactive'}>
      <th scope="row" className="token-table__name">
        <span className="token-name">
          <span>{token.name}</span>
          <code className="token-table__prefix">{token.prefix}…</code>
        </span>
      </th>
      <td>
        <ScopeList scopes={token.scopes} max={2} />
      </td>
      <td>
        <time dateTime={token.createdAt} title={formatDateTime(token.createdAt)}>
          {formatDate(token.createdAt)}
        </time>
      </td>
      <td>
        {token.expiresAt ? (
          <span className="token-table__stacked">
            <time dateTime={token.expiresAt} title={formatDateTime(token.expiresAt)}>
              {formatDate(token.expiresAt)}
            </time>
            {status === 'active' ? <span className="muted">{formatRelative(token.expiresAt)}</span> : null}
          </span>
        ) : (
          <span className="muted">Never</span>
        )}
      </td>
      <td>
        <RelativeDate value={token.lastUsedAt} empty="Never used" />
      </td>
      <td>
        <Badge tone={statusTone[status]} dot>
          {statusLabel[status]}
        </Badge>
      </td>
      <td className="token-table__actions">
        {status !== 'active' ? null : confirming ? (
          <span className="token-table__confirm">
            <Button variant="danger" size="sm" loading={revoking} onClick={onConfirmRevoke}>
              Confirm revoke
            </Button>
            <Button variant="ghost" size="sm" onClick={onCancelRevoke} disabled={revoking}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button variant="danger-ghost" size="sm" onClick={onAskRevoke} aria-label={`Revoke ${token.name}`}>
            Revoke
          </Button>
        )}
      </td>
    </tr>
  );
}

/** Lists the viewer's API tokens and lets them create and revoke tokens. */
export function ApiTokensPanel() {
  const [first, setFirst] = useState(PAGE_SIZE);
  const [{ data, fetching, error, stale }, refetch] = useQuery({
    query: AdminApiTokensQuery,
    variables: { first },
  });
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<AppError | null>(null);
  const [{ fetching: revoking }, revokeToken] = useMutation(RevokeApiTokenMutation);

  const connection = data?.viewer.apiTokens;
  const tokens = connection?.edges.map((edge) => edge.node) ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const handleCreated = (next: CreatedToken) => {
    setCreated(next);
    reload();
  };

  const handleRevoke = async (id: string) => {
    setRevokeError(null);
    const result = await revokeToken({ id });
    if (result.error) {
      setRevokeError(toAppError(result.error));
      return;
    }
    setConfirmingId(null);
    reload();
  };

  const loadError = error && !data ? toAppError(error) : null;

  return (
    <Card aria-labelledby="api-tokens-title">
      <CardHeader
        id="api-tokens-title"
        icon={<KeyIcon size={18} />}
        title="API tokens"
        description="Tokens let scripts, notebooks and CI pipelines call the Phantom API as you. Treat them like passwords."
        actions={
          <Button
            variant="ghost"
            size="sm"
            icon={fetching || stale ? <Spinner size={14} /> : <RefreshIcon size={15} />}
            onClick={reload}
            disabled={fetching}
          >
            Refresh
          </Button>
        }
      />
      <CardBody className="token-panel">
        {created ? (
          <TokenSecret created={created} onDismiss={() => setCreated(null)} />
        ) : (
          <CreateApiTokenForm onCreated={handleCreated} />
        )}

        {revokeError ? (
          <Alert tone="danger" role="alert" title="The token could not be revoked">
            <ErrorMessage error={revokeError} />
          </Alert>
        ) : null}

        {loadError ? (
          <LoadErrorAlert error={loadError} forbiddenTitle={'You cannot view API tokens'} title={'API tokens could not be loaded'} />
        ) : !connection ? (
          <div className="token-panel__loading">
            <Spinner size={18} label="Loading API tokens" />
          </div>
        ) : tokens.length === 0 ? (
          <div className="token-panel__empty">
            <p className="token-panel__empty-title">No API tokens yet</p>
            <p className="muted">Tokens you create appear here with their status and when they were last used.</p>
          </div>
        ) : (
          <>
            <div className="table-scroll">
              <table className="token-table">
                <caption className="sr-only">Your API tokens</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((token) => (
                    <TokenRow
                      key={token.id}
                      token={token}
                      confirming={confirmingId === token.id}
                      revoking={revoking && confirmingId === token.id}
                      onAskRevoke={() => {
                        setRevokeError(null);
                        setConfirmingId(token.id);
                      }}
                      onCancelRevoke={() => setConfirmingId(null)}
                      onConfirmRevoke={() => void handleRevoke(token.id)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            <div className="token-panel__footer">
              <span className="muted">
                Showing {tokens.length} of {connection.totalCount} token{connection.totalCount === 1 ? '' : 's'}
              </span>
              {connection.pageInfo.hasNextPage && first < MAX_PAGE_SIZE ? (
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => setFirst((n) => Math.min(n + PAGE_SIZE, MAX_PAGE_SIZE))}
                  loading={fetching}
                >
                  Show more
                </Button>
              ) : connection.pageInfo.hasNextPage ? (
                <span className="muted">Revoke unused tokens to see older ones.</span>
              ) : null}
            </div>
          </>
        )}
      </CardBody>
    </Card>
  );
}
