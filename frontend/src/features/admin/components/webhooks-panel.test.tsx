import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ALL_PERMISSIONS, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { monitoringViewer } from '@/testing/monitoring-fixtures';
import { renderApp } from '@/testing/test-utils';

import { MAX_URL, urlProblem } from '../lib/webhook-url';

type Hook = { id: string; url: string; events: string[]; createdAt: string };

const SECRET = 'whsec_5f3c2a8e9b1d4f7a6c0e2b9d8a7f6e5d';

function connection<T>(nodes: T[]) {
  return {
    totalCount: nodes.length,
    pageInfo: { hasNextPage: false, endCursor: null },
    edges: nodes.map((node, index) => ({ cursor: `c${index}`, node })),
  };
}

function serve(initial: Hook[] = [], refuseCreate?: string) {
  setSessionCookie();
  let hooks = [...initial];
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer: monitoringViewer }),
      Webhooks: () => gqlData({ webhooks: connection(hooks) }),
      CreateWebhook: (request) => {
        if (refuseCreate) return gqlError('BAD_USER_INPUT', refuseCreate);
        const input = request.variables?.input as { url: string; events: string[] };
        const webhook = { id: `wh_${hooks.length + 1}`, url: input.url, events: input.events, createdAt: '2026-12-06T12:00:00Z' };
        hooks = [webhook, ...hooks];
        return gqlData({ createWebhook: { secret: SECRET, webhook } });
      },
      DeleteWebhook: (request) => {
        hooks = hooks.filter((h) => h.id !== request.variables?.id);
        return gqlData({ deleteWebhook: true });
      },
      WebhookDeliveries: () =>
        gqlData({
          webhookDeliveries: connection([
            {
              id: 'dl_1',
              eventId: 'ev_1',
              event: 'alert.opened',
              status: 'RETRYING',
              attempts: 2,
              lastStatusCode: 503,
              lastError: 'HTTP 503 from the receiver',
              nextAttemptAt: '2999-01-01T00:00:00Z',
              deliveredAt: null,
              createdAt: '2026-12-06T12:00:00Z',
            },
            {
              id: 'dl_2',
              eventId: 'ev_2',
              event: 'alert.resolved',
              status: 'DELIVERED',
              attempts: 1,
              lastStatusCode: 200,
              lastError: null,
              nextAttemptAt: null,
              deliveredAt: '2026-12-06T12:01:00Z',
              createdAt: '2026-12-06T12:01:00Z',
            },
          ]),
        }),
    },
  });
}

const existing: Hook = { id: 'wh_0', url: 'https://hooks.example.com/ops', events: ['alert.opened'], createdAt: '2026-12-01T09:00:00Z' };

describe('Admin › Webhooks', () => {
  it('creates a webhook and shows its secret once', async () => {
    const { requests } = serve();
    renderApp('/admin/webhooks');
    expect(await screen.findByText('No webhooks yet')).toBeInTheDocument();
    const user = userEvent.setup();
    const form = screen.getByRole('form', { name: 'Create a webhook' });
    await user.type(within(form).getByLabelText('Receiver URL'), '  https://hooks.example.com/phantom ');
    await user.click(within(form).getByLabelText('alert.acknowledged'));
    await user.click(within(form).getByRole('button', { name: 'Create webhook' }));

    const secret = await screen.findByRole('region', { name: 'New webhook secret' });
    expect(secret).toHaveTextContent('You will not see this secret again');
    expect(within(secret).getByLabelText('Webhook signing secret')).toHaveValue(SECRET);
    expect(within(secret).getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'CreateWebhook')?.variables).toEqual({
      input: { url: 'https://hooks.example.com/phantom', events: ['alert.opened', 'alert.resolved'] },
    });
    const row = await screen.findByTestId('webhook-row');
    expect(row).toHaveTextContent('https://hooks.example.com/phantom');
    expect(row).toHaveTextContent('alert.openedalert.resolved');
    expect(within(form).getByLabelText('Receiver URL')).toHaveValue('');

    await user.click(within(secret).getByRole('button', { name: 'I have stored it safely' }));
    expect(screen.queryByRole('region', { name: 'New webhook secret' })).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  });

  it('checks the URL and the events before asking the server', async () => {
    const { requests } = serve();
    renderApp('/admin/webhooks');
    const form = await screen.findByRole('form', { name: 'Create a webhook' });
    const user = userEvent.setup();
    await user.click(within(form).getByRole('button', { name: 'Create webhook' }));
    expect(within(form).getByText('Enter the URL that receives the deliveries.')).toBeInTheDocument();
    await user.type(within(form).getByLabelText('Receiver URL'), 'javascript:alert(1)');
    expect(within(form).getByText('The URL must start with https://.')).toBeInTheDocument();
    for (const name of ['alert.opened', 'alert.acknowledged', 'alert.resolved']) await user.click(within(form).getByLabelText(name));
    await user.click(within(form).getByRole('button', { name: 'Create webhook' }));
    expect(within(form).getByText('Choose at least one event.')).toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'CreateWebhook')).toBe(false);

    expect(urlProblem('not a url')).toMatch(/full URL/);
    expect(urlProblem(`https://hooks.example.com/${'a'.repeat(MAX_URL)}`)).toMatch(/at most 2048/);
    expect(urlProblem('https://hooks.example.com/x')).toBeNull();
  });

  it("shows the server's refusal", async () => {
    serve([], "The URL's host is a private, loopback or link-local address.");
    renderApp('/admin/webhooks');
    const form = await screen.findByRole('form', { name: 'Create a webhook' });
    const user = userEvent.setup();
    await user.type(within(form).getByLabelText('Receiver URL'), 'https://10.0.0.5/hook');
    await user.click(within(form).getByRole('button', { name: 'Create webhook' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('private, loopback or link-local');
    expect(screen.queryByRole('region', { name: 'New webhook secret' })).not.toBeInTheDocument();
  });

  it('lists deliveries with status, attempts, last status code and error', async () => {
    serve([existing]);
    renderApp('/admin/webhooks');
    await screen.findByRole('button', { name: 'Deliveries' });
    const row = screen.getByTestId('webhook-row');
    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Deliveries' }));
    await waitFor(() => expect(screen.getAllByTestId('delivery-row')).toHaveLength(2));
    const [retrying, delivered] = screen.getAllByTestId('delivery-row');
    expect(retrying).toHaveTextContent('alert.openedRetrying2503HTTP 503 from the receiver');
    expect(retrying).toHaveTextContent('next try');
    expect(delivered).toHaveTextContent('alert.resolvedDelivered1200—');
  });

  it('deletes after confirmation', async () => {
    const { requests } = serve([existing]);
    renderApp('/admin/webhooks');
    await screen.findByRole('button', { name: 'Delete' });
    const row = screen.getByTestId('webhook-row');
    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete this webhook?' });
    expect(dialog).toHaveTextContent('https://hooks.example.com/ops will no longer receive alert events');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(requests.some((r) => r.operationName === 'DeleteWebhook')).toBe(false);
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete webhook' }));
    expect(await screen.findByText('No webhooks yet')).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'DeleteWebhook')?.variables).toEqual({ id: 'wh_0' });
  });

  it('is hidden without webhooks:manage', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: viewerWith([...ALL_PERMISSIONS]) }) } });
    renderApp('/admin/webhooks');
    expect(await screen.findByText('You do not have access to this section')).toBeInTheDocument();
    const tabs = screen.getByRole('navigation', { name: 'Administration sections' });
    expect(within(tabs).queryByRole('link', { name: 'Webhooks' })).not.toBeInTheDocument();
  });
});
