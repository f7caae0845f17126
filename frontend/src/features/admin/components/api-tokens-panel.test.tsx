import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testToken, testViewer } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

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
        AppViewer: () => gqlData({ viewer: testViewer }),
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
    renderApp('/admin');

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
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminApiTokens: () => gqlData(connection(tokens)),
        CreateApiToken: (request) => {
          const created = testToken({ id: 'tok_new', name: 'CI pipeline', prefix: 'phm_new1' });
          tokens = [created, ...tokens];
          expect(request.variables).toEqual({ input: { name: 'CI pipeline', expiresInDays: 30 } });
          return gqlData({ createApiToken: { token: 'phm_new1_SECRETVALUE', apiToken: created } });
        },
      },
    });
    renderApp('/admin');
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
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminApiTokens: () => gqlData(connection([])),
      },
    });
    renderApp('/admin');
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
        AppViewer: () => gqlData({ viewer: testViewer }),
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
    renderApp('/admin');
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
        AppViewer: () => gqlData({ viewer: testViewer }),
        AdminApiTokens: () => gqlData(connection([])),
      },
    });
    renderApp('/admin');

    expect(await screen.findByRole('heading', { name: 'Live events' })).toBeInTheDocument();
    expect(screen.getByTestId('live-events-status')).toHaveTextContent(/Connecting|Not connected/);
    expect(screen.getByText('Waiting for events')).toBeInTheDocument();
  });
});
