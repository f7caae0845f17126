import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testPermissions, testRole, testRoles, testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

const rolesData = (roles = testRoles) => gqlData({ roles, permissions: testPermissions });

describe('Admin › Roles & permissions', () => {
  it('shows roles and a permission matrix with roles as columns', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminRoles: () => rolesData(),
      },
    });
    renderApp('/admin/roles');

    const matrix = await screen.findByRole('table', { name: 'Permissions granted by each role' });
    const headers = within(matrix.querySelector('thead')!)
      .getAllByRole('columnheader')
      .map((cell) => cell.textContent);
    expect(headers).toEqual(['Permission', 'OwnerBuilt-in', 'AdminBuilt-in', 'ViewerBuilt-in', 'Model auditorCustom']);
    expect(within(matrix).getByRole('rowheader', { name: 'Audit log' })).toBeInTheDocument();
    const approve = within(matrix).getByRole('row', { name: /Approve model versions/ });
    expect(within(approve).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
      'Granted',
      '·Not granted',
      '·Not granted',
      'Granted',
    ]);

    const roles = screen.getByRole('table', { name: 'Roles of your organization' });
    const owner = within(roles).getByRole('row', { name: /Owner/ });
    expect(within(owner).getByText('Read only')).toBeInTheDocument();
    expect(within(owner).queryByRole('button')).not.toBeInTheDocument();
    expect(within(roles).getByRole('button', { name: 'Edit Model auditor' })).toBeInTheDocument();
  });

  it('creates a custom role from permissions grouped by resource', async () => {
    setSessionCookie();
    let roles = testRoles;
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminRoles: () => rolesData(roles),
        CreateRole: (request) => {
          const role = testRole({ name: 'risk_reviewer', builtIn: false, permissions: ['models:read', 'audit:read'], memberCount: 0 });
          roles = [...roles, role];
          expect(request.variables).toEqual({
            input: { name: 'risk_reviewer', description: 'Second line of defence', permissions: ['models:read', 'audit:read'] },
          });
          return gqlData({ createRole: role });
        },
      },
    });
    renderApp('/admin/roles');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Create role' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a custom role' });
    await user.type(within(dialog).getByLabelText('Name'), 'Risk Reviewer');
    await user.click(within(dialog).getByRole('button', { name: 'Create role' }));
    expect(within(dialog).getByText(/Use lowercase letters/)).toBeInTheDocument();
    expect(within(dialog).getByText('Choose at least one permission.')).toBeInTheDocument();

    await user.clear(within(dialog).getByLabelText('Name'));
    await user.type(within(dialog).getByLabelText('Name'), 'risk_reviewer');
    await user.type(within(dialog).getByLabelText('Description'), 'Second line of defence');
    const audit = within(dialog).getByRole('group', { name: /Audit log/ });
    expect(within(audit).getByText('Search the audit log (headers only).')).toBeInTheDocument();
    await user.click(within(audit).getByRole('checkbox', { name: /audit:read/ }));
    await user.click(within(dialog).getByRole('checkbox', { name: /models:read/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Create role' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(requests.filter((r) => r.operationName === 'CreateRole')).toHaveLength(1);
    expect(await screen.findByRole('columnheader', { name: /Risk reviewer/ })).toBeInTheDocument();
  });

  it("shows the server's CONFLICT message when a held role is deleted", async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminRoles: () => rolesData([...testRoles.slice(0, 3), { ...testRoles[3]!, memberCount: 2 }]),
        DeleteRole: () => gqlError('CONFLICT', "The role 'model_auditor' is held by 2 members."),
      },
    });
    renderApp('/admin/roles');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Delete Model auditor' }));
    const dialog = screen.getByRole('alertdialog', { name: /Delete the role Model auditor/ });
    expect(dialog).toHaveTextContent('2 members hold this role.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete role' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent("The role 'model_auditor' is held by 2 members.");
  });

  it('is read only without roles:manage', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['roles:read']) }),
        AdminRoles: () => rolesData(),
      },
    });
    renderApp('/admin/roles');

    expect(await screen.findByRole('table', { name: 'Permissions granted by each role' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Create role|Edit|Delete/ })).not.toBeInTheDocument();
  });
});
