import { useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { LockIcon, RefreshIcon } from '@/components/ui/icons';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import { RelativeTime } from '@/components/ui/relative-time';
import type { OrgApiTokensQuery as OrgApiTokensData } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatDate, formatDateTime } from '@/lib/format';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';

import { OrgApiTokensQuery, RevokeApiTokenMutation } from '../api/api-tokens';
import { statusLabel, statusTone, tokenStatus } from '../lib/token-status';
import { ScopeList } from './scope-picker';

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
  page,
  includeRevoked,
  onRevoke,
}: {
  page: PageSlot;
  includeRevoked: boolean;
  onRevoke: (token: OrgToken) => void;
}) {
  const [{ data, error }] = useQuery({
    query: OrgApiTokensQuery,
    variables: { first: PAGE_SIZE, after: page.after, includeRevoked },
    context: TOKEN_CONTEXT,
  });
  const connection = data?.apiTokens;
  useReportPage(page, connection, error);
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
        <PagedTable
          paging={paging}
          className="data-table"
          caption="API tokens of the organization"
          head={
            <>
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
            </>
          }
          renderPage={(page) => (
            <OrgTokensPage
              page={page}
              includeRevoked={includeRevoked}
              onRevoke={(token) => {
                setRevokeError(null);
                setRevoking(token);
              }}
            />
          )}
          noun={{ one: 'token', many: 'tokens' }}
          errorTitle="Tokens could not be loaded"
          forbiddenTitle="You cannot view the organization's tokens"
          empty={
            <NoRows title="No API tokens in this organization">
              {includeRevoked ? 'Tokens that members create appear here.' : 'No active or expired tokens. Show revoked ones to see the rest.'}
            </NoRows>
          }
        />
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
