import { useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { LockIcon, RefreshIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { toAppError, type AppError } from '@/lib/errors';
import { formatDate, formatDateTime } from '@/lib/format';
import type { OrgApiTokensQuery as OrgApiTokensData } from '@/gql/graphql';

import { OrgApiTokensQuery, RevokeApiTokenMutation } from '../api/api-tokens';
import { RelativeTime } from './relative-time';
import { ScopeList } from './scope-picker';
import { statusLabel, statusTone, tokenStatus } from './token-status';

import './admin.css';

const PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
const TOKEN_CONTEXT = { additionalTypenames: ['ApiToken'] };

type OrgToken = OrgApiTokensData['apiTokens']['edges'][number]['node'];

/** Every API token of the organization (tokens:manage), with revoke. */
export function OrgTokensPanel() {
  const [first, setFirst] = useState(PAGE_SIZE);
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [{ data, fetching, error, stale }, refetch] = useQuery({
    query: OrgApiTokensQuery,
    variables: { first, includeRevoked },
    context: TOKEN_CONTEXT,
  });
  const [revoking, setRevoking] = useState<OrgToken | null>(null);
  const [revokeError, setRevokeError] = useState<AppError | null>(null);
  const [{ fetching: revokeBusy }, revoke] = useMutation(RevokeApiTokenMutation);

  const connection = data?.apiTokens;
  const tokens = connection?.edges.map((edge) => edge.node) ?? [];
  const loadError = error && !data ? toAppError(error) : null;

  const confirmRevoke = async () => {
    if (!revoking) return;
    setRevokeError(null);
    const result = await revoke({ id: revoking.id });
    if (result.error) {
      setRevokeError(toAppError(result.error));
      return;
    }
    setRevoking(null);
    refetch({ requestPolicy: 'network-only' });
  };

  return (
    <Card aria-labelledby="org-tokens-title">
      <CardHeader
        id="org-tokens-title"
        icon={<LockIcon size={18} />}
        title="All tokens of the organization"
        description="Every member's API tokens. Revoke any token that is no longer needed or may have leaked."
        actions={
          <Button
            variant="ghost"
            size="sm"
            icon={fetching || stale ? <Spinner size={14} /> : <RefreshIcon size={15} />}
            onClick={() => refetch({ requestPolicy: 'network-only' })}
            disabled={fetching}
          >
            Refresh
          </Button>
        }
      />
      <CardBody className="panel-body">
        <div className="toolbar">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={includeRevoked}
              onChange={(event) => setIncludeRevoked(event.target.checked)}
            />
            <span className="checkbox__label">Show revoked tokens</span>
          </label>
        </div>
        {loadError ? (
          <Alert tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'} role="alert" title="Tokens could not be loaded">
            <ErrorMessage error={loadError} />
          </Alert>
        ) : !connection ? (
          <div className="panel-loading">
            <Spinner size={18} label="Loading the organization's tokens" />
          </div>
        ) : tokens.length === 0 ? (
          <div className="panel-empty">
            <p className="panel-empty__title">No API tokens in this organization</p>
            <p className="muted">Tokens that members create appear here.</p>
          </div>
        ) : (
          <>
            <div className="table-scroll">
              <table className="data-table">
                <caption className="sr-only">API tokens of the organization</caption>
                <thead>
                  <tr>
                    <th scope="col">Owner</th>
                    <th scope="col">Token</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((token) => {
                    const status = tokenStatus(token);
                    const owner = token.owner.displayName || token.owner.email;
                    return (
                      <tr key={token.id} className={status === 'active' ? undefined : 'data-table__row--inactive'}>
                        <td>
                          <span className="member-cell__text owner-cell">
                            <span className="member-cell__name" title={owner}>
                              {owner}
                            </span>
                            <span className="member-cell__email" title={token.owner.email}>
                              {token.owner.email}
                            </span>
                          </span>
                        </td>
                        <th scope="row" className="data-table__strong">
                          <span className="token-name">
                            {token.name}
                            <code className="token-table__prefix">{token.prefix}…</code>
                          </span>
                        </th>
                        <td>
                          <ScopeList scopes={token.scopes} max={1} />
                        </td>
                        <td>
                          <time dateTime={token.createdAt} title={formatDateTime(token.createdAt)}>
                            {formatDate(token.createdAt)}
                          </time>
                        </td>
                        <td>
                          <RelativeTime value={token.lastUsedAt} empty="Never used" />
                        </td>
                        <td>
                          <RelativeTime value={token.expiresAt} empty="Never" />
                        </td>
                        <td>
                          <Badge tone={statusTone[status]} dot>
                            {statusLabel[status]}
                          </Badge>
                        </td>
                        <td className="data-table__actions">
                          {status === 'active' ? (
                            <Button
                              variant="danger-ghost"
                              size="sm"
                              aria-label={`Revoke ${token.name} of ${owner}`}
                              onClick={() => {
                                setRevokeError(null);
                                setRevoking(token);
                              }}
                            >
                              Revoke
                            </Button>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div className="panel-footer">
              <span className="muted">
                Showing {tokens.length} of {connection.totalCount} token{connection.totalCount === 1 ? '' : 's'}
              </span>
              {connection.pageInfo.hasNextPage && first < MAX_PAGE_SIZE ? (
                <Button
                  variant="secondary"
                  size="sm"
                  loading={fetching}
                  onClick={() => setFirst((n) => Math.min(n + PAGE_SIZE, MAX_PAGE_SIZE))}
                >
                  Load more
                </Button>
              ) : connection.pageInfo.hasNextPage ? (
                <span className="muted">Showing the newest {MAX_PAGE_SIZE}.</span>
              ) : null}
            </div>
          </>
        )}
      </CardBody>
      {revoking ? (
        <ConfirmDialog
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke token"
          loading={revokeBusy}
          onCancel={() => setRevoking(null)}
          onConfirm={() => void confirmRevoke()}
          error={
            revokeError ? (
              <Alert tone="danger" role="alert" title="The token could not be revoked">
                <ErrorMessage error={revokeError} />
              </Alert>
            ) : null
          }
        >
          <p>
            The token <code>{revoking.prefix}…</code> of <strong>{revoking.owner.displayName || revoking.owner.email}</strong>{' '}
            stops working at once. Scripts and pipelines using it will fail until they get a new token.
          </p>
        </ConfirmDialog>
      ) : null}
    </Card>
  );
}
