import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { MemberFieldsFragment } from '@/gql/graphql';
import { testMember, testRoles, testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

function page(members: MemberFieldsFragment[], { total = members.length, next = null as string | null } = {}) {
  return gqlData({
    viewer: { id: testViewer.id },
    members: {
      totalCount: total,
      pageInfo: { hasNextPage: next !== null, endCursor: next },
      edges: members.map((node) => ({ cursor: node.id, node })),
    },
  });
}

const roleOptions = () =>
  gqlData({ roles: testRoles.map(({ name, description, builtIn, permissions }) => ({ name, description, builtIn, permissions })) });

describe('Admin › Members', () => {
  it('lists members with roles, status, last sign-in and sign-in methods', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminRoleOptions: roleOptions,
        AdminMembers: () =>
          page([
            testMember({ roles: ['admin', 'model_auditor'], signInMethods: ['password', 'sso'] }),
            testMember({
              id: 'usr_3',
              displayName: '',
              email: 'new.person@northwind.example',
              status: 'INVITED',
              lastLoginAt: null,
              signInMethods: [],
            }),
          ]),
      },
    });
    renderApp('/admin/members');

    const table = await screen.findByRole('table', { name: 'Members of your organization' });
    const [grace, invited] = within(table).getAllByRole('row').slice(1);
    expect(within(grace!).getByText('Grace Hopper')).toBeInTheDocument();
    expect(within(grace!).getByRole('list', { name: 'Roles of Grace Hopper' })).toHaveTextContent('AdminModel auditor');
    expect(within(grace!).getByText('Active')).toBeInTheDocument();
    expect(within(grace!).getByText('Password, SSO')).toBeInTheDocument();
    const lastLogin = grace!.querySelector('time[datetime="2025-03-01T10:00:00Z"]');
    expect(lastLogin).toHaveAttribute('title', expect.stringContaining('2025'));
    expect(lastLogin?.textContent).toMatch(/ago/);
    expect(within(invited!).getAllByText('new.person@northwind.example')).toHaveLength(1);
    expect(within(invited!).getByText('Invited')).toBeInTheDocument();
    expect(within(invited!).getByText('Never')).toBeInTheDocument();
    expect(screen.getByText('Showing 2 of 2 members')).toBeInTheDocument();
  });

  it('searches, filters by status and loads more with the cursor', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminRoleOptions: roleOptions,
        AdminMembers: (request) => {
          const { after, search, status } = request.variables ?? {};
          if (after === 'cursor-1') return page([testMember({ id: 'usr_9', displayName: 'Page Two' })], { total: 2 });
          if (search === 'zz') return page([]);
          if (status === 'DEACTIVATED') return page([testMember({ status: 'DEACTIVATED' })]);
          return page([testMember()], { total: 2, next: 'cursor-1' });
        },
      },
    });
    renderApp('/admin/members');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Page Two')).toBeInTheDocument();
    expect(screen.getByText('Grace Hopper')).toBeInTheDocument();
    expect(await screen.findByText('Showing 2 of 2 members')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'DEACTIVATED');
    expect(await screen.findByRole('button', { name: 'Reactivate Grace Hopper' })).toBeInTheDocument();
    expect(screen.queryByText('Page Two')).not.toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Search members' }), 'zz');
    expect(await screen.findByText('No members match')).toBeInTheDocument();
    const last = requests.filter((r: RecordedRequest) => r.operationName === 'AdminMembers').at(-1);
    expect(last?.variables).toEqual({ first: 25, after: null, search: 'zz', status: 'DEACTIVATED' });
  });

  it('invites a member and shows the invitation link once', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminMembers: () => page([]),
        AdminRoleOptions: roleOptions,
        InviteMember: () =>
          gqlData({
            inviteMember: {
              inviteUrl: 'https://ml.northwind.example/accept-invite#token=SECRET123',
              expiresAt: '2999-01-01T00:00:00Z',
              member: testMember({ id: 'usr_5', email: 'alan@northwind.example', displayName: 'Alan Turing', status: 'INVITED' }),
            },
          }),
      },
    });
    renderApp('/admin/members');
    const user = userEvent.setup();

    expect(await screen.findByText('No members yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Invite member' }));
    const dialog = screen.getByRole('dialog', { name: 'Invite a member' });
    expect(within(dialog).getByLabelText('Email')).toHaveFocus();

    await user.type(within(dialog).getByLabelText('Email'), 'not-an-email');
    await user.click(await within(dialog).findByRole('checkbox', { name: /Viewer/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));
    expect(within(dialog).getByText('Enter a valid email address.')).toBeInTheDocument();
    expect(within(dialog).getByText('Choose at least one role.')).toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'InviteMember')).toBe(false);

    await user.clear(within(dialog).getByLabelText('Email'));
    await user.type(within(dialog).getByLabelText('Email'), 'alan@northwind.example');
    await user.type(within(dialog).getByLabelText('Display name (optional)'), 'Alan Turing');
    await user.click(within(dialog).getByRole('checkbox', { name: /Model auditor/ }));
    await user.click(within(dialog).getByRole('checkbox', { name: /Viewer/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Send invitation' }));

    const result = await screen.findByRole('dialog', { name: 'Alan Turing is invited' });
    expect(within(result).getByLabelText('Invitation link')).toHaveValue(
      'https://ml.northwind.example/accept-invite#token=SECRET123',
    );
    expect(within(result).getByText('This link is shown once')).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'InviteMember')?.variables).toEqual({
      input: { email: 'alan@northwind.example', displayName: 'Alan Turing', roles: ['model_auditor', 'viewer'] },
    });

    await user.click(within(result).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue(/SECRET123/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Invite member' })).toHaveFocus();
  });

  it("shows the server's refusal when changing roles", async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminMembers: () => page([testMember({ roles: ['owner'] })]),
        AdminRoleOptions: roleOptions,
        SetMemberRoles: (request) => {
          expect(request.variables).toEqual({ input: { userId: 'usr_2', roles: ['viewer'] } });
          return gqlError('CONFLICT', 'The organization must keep at least one owner.');
        },
      },
    });
    renderApp('/admin/members');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Change roles of Grace Hopper' }));
    const dialog = screen.getByRole('dialog', { name: 'Change roles of Grace Hopper' });
    await user.click(await within(dialog).findByRole('checkbox', { name: /Viewer/ }));
    await user.click(within(dialog).getByRole('checkbox', { name: /Owner/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Save roles' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The organization must keep at least one owner.');
  });

  it('deactivates after a confirmation that says sessions and tokens are revoked', async () => {
    setSessionCookie();
    let status: MemberFieldsFragment['status'] = 'ACTIVE';
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminRoleOptions: roleOptions,
        AdminMembers: () => page([testMember({ status })]),
        DeactivateMember: () => {
          status = 'DEACTIVATED';
          return gqlData({ deactivateMember: testMember({ status }) });
        },
      },
    });
    renderApp('/admin/members');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Deactivate Grace Hopper' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Deactivate Grace Hopper?' });
    expect(dialog).toHaveTextContent('every session is signed out and every API token is revoked immediately');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'DeactivateMember')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Deactivate Grace Hopper' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Deactivate' }));
    expect(await screen.findByRole('button', { name: 'Reactivate Grace Hopper' })).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'DeactivateMember')?.variables).toEqual({ userId: 'usr_2' });
  });

  it('offers no member actions without users:manage', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['users:read']) }),
        AdminMembers: () => page([testMember()]),
      },
    });
    renderApp('/admin/members');

    expect(await screen.findByText('Grace Hopper')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Invite member' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Deactivate|Change roles/ })).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByRole('columnheader')).toHaveLength(5));
  });

  it('offers nothing the server would refuse: not deactivating yourself, not managing a higher role', async () => {
    setSessionCookie();
    // An admin without models:approve, so the owner role (which has it) is out of reach.
    const admin = viewerWith(testViewer.permissions.filter((p) => p !== 'models:approve'));
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: admin }),
        AdminRoleOptions: roleOptions,
        AdminMembers: () =>
          page([
            testMember({ id: testViewer.id, displayName: 'Ada Lovelace', roles: ['admin'] }),
            testMember({ id: 'usr_7', displayName: 'Olivia Owner', roles: ['owner'] }),
            testMember(),
          ]),
      },
    });
    renderApp('/admin/members');
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Members of your organization' });
    const self = within(table).getByText('(you)', { exact: false }).closest('tr')!;
    expect(within(self).getByRole('button', { name: 'Change roles of Ada Lovelace' })).toBeInTheDocument();
    expect(within(self).queryByRole('button', { name: /Deactivate/ })).not.toBeInTheDocument();
    const owner = within(table).getByText('Olivia Owner').closest('tr')!;
    expect(await within(owner).findByText('Managed by a higher role')).toBeInTheDocument();
    expect(within(owner).queryByRole('button')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Change roles of Grace Hopper' }));
    const dialog = screen.getByRole('dialog');
    expect(await within(dialog).findByRole('checkbox', { name: /^Owner/ })).toBeDisabled();
    expect(within(dialog).getByRole('checkbox', { name: /^Viewer/ })).toBeEnabled();
  });
});
