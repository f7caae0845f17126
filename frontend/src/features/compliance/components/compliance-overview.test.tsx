import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ComplianceOverviewQuery } from '@/gql/graphql';
import { createFakeGraphqlServer } from '@/testing/fake-graphql-ws';
import { testViewer } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

import { formatAge, formatDaysLeft } from '../lib/compliance-overview-format';

type Overview = ComplianceOverviewQuery['complianceOverview'];

const officer = {
  ...testViewer,
  roles: ['compliance_officer'],
  permissions: ['audit:read', 'insights:read', 'models:read', 'retention:manage'],
};

function overview(overrides: Partial<Overview> = {}): Overview {
  return {
    generatedAt: '2026-12-06T12:00:00Z',
    auditChain: {
      lastVerifiedAt: '2026-12-05T08:00:00Z',
      lastVerificationPassed: true,
      lastCheckpointSeq: 412,
      lastCheckpointSignedAt: '2026-12-06T09:00:00Z',
      lastCheckpointAgeHours: 3.2,
    },
    dataSubjectRequests: [
      { id: 'dsr_old', kind: 'ERASURE', status: 'APPROVED', createdAt: '2026-11-10T09:00:00Z', dueAt: '2026-12-10T09:00:00Z', daysLeft: 3 },
      { id: 'dsr_new', kind: 'ACCESS', status: 'PENDING', createdAt: '2026-12-01T09:00:00Z', dueAt: '2027-01-01T09:00:00Z', daysLeft: 25 },
    ],
    modelsAwaitingApproval: [{ modelVersionId: 'mv_4', modelName: 'Customer churn', version: 4 }],
    modelsLackingReport: [
      { model: { modelVersionId: 'mv_3', modelName: 'Customer churn', version: 3 }, newestReportAt: null },
      { model: { modelVersionId: 'mv_7', modelName: 'Loan default', version: 7 }, newestReportAt: '2026-10-01T09:00:00Z' },
    ],
    modelsWithFairnessFlags: [{ modelVersionId: 'mv_7', modelName: 'Loan default', version: 7 }],
    modelsWithDriftAlerts: [{ modelVersionId: 'mv_3', modelName: 'Customer churn', version: 3 }],
    retention: { isSet: true, detailsDays: 365, updatedAt: '2026-11-01T09:00:00Z', lastPurgeAt: '2026-12-06T02:00:00Z' },
    sso: { configured: true, required: false, lastChangedAt: '2026-11-20T09:00:00Z' },
    ...overrides,
  };
}

function serve(data: () => Overview | null, viewer = officer) {
  setSessionCookie();
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      ComplianceOverview: () => {
        const value = data();
        return value ? gqlData({ complianceOverview: value }) : gqlError('FORBIDDEN', 'Missing permission audit:read.');
      },
      AuditChain: () => gqlData({ auditChain: { events: 3, signingKeyIds: [], latestCheckpoint: null } }),
    },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Compliance › overview', () => {
  it('is the first tab and shows what the API returns, each item linking to its detail', async () => {
    serve(() => overview());
    renderApp('/compliance');

    const tabs = await screen.findByRole('navigation', { name: 'Compliance sections' });
    expect(within(tabs).getAllByRole('link').map((link) => link.textContent)).toEqual([
      'Overview',
      'Audit log',
      'Retention',
      'Data subject requests',
      'Audit chain',
    ]);
    expect(within(tabs).getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');

    const requests = await screen.findByTestId('co-requests-table');
    expect(within(requests).getAllByRole('row')).toHaveLength(3);
    const urgent = screen.getByTestId('co-days-dsr_old');
    expect(urgent).toHaveTextContent('3 days left');
    expect(urgent).toHaveClass('co-days--urgent');
    expect(screen.getByTestId('co-days-dsr_new')).toHaveTextContent('25 days left');
    expect(screen.getByTestId('co-days-dsr_new')).not.toHaveClass('co-days--urgent');
    expect(within(screen.getByTestId('co-requests')).getByText('Needs attention')).toBeInTheDocument();

    const chain = screen.getByTestId('co-chain');
    expect(within(chain).getByText('Intact')).toBeInTheDocument();
    expect(screen.getByTestId('co-checkpoint')).toHaveTextContent(`seq 412`);
    expect(screen.getByTestId('co-checkpoint')).toHaveTextContent(`${formatAge(3.2)} ago`);
    expect(within(chain).queryByText('Needs attention')).not.toBeInTheDocument();

    expect(within(screen.getByTestId('co-approvals-list')).getByRole('link', { name: 'Customer churn v4' })).toHaveAttribute(
      'href',
      '/models/versions/mv_4',
    );
    const reports = screen.getByTestId('co-reports-list');
    expect(within(reports).getByRole('link', { name: 'Customer churn v3' })).toHaveAttribute(
      'href',
      '/models/versions/mv_3?tab=documentation',
    );
    expect(reports).toHaveTextContent('no report yet');
    expect(reports).toHaveTextContent('before the last stage change');
    expect(within(screen.getByTestId('co-fairness-list')).getByRole('link', { name: 'Loan default v7' })).toHaveAttribute(
      'href',
      '/models/versions/mv_7?tab=fairness',
    );
    expect(within(screen.getByTestId('co-drift-list')).getByRole('link', { name: 'Customer churn v3' })).toHaveAttribute(
      'href',
      '/models/versions/mv_3?tab=monitoring',
    );
    expect(screen.getByTestId('co-retention-days')).toHaveTextContent('365 days');
    const sso = screen.getByTestId('co-sso');
    expect(sso).toHaveTextContent('Configured');
    expect(within(sso).getByText('No')).toBeInTheDocument();
    // no sso:read: no link to a settings page the officer cannot open
    expect(within(sso).queryByRole('link')).not.toBeInTheDocument();
  });

  it('flags a broken or never verified chain, and no retention policy', async () => {
    serve(() =>
      overview({
        auditChain: {
          lastVerifiedAt: null,
          lastVerificationPassed: null,
          lastCheckpointSeq: null,
          lastCheckpointSignedAt: null,
          lastCheckpointAgeHours: null,
        },
        dataSubjectRequests: [],
        modelsAwaitingApproval: [],
        modelsLackingReport: [],
        modelsWithFairnessFlags: [],
        modelsWithDriftAlerts: [],
        retention: { isSet: false, detailsDays: null, updatedAt: null, lastPurgeAt: null },
        sso: { configured: false, required: false, lastChangedAt: null },
      }),
    );
    renderApp('/compliance');
    expect(await screen.findByText('Never verified: verify it from the audit chain tab')).toBeInTheDocument();
    expect(within(screen.getByTestId('co-chain')).getByText('Needs attention')).toBeInTheDocument();
    expect(screen.getByText('No policy set: details are kept for ever')).toBeInTheDocument();
    expect(screen.getByText(/^No open request/)).toBeInTheDocument();
    expect(screen.getByText('No model waits for approval.')).toBeInTheDocument();
    expect(screen.getByText('Never configured')).toBeInTheDocument();
    expect(screen.queryByTestId('co-requests-table')).not.toBeInTheDocument();
  });

  it('refetches on overviewUpdates and opens a tool on its own tab', async () => {
    const server = createFakeGraphqlServer();
    let pending = 1;
    serve(() =>
      overview({
        modelsAwaitingApproval: Array.from({ length: pending }, (_, index) => ({
          modelVersionId: `mv_${index}`,
          modelName: 'Churn',
          version: index,
        })),
      }),
    );
    const { router } = renderApp('/compliance', { webSocketImpl: server.WebSocket });
    await waitFor(() => expect(within(screen.getByTestId('co-approvals-list')).getAllByRole('link')).toHaveLength(1));
    await waitFor(() => expect(server.subscription('OverviewUpdates')).toBeDefined());
    pending = 2;
    act(() =>
      server.next('OverviewUpdates', {
        overviewUpdates: { topic: 'approvals.promotion.requested', occurredAt: '2026-12-06T12:01:00Z' },
      }),
    );
    await waitFor(() => expect(within(screen.getByTestId('co-approvals-list')).getAllByRole('link')).toHaveLength(2));

    await userEvent.setup().click(screen.getByRole('link', { name: 'Audit chain' }));
    expect(router.state.location.pathname).toBe('/compliance/chain');
    expect(await screen.findByRole('heading', { name: /chain/i, level: 2 })).toBeInTheDocument();
  });

  it('says why when the viewer lacks audit:read', async () => {
    serve(() => null, { ...officer, roles: ['executive'], permissions: ['insights:read'] });
    renderApp('/compliance');
    expect(await screen.findByText('The compliance overview needs the audit:read permission')).toBeInTheDocument();
  });

  it('words deadlines', () => {
    expect(formatDaysLeft(0)).toBe('due today');
    expect(formatDaysLeft(1)).toBe('1 day left');
    expect(formatDaysLeft(-3)).toBe('3 days overdue');
    expect(formatAge(0.5)).toBe('less than an hour');
    expect(formatAge(30, 'en-US')).toBe('30 hours');
    expect(formatAge(100, 'en-US')).toBe('4 days');
  });
});
