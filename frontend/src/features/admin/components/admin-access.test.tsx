import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

const emptyMembers = gqlData({ members: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } });

describe('Admin › permission-aware navigation', () => {
  it('hides the Admin entry from a viewer without any admin permission', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: viewerWith(['models:read']) }) } });
    renderApp('/executive');

    expect(await screen.findByTestId('tenant-name')).toHaveTextContent('Northwind Bank');
    expect(screen.getByRole('link', { name: /Executive/ })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Admin/ })).not.toBeInTheDocument();
  });

  it('shows only the sections the viewer may read and opens the first', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['users:read', 'tokens:create']) }),
        AdminMembers: () => emptyMembers,
        AdminApiTokens: () =>
          gqlData({
            viewer: { id: 'usr_1', apiTokens: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } },
          }),
      },
    });
    const { router } = renderApp('/admin');

    const tabs = await screen.findByRole('navigation', { name: 'Administration sections' });
    expect([...tabs.querySelectorAll('a')].map((a) => a.textContent)).toEqual(['Members', 'API tokens']);
    expect(await screen.findByRole('heading', { name: 'Members' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/members');
  });

  it('refuses a section the viewer cannot read, even by URL', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: viewerWith(['tokens:create']) }) } });
    renderApp('/admin/roles');

    expect(await screen.findByText('You do not have access to this section')).toBeInTheDocument();
  });

  it('shows every section to an administrator', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: testViewer }), AdminMembers: () => emptyMembers } });
    renderApp('/admin/members');

    const tabs = await screen.findByRole('navigation', { name: 'Administration sections' });
    expect([...tabs.querySelectorAll('a')].map((a) => a.textContent)).toEqual([
      'Members',
      'Roles & permissions',
      'Single sign-on',
      'API tokens',
      'Live events',
    ]);
  });
});
