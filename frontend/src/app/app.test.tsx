import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, json, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

describe('app frame', () => {
  it('shows the navigation areas, tenant name, user and roles once the viewer loads', async () => {
    setSessionCookie('csrf-abc');
    const { requests } = mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: testViewer }) } });
    const { router } = renderApp('/');

    expect(await screen.findByRole('heading', { name: 'Executive overview', level: 1 })).toBeInTheDocument();
    expect(screen.getByTestId('tenant-name')).toHaveTextContent('Northwind Bank');
    expect(router.state.location.pathname).toBe('/executive');

    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const [label, href] of [
      ['Executive', '/executive'],
      ['Models', '/models'],
      ['Data', '/data'],
      ['Compliance', '/compliance'],
      ['Admin', '/admin'],
    ] as const) {
      expect(within(nav).getByRole('link', { name: label })).toHaveAttribute('href', href);
    }
    expect(within(nav).getByRole('link', { name: 'Executive' })).toHaveAttribute('aria-current', 'page');

    expect(screen.getByTestId('user-name')).toHaveTextContent('Ada Lovelace');
    expect(screen.getByText('ada@northwind.example')).toBeInTheDocument();
    expect(screen.getByText('Admin', { selector: '.badge' })).toBeInTheDocument();
    expect(screen.getByText('Data scientist')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();

    // Every GraphQL request is a same-origin POST carrying the CSRF cookie value.
    const viewerRequest = requests.find((r) => r.operationName === 'AppViewer');
    expect(viewerRequest?.method).toBe('POST');
    expect(viewerRequest?.headers.get('X-CSRF-Token')).toBe('csrf-abc');
  });

  it('offers Compliance only to those who can open one of its tabs', async () => {
    setSessionCookie();
    // the executive role: insights and every ML read, no audit or privacy permission
    const executive = viewerWith(['insights:read', 'models:read', 'training:read', 'datasets:read']);
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: executive }) } });
    renderApp('/models');
    expect(await screen.findByRole('link', { name: 'Data' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Executive' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Compliance' })).not.toBeInTheDocument();
  });

  it('navigates between areas with the sidebar', async () => {
    setSessionCookie();
    const forbidden = () => gqlError('FORBIDDEN', 'You do not have the permission in this organization.');
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: testViewer }),
        AuditChain: forbidden,
        AuditEvents: forbidden,
        DataSubjectRequests: forbidden,
        AuditRetentionPolicy: forbidden,
        Datasets: () =>
          gqlData({ datasets: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } }),
        TrainingJobs: () =>
          gqlData({ trainingJobs: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } }),
      },
    });
    const { router } = renderApp('/executive');
    const user = userEvent.setup();

    await screen.findByText('Executive overview', { selector: 'h1' });
    await user.click(screen.getByRole('link', { name: 'Models' }));
    expect(await screen.findByText('No training jobs yet', { selector: 'h2' })).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Data' }));
    expect(await screen.findByText('No datasets yet', { selector: 'h2' })).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Compliance' }));
    expect(await screen.findByText('Compliance', { selector: 'h1' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/compliance');
  });

  it('sends a visitor without a session to the sign-in page', async () => {
    const { fetchMock } = mockFetch({});
    const { router } = renderApp('/models');

    expect(await screen.findByLabelText('Organization')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fmodels');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('routes to /login when the viewer query fails with UNAUTHENTICATED', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlError('UNAUTHENTICATED', 'Not signed in.') } });
    const { router } = renderApp('/admin');

    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('shows the request reference of an INTERNAL error', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlError('INTERNAL', 'Internal server error.', { requestId: 'req-7f3a' }),
      },
    });
    renderApp('/executive');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Internal server error.');
    expect(alert).toHaveTextContent('Reference: req-7f3a');
  });

  it('signs in, lands on /executive, then signs out again', async () => {
    const { requests } = mockFetch({
      rest: {
        '/auth/login': () => {
          setSessionCookie('csrf-after-login');
          return json({
            user: { id: 'usr_1', email: testViewer.email, displayName: testViewer.displayName },
            tenant: testViewer.tenant,
            csrfToken: 'csrf-after-login',
          });
        },
        '/auth/logout': () => ({ status: 204 }),
      },
      graphql: { AppViewer: () => gqlData({ viewer: testViewer }) },
    });
    const { router } = renderApp('/login');
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Organization'), 'northwind');
    await user.type(screen.getByLabelText('Email'), 'ada@northwind.example');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByTestId('tenant-name')).toHaveTextContent('Northwind Bank');
    expect(router.state.location.pathname).toBe('/executive');

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('Organization')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');

    const logout = requests.find((r) => r.url === '/auth/logout');
    expect(logout?.method).toBe('POST');
    expect(logout?.headers.get('X-CSRF-Token')).toBe('csrf-after-login');
  });

  it('returns to the page asked for after signing in', async () => {
    mockFetch({
      rest: {
        '/auth/login': () => {
          setSessionCookie();
          return json({ user: testViewer, tenant: testViewer.tenant, csrfToken: 'x' });
        },
      },
      graphql: { AppViewer: () => gqlData({ viewer: testViewer }) },
    });
    const { router } = renderApp('/login?next=%2Fcompliance');
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Organization'), 'northwind');
    await user.type(screen.getByLabelText('Email'), 'ada@northwind.example');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/compliance'));
  });
});
