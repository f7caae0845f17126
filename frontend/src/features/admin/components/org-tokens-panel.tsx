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
import { statusLabel, statusTone, tokenStatus } from '../lib/token-status';
import { RelativeTime } from './relative-time';
import { ScopeList } from './scope-picker';
import { useConnectionPages, useReportPage, type PageReport } from '@/lib/use-connection-pages';

import './admin.css';

const PAGE_SIZE = 25;
const TOKEN_CONTEXT = { additionalTypenames: ['ApiToken'] };

type OrgToken = OrgApiTokensData['apiTokens']['edges'][number]['node'];

function OrgTokenRow({ token, onRevoke }: { token: OrgToken; onRevoke: (token: OrgToken) => void }) {
  const status = tokenStatus(token);
  const owner = token.owner.displayName || token.owner.email;
  return (
    <tr className={status === 'active' ? undefined : 'data-table__row--inactive'}>
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
            onClick={() => onRevoke(token)}
          >
            Revoke
          </Button>
        ) : null}
      </td>
    </tr>
  );
}

/** One page of the connection, as its own <tbody>. */
function OrgTokensPage({
  after,
  includeRevoked,
  pageKey,
  onRevoke,
  onLoaded,
  onError,
}: {
  after: string | null;
  includeRevoked: boolean;
  pageKey: string;
  onRevoke: (token: OrgToken) => void;
  onLoaded: (pageKey: string, report: PageReport) => void;
  onError: (pageKey: string, error: AppError | null) => void;
}) {
  const [{ data, error }] = useQuery({
    query: OrgApiTokensQuery,
    variables: { first: PAGE_SIZE, after, includeRevoked },
    context: TOKEN_CONTEXT,
  });
  const connection = data?.apiTokens;
  useReportPage(pageKey, connection, error, onLoaded, onError);
  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <OrgTokenRow key={node.id} token={node} onRevoke={onRevoke} />
      ))}
    </tbody>
  );
}

/** Every API token of the organization (tokens:manage), with revoke. */
export function OrgTokensPanel() {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [generation, setGeneration] = useState(0);
  const paging = useConnectionPages(`${includeRevoked ? 'all' : 'live'}#${generation}`);
  const { first } = paging;
  const [revoking, setRevoking] = useState<OrgToken | null>(null);
  const [revokeError, setRevokeError] = useState<AppError | null>(null);
  const [{ fetching: revokeBusy }, revoke] = useMutation(RevokeApiTokenMutation);

  const confirmRevoke = async () => {
    if (!revoking) return;
    setRevokeError(null);
    const result = await revoke({ id: revoking.id }, TOKEN_CONTEXT);
    if (result.error) {
      setRevokeError(toAppError(result.error));
      return;
    }
    setRevoking(null);
  };

  return (
    <Card aria-labelledby="org-tokens-title">
      <CardHeader
        id="org-tokens-title"
        icon={<LockIcon size={18} />}
        title="All tokens of the organization"
        description="Every member's API tokens. Revoke any token that is no longer needed or may have leaked."
        actions={
          <Button variant="ghost" size="sm" icon={<RefreshIcon size={15} />} onClick={() => setGeneration((n) => n + 1)}>
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
        {paging.error ? (
          <Alert tone={paging.error.code === 'FORBIDDEN' ? 'warning' : 'danger'} role="alert" title="Tokens could not be loaded">
            <ErrorMessage error={paging.error} />
          </Alert>
        ) : null}
        <div className="table-scroll" hidden={!first || first.totalCount === 0}>
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
            {paging.pages.map(({ after, key }) => (
              <OrgTokensPage
                key={key}
                after={after}
                includeRevoked={includeRevoked}
                pageKey={key}
                onRevoke={(token) => {
                  setRevokeError(null);
                  setRevoking(token);
                }}
                onLoaded={paging.onLoaded}
                onError={paging.onError}
              />
            ))}
          </table>
        </div>
        {!first && !paging.error ? (
          <div className="panel-loading">
            <Spinner size={18} label="Loading the organization's tokens" />
          </div>
        ) : first && first.totalCount === 0 ? (
          <div className="panel-empty">
            <p className="panel-empty__title">No API tokens in this organization</p>
            <p className="muted">
              {includeRevoked ? 'Tokens that members create appear here.' : 'No active or expired tokens. Show revoked ones to see the rest.'}
            </p>
          </div>
        ) : first ? (
          <div className="panel-footer">
            <span className="muted" role="status">
              Showing {paging.shown} of {first.totalCount} token{first.totalCount === 1 ? '' : 's'}
            </span>
            {paging.canLoadMore ? (
              <Button variant="secondary" size="sm" onClick={paging.loadMore}>
                Load more
              </Button>
            ) : paging.loadingMore ? (
              <Spinner size={16} label="Loading more tokens" />
            ) : null}
          </div>
        ) : null}
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
