import { useState } from 'react';
import { useQuery } from 'urql';

import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PlusIcon, SearchIcon, UsersIcon } from '@/components/ui/icons';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import type { MemberFieldsFragment, MemberStatus } from '@/gql/graphql';
import { usePermissions } from '@/lib/permissions';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';
import { useDebounced } from '@/lib/use-debounced';

import { AdminMembersQuery, MEMBER_CONTEXT } from '../api/members';
import { useRoleOptions } from '../hooks/use-role-options';
import { isGrantable } from '../lib/role-options';
import { InviteMemberDialog } from './invite-member-dialog';
import { MemberActionDialogs } from './member-action-dialogs';
import { MemberRow, type MemberAction } from './member-row';

import './admin.css';

export const MEMBERS_PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 300;

type Filters = { search: string | null; status: MemberStatus | null };

/** One page of the connection, as its own <tbody>. */
function MembersPage({
  page,
  filters,
  canManage,
  mayManage,
  onAction,
}: {
  page: PageSlot;
  filters: Filters;
  canManage: boolean;
  mayManage: (member: MemberFieldsFragment) => boolean;
  onAction: (action: MemberAction) => void;
}) {
  const [{ data, error }] = useQuery({
    query: AdminMembersQuery,
    variables: { first: MEMBERS_PAGE_SIZE, after: page.after, search: filters.search, status: filters.status },
    context: MEMBER_CONTEXT,
  });
  const connection = data?.members;
  useReportPage(page, connection, error);

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

  const paging = useConnectionPages(filterKey);
  const [action, setAction] = useState<MemberAction | null>(null);
  const [inviting, setInviting] = useState(false);
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

        <PagedTable
          paging={paging}
          className="data-table"
          caption="Members of your organization"
          head={
            <>
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
            </>
          }
          renderPage={(page) => (
            <MembersPage page={page} filters={filters} canManage={canManage} mayManage={mayManage} onAction={setAction} />
          )}
          noun={{ one: 'member', many: 'members' }}
          errorTitle="Members could not be loaded"
          forbiddenTitle="You cannot view members"
          empty={
            <NoRows title={filtered ? 'No members match' : 'No members yet'}>
              {filtered
                ? 'Try another name, email or status.'
                : canManage
                  ? 'Invite the people who should work in this organization.'
                  : 'Members appear here once they are invited.'}
            </NoRows>
          }
        />
      </CardBody>

      {inviting ? <InviteMemberDialog onClose={() => setInviting(false)} onInvited={() => undefined} /> : null}
      <MemberActionDialogs action={action} onDone={() => setAction(null)} />
    </Card>
  );
}
