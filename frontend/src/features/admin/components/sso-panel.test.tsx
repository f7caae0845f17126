import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testOidcConfig, testRoles, testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

const tenant = { id: 'usr_1', tenant: { id: 'ten_1', slug: 'northwind' } };
const roleOptions = () =>
  gqlData({ roles: testRoles.map(({ name, description, builtIn, permissions }) => ({ name, description, builtIn, permissions })) });

describe('Admin › Single sign-on', () => {
  it('configures OIDC: validates, shows the server message verbatim, then saves', async () => {
    setSessionCookie();
    let attempts = 0;
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminOidcConfig: () => gqlData({ viewer: tenant, oidcConfig: attempts > 1 ? testOidcConfig({ roleMapping: [] }) : null }),
        AdminRoleOptions: roleOptions,
        ConfigureOidc: () => {
          attempts += 1;
          if (attempts === 1) {
            return gqlError('BAD_USER_INPUT', 'The issuer https://login.northwind.example has no discovery document.');
          }
          return gqlData({ configureOidc: testOidcConfig({ roleMapping: [] }) });
        },
      },
    });
    renderApp('/admin/sso');
    const user = userEvent.setup();

    expect(await screen.findByText('Single sign-on is not configured')).toBeInTheDocument();
    expect(screen.getByLabelText('Redirect URI')).toHaveValue('http://localhost:3000/auth/sso/northwind/callback');
    expect(screen.getByLabelText('Scopes')).toHaveValue('openid email profile');

    await user.click(screen.getByRole('button', { name: 'Save configuration' }));
    expect(screen.getByText(/Enter the issuer URL/)).toBeInTheDocument();
    expect(screen.getByText(/Enter the client ID/)).toBeInTheDocument();

    await user.type(screen.getByLabelText('Issuer URL'), 'https://login.northwind.example');
    await user.type(screen.getByLabelText('Client ID'), 'phantom-ml');
    await user.type(screen.getByLabelText('Client secret'), 's3cret');
    await user.type(screen.getByLabelText('Allowed email domains'), 'northwind.example, nw-bank.example');
    await user.click(screen.getByRole('switch', { name: /Require SSO/ }));
    expect(screen.getByText('Password sign-in will be disabled')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    await user.click(screen.getByRole('button', { name: 'Save configuration' }));
    expect(screen.getByText('Set the role claim to use a role mapping.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Remove mapping 1' }));

    await user.click(screen.getByRole('button', { name: 'Save configuration' }));
    expect(await screen.findByText('The issuer https://login.northwind.example has no discovery document.')).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'ConfigureOidc')?.variables).toEqual({
      input: {
        issuer: 'https://login.northwind.example',
        clientId: 'phantom-ml',
        clientSecret: 's3cret',
        scopes: ['openid', 'email', 'profile'],
        allowedEmailDomains: ['northwind.example', 'nw-bank.example'],
        defaultRole: 'viewer',
        roleClaim: null,
        roleMapping: [],
        ssoRequired: true,
      },
    });

    await user.click(screen.getByRole('button', { name: 'Save configuration' }));
    expect(await screen.findByText(/Single sign-on configuration saved/)).toBeInTheDocument();
    expect(await screen.findByLabelText('Sign-in URL')).toHaveValue('https://ml.northwind.example/auth/sso/northwind/login');
  });

  it('shows an existing configuration and keeps its secret unless the client changes', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminOidcConfig: () => gqlData({ viewer: tenant, oidcConfig: testOidcConfig() }),
        AdminRoleOptions: roleOptions,
        ConfigureOidc: () => gqlData({ configureOidc: testOidcConfig() }),
      },
    });
    renderApp('/admin/sso');
    const user = userEvent.setup();

    expect(await screen.findByText('A secret is set')).toBeInTheDocument();
    expect(screen.getByLabelText('Client secret')).toHaveValue('');
    expect(screen.getByLabelText('Redirect URI')).toHaveValue('https://ml.northwind.example/auth/sso/northwind/callback');
    expect(screen.getByLabelText('Claim value 1')).toHaveValue('ml-admins');
    const roles = screen.getByRole('group', { name: 'Roles for mapping 1' });
    expect(await within(roles).findByRole('checkbox', { name: /Admin/ })).toBeChecked();
    expect(screen.getByRole('button', { name: 'Remove configuration' })).toBeInTheDocument();

    // Another client ID needs the secret again: the old one never goes to another client.
    await user.type(screen.getByLabelText('Client ID'), '-v2');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(screen.getByText(/Enter the client secret again/)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Client ID'));
    await user.type(screen.getByLabelText('Client ID'), 'phantom-ml');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText(/configuration saved/)).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'ConfigureOidc')?.variables).toMatchObject({
      input: { clientId: 'phantom-ml', clientSecret: '', roleClaim: 'groups' },
    });
  });

  it('is read only without sso:manage', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['sso:read']) }),
        AdminOidcConfig: () => gqlData({ viewer: tenant, oidcConfig: testOidcConfig() }),
        AdminRoleOptions: () => gqlError('FORBIDDEN', 'You do not have permission to do this.'),
      },
    });
    renderApp('/admin/sso');

    expect(await screen.findByText('Read only')).toBeInTheDocument();
    expect(screen.getByLabelText('Issuer URL')).toBeDisabled();
    expect(screen.queryByRole('button', { name: /Save|Remove configuration|Add mapping/ })).not.toBeInTheDocument();
  });
});
