import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { defaultPolicy } from '@/testing/approvals-fixtures';
import { viewerWith } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

describe('Admin › promotion policy', () => {
  it('lets a compliance officer switch production approval off, warning what it means, and sets the expiry', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['users:read', 'models:read', 'promotion_policy:manage']) }),
        AdminMembers: () => gqlData({ members: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } }),
        AdminPromotionPolicy: () => gqlData({ promotionPolicy: defaultPolicy }),
        SetPromotionPolicy: ({ variables }) => {
          const input = (variables as { input: { productionRequiresApproval: boolean; stagingRequiresApproval: boolean; requestTtlHours: number } }).input;
          return gqlData({
            setPromotionPolicy: { ...input, isDefault: false, updatedAt: '2025-03-05T09:00:00Z' },
          });
        },
      },
    });
    renderApp('/admin');
    const user = userEvent.setup();

    const tabs = await screen.findByRole('navigation', { name: 'Administration sections' });
    await user.click(within(tabs).getByRole('link', { name: 'Promotion policy' }));
    const form = await screen.findByRole('form', { name: 'Promotion policy' });
    expect(screen.getByText('The default policy: your organization has not set its own.')).toBeInTheDocument();
    const production = within(form).getByRole('switch', { name: /Production needs approval/ });
    expect(production).toBeChecked();
    expect(within(form).getByRole('switch', { name: /Staging needs approval/ })).not.toBeChecked();

    await user.click(production);
    expect(within(form).getByText('One person can put a model in production')).toBeInTheDocument();
    const ttl = within(form).getByLabelText('A request expires after (hours)');
    await user.type(ttl, '5000');
    await user.click(within(form).getByRole('button', { name: 'Save policy' }));
    expect(within(form).getByText(/Give a whole number of hours from 1 to 2,160/)).toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'SetPromotionPolicy')).toBe(false);

    await user.clear(ttl);
    await user.type(ttl, '48');
    await user.click(within(form).getByRole('button', { name: 'Save policy' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Promotion policy saved');
    expect(requests.find((r) => r.operationName === 'SetPromotionPolicy')?.variables).toEqual({
      input: { productionRequiresApproval: false, stagingRequiresApproval: false, requestTtlHours: 48 },
    });
  });

  it('is not offered to an administrator without promotion_policy:manage', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['users:read', 'models:read', 'models:promote']) }),
        AdminMembers: () => gqlData({ members: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } }),
      },
    });
    renderApp('/admin');
    const tabs = await screen.findByRole('navigation', { name: 'Administration sections' });
    await waitFor(() => expect(within(tabs).getByRole('link', { name: 'Members' })).toBeInTheDocument());
    expect(within(tabs).queryByRole('link', { name: 'Promotion policy' })).not.toBeInTheDocument();
  });
});
