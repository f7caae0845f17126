import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testViewer } from '@/testing/mock-data';
import { gqlData, json, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

const session = {
  user: { id: 'usr_5', email: 'alan@northwind.example', displayName: 'Alan Turing' },
  tenant: { id: 'ten_1', slug: 'northwind', name: 'Northwind Bank' },
  csrfToken: 'csrf-test-token',
};

describe('Accept invitation', () => {
  it('reads the token from the fragment, checks the password and signs in', async () => {
    let attempts = 0;
    const { requests } = mockFetch({
      rest: {
        '/auth/invitation': () => {
          attempts += 1;
          if (attempts === 1) {
            return json({ error: { code: 'BAD_USER_INPUT', message: 'This invitation has expired. Ask for a new one.' } }, 400);
          }
          setSessionCookie();
          return json(session);
        },
      },
      graphql: { AppViewer: () => gqlData({ viewer: testViewer }) },
    });
    const { router } = renderApp('/accept-invite#token=INVITE-SECRET');
    const user = userEvent.setup();

    expect(await screen.findByRole('heading', { name: 'Join your organization' })).toBeInTheDocument();
    // The secret leaves the address bar at once.
    await waitFor(() => expect(router.state.location.hash).toBe(''));

    await user.type(screen.getByLabelText('New password'), 'too short');
    await user.type(screen.getByLabelText('Confirm new password'), 'different');
    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(screen.getByText('Use at least 12 characters.')).toBeInTheDocument();
    expect(requests).toHaveLength(0);

    await user.clear(screen.getByLabelText('New password'));
    await user.type(screen.getByLabelText('New password'), 'correct horse battery staple');
    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(screen.getByText('The passwords do not match.')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Confirm new password'));
    await user.type(screen.getByLabelText('Confirm new password'), 'correct horse battery staple');
    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation has expired. Ask for a new one.');

    await user.click(screen.getByRole('button', { name: 'Set password and sign in' }));
    expect(await screen.findByTestId('tenant-name')).toHaveTextContent('Northwind Bank');
    expect(router.state.location.pathname).toBe('/executive');
    const post = requests.find((r) => r.url === '/auth/invitation');
    expect(post?.method).toBe('POST');
    expect(post?.body).toEqual({ token: 'INVITE-SECRET', password: 'correct horse battery staple' });
  });

  it('explains a link without a token', async () => {
    mockFetch({});
    renderApp('/accept-invite');
    expect(await screen.findByText('This invitation link is incomplete')).toBeInTheDocument();
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
  });
});
