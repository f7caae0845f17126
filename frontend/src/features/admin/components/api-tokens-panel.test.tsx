import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testToken, testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

/** Own tokens only: tokens:manage would add the organization-wide table. */
const tokenViewer = viewerWith(['datasets:read', 'events:read', 'models:read', 'tokens:create']);

function connection(tokens: ReturnType<typeof testToken>[]) {
  return {
    viewer: {
      id: testViewer.id,
      apiTokens: {
        totalCount: tokens.length,
        pageInfo: { hasNextPage: false, endCursor: null },
        edges: tokens.map((node) => ({ cursor: node.id, node })),
      },
    },
  };
}

describe('Admin › API tokens', () => {
  it('lists tokens with their status and only offers Revoke for active ones', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: tokenViewer }),
        AdminApiTokens: () =>
          gqlData(
            connection([
              testToken(),
              testToken({ id: 'tok_2', name: 'Old notebook', prefix: 'phm_zz99', revokedAt: '2025-02-01T00:00:00Z' }),
              testToken({ id: 'tok_3', name: 'Expired job', prefix: 'phm_ex00', expiresAt: '2020-01-01T00:00:00Z' }),
            ]),
          ),
      },
    });
    renderApp('/admin/tokens');

    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText('Active')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('phm_ab12…')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('Never used')).toBeInTheDocument();
    expect(within(rows[0]!).getByRole('button', { name: 'Revoke Nightly scoring job' })).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Revoked')).toBeInTheDocument();
    expect(within(rows[1]!).queryByRole('button')).not.toBeInTheDocument();
    expect(within(rows[2]!).getByText('Expired')).toBeInTheDocument();
    expect(within(rows[2]!).queryByRole('button')).not.toBeInTheDocument();
  });

  it('creates a token and shows its secret once', async () => {
    setSessionCookie();
    let tokens = [testToken()];
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: tokenViewer }),
        AdminApiTokens: () => gqlData(connection(tokens)),
        CreateApiToken: (request) => {
          const created = testToken({ id: 'tok_new', name: 'CI pipeline', prefix: 'phm_new1' });
          tokens = [created, ...tokens];
          expect(request.variables).toEqual({ input: { name: 'CI pipeline', expiresInDays: 30 } });
          return gqlData({ createApiToken: { token: 'phm_new1_SECRETVALUE', apiToken: created } });
        },
      },
    });
    renderApp('/admin/tokens');
    const user = userEvent.setup();

    await screen.findByRole('table');
    await user.type(screen.getByLabelText('Token name'), 'CI pipeline');
    await user.clear(screen.getByLabelText('Expires in (days)'));
    await user.type(screen.getByLabelText('Expires in (days)'), '30');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    expect(await screen.findByLabelText('API token secret')).toHaveValue('phm_new1_SECRETVALUE');
    expect(screen.getByText(/only time it is shown/)).toBeInTheDocument();
    expect(await screen.findByText('CI pipeline')).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'CreateApiToken')?.headers.get('X-CSRF-Token')).toBe(
      'csrf-test-token',
    );

    await user.click(screen.getByRole('button', { name: 'I have stored it safely' }));
    expect(screen.queryByLabelText('API token secret')).not.toBeInTheDocument();
    expect(screen.queryByText('phm_new1_SECRETVALUE')).not.toBeInTheDocument();
  });

  it('validates the create form', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: tokenViewer }),
        AdminApiTokens: () => gqlData(connection([])),
      },
    });
    renderApp('/admin/tokens');
    const user = userEvent.setup();

    expect(await screen.findByText('No API tokens yet')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Expires in (days)'));
    await user.type(screen.getByLabelText('Expires in (days)'), '9999');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    expect(screen.getByText('Give the token a name.')).toBeInTheDocument();
    expect(screen.getByText('At most 366 days.')).toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'CreateApiToken')).toBe(false);
  });

  it('revokes a token after confirmation and shows server errors', async () => {
    setSessionCookie();
    let revoked = false;
    let attempts = 0;
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: tokenViewer }),
        AdminApiTokens: () =>
          gqlData(connection([testToken(revoked ? { revokedAt: '2025-03-01T00:00:00Z' } : {})])),
        RevokeApiToken: (request) => {
          attempts += 1;
          if (attempts === 1) return gqlError('INTERNAL', 'Internal server error.', { requestId: 'req-42' });
          expect(request.variables).toEqual({ id: 'tok_1' });
          revoked = true;
          return gqlData({ revokeApiToken: testToken({ revokedAt: '2025-03-01T00:00:00Z' }) });
        },
      },
    });
    renderApp('/admin/tokens');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Revoke Nightly scoring job' }));
    await user.click(screen.getByRole('button', { name: 'Confirm revoke' }));
    expect(await screen.findByText('Reference:', { exact: false })).toHaveTextContent('Reference: req-42');

    await user.click(screen.getByRole('button', { name: 'Confirm revoke' }));
    await waitFor(() => expect(screen.getByText('Revoked')).toBeInTheDocument());
    expect(screen.queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
  });

  it('shows the live events panel with its connection status', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: tokenViewer }),
        AdminApiTokens: () => gqlData(connection([])),
      },
    });
    renderApp('/admin/events');

    expect(await screen.findByRole('heading', { name: 'Live events' })).toBeInTheDocument();
    expect(screen.getByTestId('live-events-status')).toHaveTextContent(/Connecting|Not connected/);
    expect(screen.getByText('Waiting for events')).toBeInTheDocument();
  });

  it('creates a token limited to chosen scopes and shows each token\'s scopes', async () => {
    setSessionCookie();
    let tokens = [testToken({ scopes: ['models:read', 'datasets:read', 'events:read', 'tokens:create'] })];
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: tokenViewer }),
        AdminApiTokens: () => gqlData(connection(tokens)),
        CreateApiToken: () => {
          const created = testToken({ id: 'tok_new', name: 'Scoring', scopes: ['models:read'] });
          tokens = [created, ...tokens];
          return gqlData({ createApiToken: { token: 'phm_x_SECRET', apiToken: created } });
        },
      },
    });
    renderApp('/admin/tokens');
    const user = userEvent.setup();

    const table = await screen.findByRole('table');
    expect(within(table).getByText('models:read')).toBeInTheDocument();
    expect(within(table).getByText('+2 more')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Token name'), 'Scoring');
    await user.click(screen.getByLabelText(/Only the permissions I choose/));
    // Only the viewer's own permissions are offered.
    expect(screen.queryByRole('checkbox', { name: /users:manage/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(screen.getByText('Choose at least one permission.')).toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: /models:read/ }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByLabelText('API token secret')).toHaveValue('phm_x_SECRET');
    expect(requests.find((r) => r.operationName === 'CreateApiToken')?.variables).toEqual({
      input: { name: 'Scoring', expiresInDays: 90, scopes: ['models:read'] },
    });
  });

  it('lists every token of the organization for tokens:manage and revokes after confirmation', async () => {
    setSessionCookie();
    const owner = { id: 'usr_2', email: 'grace@northwind.example', displayName: 'Grace Hopper' };
    let revoked = false;
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['tokens:manage']) }),
        OrgApiTokens: () =>
          gqlData({
            apiTokens: {
              totalCount: 1,
              pageInfo: { hasNextPage: false, endCursor: null },
              edges: [
                {
                  cursor: 'c1',
                  node: { ...testToken(revoked ? { revokedAt: '2025-03-01T00:00:00Z' } : {}), owner },
                },
              ],
            },
          }),
        RevokeApiToken: () => {
          revoked = true;
          return gqlData({ revokeApiToken: testToken({ revokedAt: '2025-03-01T00:00:00Z' }) });
        },
      },
    });
    renderApp('/admin/tokens');
    const user = userEvent.setup();

    expect(await screen.findByRole('heading', { name: 'All tokens of the organization' })).toBeInTheDocument();
    // Without tokens:create there is no form for own tokens.
    expect(screen.queryByLabelText('Token name')).not.toBeInTheDocument();
    const table = await screen.findByRole('table');
    expect(within(table).getByText('Grace Hopper')).toBeInTheDocument();
    expect(within(table).getByText("All permissions")).toBeInTheDocument();

    await user.click(within(table).getByRole('button', { name: 'Revoke Nightly scoring job of Grace Hopper' }));
    const dialog = screen.getByRole('alertdialog', { name: /Revoke/ });
    expect(dialog).toHaveTextContent('stops working at once');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(requests.find((r) => r.operationName === 'RevokeApiToken')?.variables).toEqual({ id: 'tok_1' });
  });

  it('pages through the organization\'s tokens with the cursor and can include revoked ones', async () => {
    setSessionCookie();
    const owner = { id: 'usr_2', email: 'grace@northwind.example', displayName: 'Grace Hopper' };
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['tokens:manage']) }),
        OrgApiTokens: ({ variables }) => {
          const second = variables?.after === 'c1';
          const node = second
            ? { ...testToken({ id: 'tok_9', name: 'Older job' }), owner }
            : { ...testToken(), owner };
          return gqlData({
            apiTokens: {
              totalCount: 2,
              pageInfo: { hasNextPage: !second, endCursor: second ? 'c2' : 'c1' },
              edges: [{ cursor: node.id, node }],
            },
          });
        },
      },
    });
    renderApp('/admin/tokens');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Older job')).toBeInTheDocument();
    expect(await screen.findByText('Showing 2 of 2 tokens')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'Show revoked tokens' }));
    await waitFor(() =>
      expect(requests.filter((r) => r.operationName === 'OrgApiTokens').at(-1)?.variables).toEqual({
        first: 25,
        after: null,
        includeRevoked: true,
      }),
    );
  });
});
