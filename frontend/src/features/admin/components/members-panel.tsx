import { useCallback, useEffect, useState } from 'react';
import { useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PlusIcon, SearchIcon, UsersIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { toAppError, type AppError } from '@/lib/errors';
import { usePermissions } from '@/lib/permissions';
import type { MemberFieldsFragment, MemberStatus } from '@/gql/graphql';

import { AdminMembersQuery } from '../api/members';
import { InviteMemberDialog } from './invite-member-dialog';
import { MEMBER_CONTEXT, MemberActionDialogs } from './member-action-dialogs';
import { MemberRow, type MemberAction } from './member-row';
import { isGrantable, useRoleOptions } from './role-picker';

import './admin.css';

export const MEMBERS_PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;

type PageInfo = { endCursor: string | null | undefined; hasNextPage: boolean; totalCount: number; count: number };
type Filters = { search: string | null; status: MemberStatus | null };

function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/** One page of the connection, as its own <tbody>, so every page stays live in urql's cache. */
function MembersPage({
  filters,
  after,
  pageKey,
  canManage,
  mayManage,
  onAction,
  onLoaded,
  onError,
}: {
  mayManage: (member: MemberFieldsFragment) => boolean;
  filters: Filters;
  after: string | null;
  pageKey: string;
  canManage: boolean;
  onAction: (action: MemberAction) => void;
  onLoaded: (pageKey: string, info: PageInfo) => void;
  onError: (pageKey: string, error: AppError | null) => void;
}) {
  const [{ data, error }] = useQuery({
    query: AdminMembersQuery,
    variables: { first: MEMBERS_PAGE_SIZE, after, search: filters.search, status: filters.status },
    context: MEMBER_CONTEXT,
  });
  const connection = data?.members;

  useEffect(() => {
    if (!connection) return;
    onLoaded(pageKey, {
      endCursor: connection.pageInfo.endCursor,
      hasNextPage: connection.pageInfo.hasNextPage,
      totalCount: connection.totalCount,
      count: connection.edges.length,
    });
  }, [connection, pageKey, onLoaded]);

  useEffect(() => onError(pageKey, error && !data ? toAppError(error) : null), [error, data, pageKey, onError]);

  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <MemberRow
          key={node.id}
          member={node}
          canManage={canManage}
          isSelf={node.id === data?.viewer.id}
          mayManage={mayManage(node)}
          onAction={onAction}
        />
      ))}
    </tbody>
  );
}

/** The organization's members: search, filter by status, load more, invite and manage. */
export function MembersPanel() {
  const permissions = usePermissions();
  const canManage = permissions.has('users:manage');
  const { options: roleOptions } = useRoleOptions(!canManage);
  // The server refuses to change members whose roles carry permissions the viewer lacks.
  const mayManage = (member: MemberFieldsFragment) =>
    member.roles.every((name) => isGrantable(roleOptions.find((o) => o.name === name), permissions.has));
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS);
  const [status, setStatus] = useState<MemberStatus | ''>('');
  const filters: Filters = { search: search || null, status: status || null };
  const filterKey = `${filters.search ?? ''}|${filters.status ?? ''}`;

  const [paging, setPaging] = useState<{ filterKey: string; cursors: (string | null)[] }>({
    filterKey,
    cursors: [null],
  });
  const cursors = paging.filterKey === filterKey ? paging.cursors : [null];
  const pageKeys = cursors.map((after) => `${filterKey}:${after ?? ''}`);
  const [pages, setPages] = useState<Record<string, PageInfo>>({});
  const [errors, setErrors] = useState<Record<string, AppError | null>>({});
  const [action, setAction] = useState<MemberAction | null>(null);
  const [inviting, setInviting] = useState(false);

  const onLoaded = useCallback(
    (key: string, info: PageInfo) =>
      setPages((previous) => (sameInfo(previous[key], info) ? previous : { ...previous, [key]: info })),
    [],
  );
  const onError = useCallback(
    (key: string, error: AppError | null) =>
      setErrors((previous) => (previous[key] === error ? previous : { ...previous, [key]: error })),
    [],
  );

  const last = pages[pageKeys[pageKeys.length - 1] ?? ''];
  const first = pages[pageKeys[0] ?? ''];
  const shown = pageKeys.reduce((sum, key) => sum + (pages[key]?.count ?? 0), 0);
  const loadError = pageKeys.map((key) => errors[key]).find(Boolean) ?? null;
  const loading = !first && !loadError;
  const filtered = Boolean(filters.search || filters.status);

  return (
    <Card aria-labelledby="members-title">
      <CardHeader
        id="members-title"
        icon={<UsersIcon size={18} />}
        title="Members"
        description="People who can sign in to your organization, their roles and how they sign in."
        actions={
          canManage ? (
            <Button icon={<PlusIcon size={16} />} onClick={() => setInviting(true)}>
              Invite member
            </Button>
          ) : null
        }
      />
      <CardBody className="panel-body">
        <div className="toolbar" role="search" aria-label="Filter members">
          <div className="search-input">
            <SearchIcon size={16} className="search-input__icon" />
            <input
              type="search"
              className="input search-input__input"
              placeholder="Search by name or email"
              aria-label="Search members"
              value={searchText}
              onChange={(event) => setSearchText(event.target.value)}
              maxLength={200}
            />
          </div>
          <label className="toolbar__select">
            <span className="sr-only">Status</span>
            <select
              className="select"
              aria-label="Status"
              value={status}
              onChange={(event) => setStatus(event.target.value as MemberStatus | '')}
            >
              <option value="">All statuses</option>
              <option value="ACTIVE">Active</option>
              <option value="INVITED">Invited</option>
              <option value="DEACTIVATED">Deactivated</option>
            </select>
          </label>
        </div>

        {loadError ? (
          <Alert
            tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'}
            role="alert"
            title={loadError.code === 'FORBIDDEN' ? 'You cannot view members' : 'Members could not be loaded'}
          >
            <ErrorMessage error={loadError} />
          </Alert>
        ) : null}

        <div className="table-scroll" hidden={!first || first.totalCount === 0}>
          <table className="data-table" aria-busy={loading || undefined}>
            <caption className="sr-only">Members of your organization</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Sign-in methods</th>
                {canManage ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            {cursors.map((after, index) => (
              <MembersPage
                key={pageKeys[index]}
                filters={filters}
                after={after}
                pageKey={pageKeys[index] ?? ''}
                canManage={canManage}
                mayManage={mayManage}
                onAction={setAction}
                onLoaded={onLoaded}
                onError={onError}
              />
            ))}
          </table>
        </div>

        {loading ? (
          <div className="panel-loading">
            <Spinner size={18} label="Loading members" />
          </div>
        ) : first && first.totalCount === 0 ? (
          <div className="panel-empty">
            <p className="panel-empty__title">{filtered ? 'No members match' : 'No members yet'}</p>
            <p className="muted">
              {filtered
                ? 'Try another name, email or status.'
                : canManage
                  ? 'Invite the people who should work in this organization.'
                  : 'Members appear here once they are invited.'}
            </p>
          </div>
        ) : first ? (
          <div className="panel-footer">
            <span className="muted" role="status">
              Showing {shown} of {first.totalCount} member{first.totalCount === 1 ? '' : 's'}
            </span>
            {last?.hasNextPage && last.endCursor ? (
              <Button
                variant="secondary"
                size="sm"
                onClick={() => setPaging({ filterKey, cursors: [...cursors, last.endCursor ?? null] })}
              >
                Load more
              </Button>
            ) : !last && cursors.length > 1 ? (
              <Spinner size={16} label="Loading more members" />
            ) : null}
          </div>
        ) : null}
      </CardBody>

      {inviting ? <InviteMemberDialog onClose={() => setInviting(false)} onInvited={() => undefined} /> : null}
      <MemberActionDialogs action={action} onDone={() => setAction(null)} />
    </Card>
  );
}

function sameInfo(a: PageInfo | undefined, b: PageInfo): boolean {
  return (
    !!a && a.endCursor === b.endCursor && a.hasNextPage === b.hasNextPage && a.totalCount === b.totalCount && a.count === b.count
  );
}
