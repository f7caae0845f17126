import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { json, mockFetch } from '@/testing/mock-fetch';

import { LoginForm } from './login-form';

const loginOk = {
  user: { id: 'usr_1', email: 'ada@northwind.example', displayName: 'Ada Lovelace' },
  tenant: { id: 'ten_1', slug: 'northwind', name: 'Northwind Bank' },
  csrfToken: 'csrf-1',
};

async function fillAndSubmit(values: { tenant?: string; email?: string; password?: string }) {
  const user = userEvent.setup();
  if (values.tenant) await user.type(screen.getByLabelText('Organization'), values.tenant);
  if (values.email) await user.type(screen.getByLabelText('Email'), values.email);
  if (values.password) await user.type(screen.getByLabelText('Password'), values.password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('LoginForm', () => {
  it('renders empty, labelled fields and a Sign in button', () => {
    render(<LoginForm onSuccess={vi.fn()} />);
    expect(screen.getByLabelText('Organization')).toHaveValue('');
    expect(screen.getByLabelText('Email')).toHaveValue('');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // typing starts at once: the first (empty) field has the focus
    expect(screen.getByLabelText('Organization')).toHaveFocus();
  });

  it('validates required fields without calling the server', async () => {
    const { fetchMock } = mockFetch({});
    render(<LoginForm onSuccess={vi.fn()} />);

    await fillAndSubmit({ email: 'not-an-email' });

    expect(screen.getByText('Enter your organization.')).toBeInTheDocument();
    expect(screen.getByText('Enter a valid email address.')).toBeInTheDocument();
    expect(screen.getByText('Enter your password.')).toBeInTheDocument();
    expect(screen.getByLabelText('Organization')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Organization')).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's message in the alert when sign-in is refused", async () => {
    mockFetch({
      rest: {
        '/auth/login': () =>
          json(
            { error: { code: 'UNAUTHENTICATED', message: 'Invalid organization, email or password.' } },
            401,
          ),
      },
    });
    const onSuccess = vi.fn();
    render(<LoginForm onSuccess={onSuccess} />);

    await fillAndSubmit({ tenant: 'northwind', email: 'ada@northwind.example', password: 'wrong' });

    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid organization, email or password.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@northwind.example');
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('disables the button while submitting and reports rate limiting with a countdown', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    mockFetch({
      rest: {
        '/auth/login': async () => {
          await gate;
          return json(
            { error: { code: 'RATE_LIMITED', message: 'Too many sign-in attempts. Try again later.' } },
            429,
            { 'Retry-After': '30' },
          );
        },
      },
    });
    render(<LoginForm onSuccess={vi.fn()} />);

    await fillAndSubmit({ tenant: 'northwind', email: 'ada@northwind.example', password: 'pw' });
    const button = screen.getByRole('button', { name: 'Sign in' });
    expect(button).toBeDisabled();

    release();
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again later.');
    expect(screen.getByText('You can try again in 30 seconds.')).toBeInTheDocument();
    expect(button).toBeDisabled();
  });

  it('posts the credentials as JSON and reports success', async () => {
    const { requests } = mockFetch({ rest: { '/auth/login': () => json(loginOk) } });
    const onSuccess = vi.fn();
    render(<LoginForm onSuccess={onSuccess} />);

    await fillAndSubmit({ tenant: ' northwind ', email: 'ada@northwind.example', password: 's3cret pass' });

    await waitFor(() => expect(onSuccess).toHaveBeenCalledWith(loginOk));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(requests[0]?.body).toEqual({ tenant: 'northwind', email: 'ada@northwind.example', password: 's3cret pass' });
  });

  describe('Sign in with SSO', () => {
    it("navigates to the organization's SSO login with a full page load", async () => {
      const { fetchMock } = mockFetch({});
      const navigate = vi.fn();
      render(<LoginForm onSuccess={vi.fn()} navigate={navigate} />);
      const user = userEvent.setup();

      await user.type(screen.getByLabelText('Organization'), ' Northwind ');
      await user.click(screen.getByRole('button', { name: 'Sign in with SSO' }));

      expect(navigate).toHaveBeenCalledExactlyOnceWith('/auth/sso/northwind/login');
      expect(fetchMock).not.toHaveBeenCalled();
      expect(screen.queryByText('Enter your email address.')).not.toBeInTheDocument();
    });

    it('asks for the organization first and never navigates with a bad one', async () => {
      const navigate = vi.fn();
      render(<LoginForm onSuccess={vi.fn()} navigate={navigate} />);
      const user = userEvent.setup();

      await user.click(screen.getByRole('button', { name: 'Sign in with SSO' }));
      expect(screen.getByText("Enter your organization's ID to sign in with SSO.")).toBeInTheDocument();
      expect(screen.getByLabelText('Organization')).toHaveFocus();

      await user.type(screen.getByLabelText('Organization'), '../admin');
      await user.click(screen.getByRole('button', { name: 'Sign in with SSO' }));
      expect(navigate).not.toHaveBeenCalled();
    });
  });
});
