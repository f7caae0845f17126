import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { AuditEventFieldsFragment } from '@/gql/graphql';
import { testViewer } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

import { detailEntries, formatZoned } from '../lib/audit-format';

const officer = { ...testViewer, roles: ['compliance_officer'], permissions: [...testViewer.permissions, 'retention:manage', 'users:read'] };
const ADA = '5f1d2c3b-0000-4000-8000-000000000001';
const DATASET = '0a1b2c3d-0000-4000-8000-000000000002';

function event(overrides: Partial<AuditEventFieldsFragment> = {}): AuditEventFieldsFragment {
  return {
    id: 'evt_7',
    seq: 7,
    occurredAt: '2026-11-20T10:00:00Z',
    action: 'datasets.dataset.uploaded',
    actionLabel: 'Uploaded a dataset',
    outcome: 'SUCCESS',
    resourceType: 'dataset',
    resourceId: DATASET,
    resource: { type: 'dataset', id: DATASET, name: 'Card payments', path: `/data/${DATASET}` },
    requestId: 'req-7',
    detailsState: 'AVAILABLE',
    details: { rows: 1200, columns: ['amount', 'merchant'], source: { kind: 'upload', compressed: false } },
    actor: { type: 'USER', userId: ADA, label: null, displayName: 'Ada Lovelace', erased: false },
    personalData: [],
    ...overrides,
  };
}

function page(events: AuditEventFieldsFragment[]) {
  return {
    auditEvents: {
      totalCount: events.length,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: events.map((node) => ({ cursor: `c${node.seq}`, node })),
    },
  };
}

const chain = { auditChain: { events: 7, signingKeyIds: [], latestCheckpoint: null } };
const noRequests = {
  viewer: { id: officer.id },
  dataSubjectRequests: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
};

function mocks(overrides: Record<string, (r: RecordedRequest) => ReturnType<typeof gqlData>> = {}) {
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer: officer }),
      AuditChain: () => gqlData(chain),
      DataSubjectRequests: () => gqlData(noRequests),
      AuditRetentionPolicy: () =>
        gqlData({ auditRetentionPolicy: { detailsDays: 30, updatedAt: '2026-11-01T08:00:00Z', purgedThroughSeq: 40 } }),
      AuditActionLabels: () => gqlData({ auditActionLabels: [{ code: 'datasets.dataset.uploaded', label: 'Uploaded a dataset' }] }),
      AuditPurgeHistory: () =>
        gqlData({
          auditPurgeHistory: [
            { at: '2026-11-21T03:15:00Z', throughSeq: 40, purged: 38, cutoff: '2026-10-22T03:15:00.000000Z', detailsDays: 30 },
          ],
          auditRetentionSchedule: {
            intervalSeconds: 900,
            lastRunAt: '2026-11-21T03:15:00Z',
            nextRunAt: new Date(Date.now() + 10 * 60_000).toISOString(),
          },
        }),
      PredictionLogRetention: () => gqlData({ predictionLogRetention: { days: 90, defaultDays: 90 } }),
      AuditEvents: () =>
        gqlData(
          page([
            event(),
            event({
              id: 'evt_6',
              seq: 6,
              action: 'tests.unknown',
              actionLabel: null,
              outcome: 'DENIED',
              resourceType: 'dataset',
              resourceId: 'ffffeeee-0000-4000-8000-000000000003',
              resource: { type: 'dataset', id: 'ffffeeee-0000-4000-8000-000000000003', name: null, path: null },
              actor: { type: 'USER', userId: 'aaaa1111-0000-4000-8000-000000000004', label: null, displayName: 'Erased person', erased: true },
            }),
            event({
              id: 'evt_5',
              seq: 5,
              action: 'audit.retention.purged',
              actionLabel: 'Deleted audit details past their retention',
              resourceType: 'audit_event',
              resourceId: '40',
              resource: { type: 'audit_event', id: '40', name: null, path: null },
              actor: { type: 'SYSTEM', userId: null, label: 'audit.retention', displayName: 'audit.retention', erased: false },
            }),
          ]),
        ),
      ...overrides,
    },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Audit log, readable', () => {
  it('names people, resources and actions, and shows times with their zone', async () => {
    setSessionCookie();
    mocks();
    renderApp('/compliance/audit-log');

    const table = await screen.findByRole('table', { name: 'Audit events, newest first' });
    const [uploaded, refused, purge] = within(table).getAllByRole('row').slice(1);
    // who, what, on what: names, a label with its code on hover and focus, a link
    expect(within(uploaded!).getByText('Ada Lovelace')).toBeInTheDocument();
    const label = within(uploaded!).getByText('Uploaded a dataset');
    expect(label).toHaveAttribute('title', 'datasets.dataset.uploaded');
    label.focus();
    expect(label).toHaveFocus();
    expect(within(label).getByText('datasets.dataset.uploaded')).toBeInTheDocument();
    expect(within(uploaded!).getByRole('link', { name: 'Card payments' })).toHaveAttribute('href', `/data/${DATASET}`);
    // an erased person, an unlabelled code, a deleted dataset: kind and short id
    expect(within(refused!).getByText('Erased person')).toBeInTheDocument();
    expect(within(refused!).getByText('tests.unknown')).toBeInTheDocument();
    expect(within(refused!).getByText('Dataset ffffeeee')).toBeInTheDocument();
    expect(within(refused!).queryByRole('link')).not.toBeInTheDocument();
    expect(within(refused!).getByText('Refused')).toBeInTheDocument();
    expect(within(purge!).getByText('Automatic: audit.retention')).toBeInTheDocument();
    // the time, in the viewer's zone, says which zone
    const time = within(uploaded!).getByText(formatZoned('2026-11-20T10:00:00Z'));
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
      .formatToParts(new Date('2026-11-20T10:00:00Z'))
      .find((part) => part.type === 'timeZoneName')!.value;
    expect(time.textContent).toContain(zone);
    expect(time).toHaveAttribute('dateTime', '2026-11-20T10:00:00Z');
    expect(screen.getByText(/Times are in your time zone/)).toBeInTheDocument();
  });

  it('formats details as a list a person reads', async () => {
    setSessionCookie();
    mocks();
    renderApp('/compliance/audit-log');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Show details of event 7' }));
    const row = screen.getByText('Rows').closest('dl')!;
    expect(within(row).getByText('1,200')).toBeInTheDocument();
    expect(within(row).getByText('amount, merchant')).toBeInTheDocument();
    expect(within(row).getByText('Source')).toBeInTheDocument();
    expect(within(row).getByText('upload')).toBeInTheDocument();
    expect(within(row).getByText('No')).toBeInTheDocument();
    expect(screen.queryByText(/"rows"/)).not.toBeInTheDocument(); // no raw JSON
    expect(detailEntries({ a_b: null })).toEqual([{ key: 'a_b', label: 'A b', value: '—' }]);
  });

  it('filters by a person chosen by name and by a resource from its row', async () => {
    setSessionCookie();
    const { requests } = mocks({
      AuditPeople: (r) => {
        expect(r.variables).toEqual({ search: 'ada' });
        return gqlData({ members: { edges: [{ node: { id: ADA, displayName: 'Ada Lovelace', email: 'ada@northwind.example' } }] } });
      },
    });
    renderApp('/compliance/audit-log');
    const user = userEvent.setup();
    const events = () => requests.filter((r) => r.operationName === 'AuditEvents');

    await user.type(await screen.findByLabelText('Person'), 'ada');
    const matches = await screen.findByRole('list', { name: 'Matching people' });
    await user.click(within(matches).getByRole('button', { name: /Ada Lovelace/ }));
    await waitFor(() => expect(events().at(-1)?.variables?.filter).toEqual({ actorId: ADA }));
    expect(screen.getByRole('button', { name: 'Clear the person filter (Ada Lovelace)' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Show only events on Card payments' }));
    await waitFor(() =>
      expect(events().at(-1)?.variables?.filter).toEqual({ actorId: ADA, resourceType: 'dataset', resourceId: DATASET }),
    );
    expect(screen.getByLabelText('Resource kind')).toHaveValue('dataset');

    await user.click(screen.getByRole('button', { name: 'Clear the person filter (Ada Lovelace)' }));
    await waitFor(() => expect(events().at(-1)?.variables?.filter).toEqual({ resourceType: 'dataset', resourceId: DATASET }));
  });
});

describe('Retention screen', () => {
  it('shows the purge history, the next run and the prediction log policy', async () => {
    setSessionCookie();
    const { requests } = mocks({
      SetPredictionLogRetention: (r) => gqlData({ setPredictionLogRetention: { days: r.variables?.days as number, defaultDays: 90 } }),
    });
    renderApp('/compliance/retention');
    const user = userEvent.setup();

    const purges = await screen.findByRole('table', { name: 'Purges, newest first' });
    expect(within(purges).getByText('38 events')).toBeInTheDocument();
    expect(within(purges).getByText('(up to event 40)')).toBeInTheDocument();
    expect(within(purges).getByText('30 days')).toBeInTheDocument();
    expect(within(purges).getByText(formatZoned('2026-11-21T03:15:00Z'))).toBeInTheDocument();
    expect(screen.getByText('Automatically, every 15 minutes')).toBeInTheDocument();
    expect(screen.getByTestId('retention-next-run')).toHaveTextContent(/in 10 minutes/);
    expect(screen.getByTestId('prediction-log-retention')).toHaveTextContent('Scored rows are kept for 90 days (the default)');

    const days = screen.getByLabelText('Keep scored rows for (days)');
    await user.type(days, '5000');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText(/from 1 to 3650/)).toBeInTheDocument();
    await user.clear(days);
    await user.type(days, '30');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(requests.find((r) => r.operationName === 'SetPredictionLogRetention')?.variables).toEqual({ days: 30 }),
    );
  });

  it('says so when nothing was purged and no run is recorded', async () => {
    setSessionCookie();
    mocks({
      AuditPurgeHistory: () =>
        gqlData({ auditPurgeHistory: [], auditRetentionSchedule: { intervalSeconds: 3600, lastRunAt: null, nextRunAt: null } }),
    });
    renderApp('/compliance/retention');
    expect(await screen.findByText(/Nothing has been purged yet/)).toBeInTheDocument();
    expect(screen.getByText('Automatically, every hour')).toBeInTheDocument();
    expect(screen.getByTestId('retention-last-run')).toHaveTextContent('No run recorded yet');
  });
});
