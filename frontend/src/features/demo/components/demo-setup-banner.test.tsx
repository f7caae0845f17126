import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { viewerWith } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

import { DEMO_SETUP_POLL_MS } from './demo-setup-banner';

const step = (n: number, label: string, extra: Record<string, unknown> = {}) => ({
  demoSetup: { step: n, total: 7, label, done: false, error: null, ...extra },
});

describe('Demo setup banner', () => {
  afterEach(() => vi.useRealTimers());

  it('follows the preparation step by step and disappears when it is done', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    setSessionCookie();
    const answers = [step(3, 'training a model'), step(5, 'scoring a month of applications'), { demoSetup: { step: 7, total: 7, label: 'done', done: true, error: null } }];
    let calls = 0;
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['users:read']) }),
        DemoSetup: () => gqlData(answers[Math.min(calls++, answers.length - 1)]),
      },
    });
    renderApp('/models');

    const banner = await screen.findByText(/Preparing the demo organization's data/);
    expect(banner.closest('[role="status"]')).toHaveTextContent('step 3 of 7: training a model');
    expect(screen.getByRole('progressbar', { name: 'Demo data preparation' })).toHaveAttribute('value', '2');

    await vi.advanceTimersByTimeAsync(DEMO_SETUP_POLL_MS);
    expect(await screen.findByText(/step 5 of 7: scoring a month of applications/)).toBeInTheDocument();

    await vi.advanceTimersByTimeAsync(DEMO_SETUP_POLL_MS);
    await waitFor(() => expect(screen.queryByText(/Preparing the demo organization's data/)).not.toBeInTheDocument());
    const asked = calls;
    await vi.advanceTimersByTimeAsync(DEMO_SETUP_POLL_MS * 3);
    expect(calls).toBe(asked); // no more polling once done
  });

  it('says which step stopped, and why', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['users:read']) }),
        DemoSetup: () => gqlData(step(3, 'training a model', { error: 'The training job failed.' })),
      },
    });
    renderApp('/models');
    expect(await screen.findByText('The demo data could not be prepared')).toBeInTheDocument();
    expect(screen.getByText(/Step 3 of 7 \(training a model\) stopped: The training job failed\./)).toBeInTheDocument();
  });

  it('shows nothing outside the demo organization', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: { AppViewer: () => gqlData({ viewer: viewerWith(['users:read']) }) },
    });
    renderApp('/models');
    await waitFor(() => expect(requests.some((r) => r.operationName === 'DemoSetup')).toBe(true));
    expect(screen.queryByRole('progressbar', { name: 'Demo data preparation' })).not.toBeInTheDocument();
  });
});
