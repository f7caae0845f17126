import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { AuditEventFieldsFragment, DataSubjectRequestFieldsFragment } from '@/gql/graphql';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { renderApp } from '@/testing/test-utils';

const officer = { ...testViewer, roles: ['compliance_officer'] };

function auditEvent(overrides: Partial<AuditEventFieldsFragment> = {}): AuditEventFieldsFragment {
  return {
    id: 'evt_3',
    seq: 3,
    occurredAt: '2026-11-20T10:00:00Z',
    action: 'identity.token.created',
    actionLabel: 'Created an API token',
    outcome: 'SUCCESS',
    resourceType: 'api_token',
    resourceId: 'tok_1',
    resource: { type: 'api_token', id: 'tok_1', name: null, path: '/admin/tokens' },
    requestId: 'req-1',
    detailsState: 'AVAILABLE',
    details: { name: 'CI pipeline' },
    actor: { type: 'USER', userId: '5f1d2c3b-0000-4000-8000-000000000001', label: null, displayName: 'Ada Lovelace', erased: false },
    personalData: [{ subjectId: 'subj-1', data: null, erased: true }],
    ...overrides,
  };
}

function page(events: AuditEventFieldsFragment[], hasNextPage = false) {
  return {
    auditEvents: {
      totalCount: events.length + (hasNextPage ? 10 : 0),
      pageInfo: { hasNextPage, endCursor: hasNextPage ? 'cursor-2' : null },
      edges: events.map((node) => ({ cursor: `c${node.seq}`, node })),
    },
  };
}

const checkpoint = { seq: 3, headHash: 'ab'.repeat(32), signedAt: '2026-11-20T10:00:01.000000Z', keyId: 'k'.repeat(32) };
const chain = { auditChain: { events: 3, signingKeyIds: ['k'.repeat(32)], latestCheckpoint: checkpoint } };
const noPolicy = { auditRetentionPolicy: null };
const schedule = { intervalSeconds: 900, lastRunAt: null, nextRunAt: null };
const noPurges = { auditPurgeHistory: [], auditRetentionSchedule: schedule };
/** The queries every compliance page load makes besides its panels' main ones. */
const auditExtras = {
  AuditActionLabels: () => gqlData({ auditActionLabels: [{ code: 'identity.token.created', label: 'Created an API token' }] }),
  AuditPurgeHistory: () => gqlData(noPurges),
  PredictionLogRetention: () => gqlData({ predictionLogRetention: { days: 90, defaultDays: 90 } }),
};
const noRequests = {
  viewer: { id: officer.id },
  dataSubjectRequests: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
};

function request(overrides: Partial<DataSubjectRequestFieldsFragment> = {}): DataSubjectRequestFieldsFragment {
  return {
    id: 'dsr_1',
    kind: 'ERASURE',
    status: 'PENDING',
    subjectId: '9a8b7c6d-0000-4000-8000-000000000009',
    subjectEmail: 'grace@northwind.example',
    reason: 'Ticket 4711',
    requestedBy: 'usr_2',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    executedBy: null,
    executedAt: null,
    createdAt: '2026-11-21T09:00:00Z',
    report: null,
    subjectKind: 'MEMBER',
    identifierColumn: null,
    identifierValue: null,
    matches: null,
    modelsToRetrain: [],
    reportJsonUrl: null,
    reportCsvUrl: null,
    ...overrides,
  };
}

function requestsData(requests: DataSubjectRequestFieldsFragment[]) {
  return {
    viewer: { id: officer.id },
    dataSubjectRequests: {
      totalCount: requests.length,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: requests.map((node) => ({ node })),
    },
  };
}

function readText(blob: Blob): Promise<string> {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.readAsText(blob);
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Compliance › audit log', () => {
  it('lists events, sends the filters, pages with the cursor, and shows details', async () => {
    setSessionCookie();
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: officer }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditRetentionPolicy: () => gqlData(noPolicy),
        DataSubjectRequests: () => gqlData(noRequests),
        AuditEvents: (r: RecordedRequest) =>
          gqlData(r.variables?.after ? page([auditEvent({ id: 'evt_1', seq: 1 })]) : page([auditEvent()], true)),
      },
    });
    renderApp('/compliance/audit-log');
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Audit events, newest first' });
    const action = within(table).getByText('Created an API token');
    expect(action).toHaveAttribute('title', 'identity.token.created');
    expect(within(table).getByText('identity.token.created')).toBeInTheDocument(); // shown on focus
    expect(within(table).getByRole('link', { name: 'API token tok_1' })).toHaveAttribute('href', '/admin/tokens');
    expect(within(table).getByText('Ada Lovelace')).toBeInTheDocument();

    await user.click(within(table).getByRole('button', { name: 'Show details of event 3' }));
    const details = within(table).getByText('Name').closest('dl')!;
    expect(within(details).getByText('CI pipeline')).toBeInTheDocument();
    expect(within(table).getByText(/Erased on request/)).toBeInTheDocument();

    await user.type(screen.getByLabelText('Action'), 'identity.');
    await user.selectOptions(screen.getByLabelText('Outcome'), 'DENIED');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() =>
      expect(requests.filter((r) => r.operationName === 'AuditEvents').at(-1)?.variables).toEqual({
        first: 25,
        after: null,
        filter: { action: 'identity.', outcome: 'DENIED' },
      }),
    );

    await user.click(await screen.findByRole('button', { name: 'Older' }));
    await waitFor(() =>
      expect(requests.filter((r) => r.operationName === 'AuditEvents').at(-1)?.variables?.after).toBe('cursor-2'),
    );
    expect(await screen.findByRole('button', { name: 'Show details of event 1' })).toBeInTheDocument();
  });

  it('says when details are hidden from the role', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: officer }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditRetentionPolicy: () => gqlData(noPolicy),
        DataSubjectRequests: () => gqlData(noRequests),
        AuditEvents: () => gqlData(page([auditEvent({ detailsState: 'HIDDEN', details: null, personalData: [] })])),
      },
    });
    renderApp('/compliance/audit-log');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Show details of event 3' }));
    expect(screen.getByText(/needs the audit:read_details permission/)).toBeInTheDocument();
  });
});

describe('Compliance › integrity', () => {
  it('verifies the chain and shows the checkpoint it reached, or where it broke', async () => {
    setSessionCookie();
    let intact = true;
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: officer }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditRetentionPolicy: () => gqlData(noPolicy),
        AuditEvents: () => gqlData(page([])),
        DataSubjectRequests: () => gqlData(noRequests),
        VerifyAuditChain: () =>
          gqlData({
            verifyAuditChain: intact
              ? { ok: true, events: 3, firstBadSeq: null, reason: null, checkpoint }
              : { ok: false, events: 1, firstBadSeq: 2, reason: 'event 2 was altered, inserted or reordered', checkpoint: null },
          }),
      },
    });
    renderApp('/compliance/chain');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Verify chain' }));
    const ok = await screen.findByRole('status');
    expect(ok).toHaveTextContent('Chain intact: 3 events verified');
    expect(ok).toHaveTextContent(`seq 3`);
    expect(ok).toHaveTextContent('k'.repeat(32));

    intact = false;
    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    const broken = await screen.findByRole('alert');
    expect(broken).toHaveTextContent('Chain broken at seq 2');
    expect(broken).toHaveTextContent('event 2 was altered');
  });

  it('exports the log as a file and reports the signed checkpoint', async () => {
    setSessionCookie();
    const created: Blob[] = [];
    vi.stubGlobal('URL', Object.assign(URL, {
      createObjectURL: (blob: Blob) => {
        created.push(blob);
        return 'blob:test';
      },
      revokeObjectURL: () => {},
    }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: officer }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditRetentionPolicy: () => gqlData(noPolicy),
        AuditEvents: () => gqlData(page([])),
        DataSubjectRequests: () => gqlData(noRequests),
        ExportAuditLog: () =>
          gqlData({
            exportAuditLog: {
              filename: 'audit-northwind-1-4.jsonl',
              content: '{"type":"header"}\n',
              fromSeq: 1,
              toSeq: 4,
              events: 4,
              checkpoint: { ...checkpoint, seq: 4 },
            },
          }),
      },
    });
    renderApp('/compliance/chain');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Export' }));
    expect(await screen.findByText(/Exported 4 events \(seq 1–4\) to audit-northwind-1-4.jsonl/)).toBeInTheDocument();
    expect(screen.getByText(/checkpoint signed at seq 4/)).toBeInTheDocument();
    expect(created).toHaveLength(1);
    expect(await readText(created[0]!)).toBe('{"type":"header"}\n');
    expect(click).toHaveBeenCalledTimes(1);
    click.mockRestore();
  });
});

describe('Compliance › data subject requests', () => {
  it('files a request and offers approval only to another officer', async () => {
    setSessionCookie();
    let stored = [request({ id: 'dsr_mine', requestedBy: officer.id, subjectEmail: 'mine@northwind.example' }), request()];
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: officer }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditRetentionPolicy: () => gqlData(noPolicy),
        AuditEvents: () => gqlData(page([])),
        DataSubjectRequests: () => gqlData(requestsData(stored)),
        CreateDataSubjectRequest: (r: RecordedRequest) => {
          const created = request({ id: 'dsr_new', requestedBy: officer.id, subjectEmail: 'new@northwind.example' });
          stored = [created, ...stored];
          expect(r.variables).toEqual({
            input: { kind: 'ACCESS', subjectEmail: 'new@northwind.example', reason: 'Ticket 9' },
          });
          return gqlData({ createDataSubjectRequest: created });
        },
        ApproveDataSubjectRequest: () => {
          stored = stored.map((s) => (s.id === 'dsr_1' ? { ...s, status: 'APPROVED' as const } : s));
          return gqlData({ approveDataSubjectRequest: stored.find((s) => s.id === 'dsr_1') });
        },
      },
    });
    renderApp('/compliance/requests');
    const user = userEvent.setup();

    const table = await screen.findByRole('table', { name: 'Data subject requests, newest first' });
    const mine = within(table).getByText('mine@northwind.example').closest('tr')!;
    expect(within(mine).getByText('Awaiting another officer’s approval')).toBeInTheDocument();
    expect(within(mine).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();

    const theirs = within(table).getByText('grace@northwind.example').closest('tr')!;
    await user.click(within(theirs).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(within(theirs).getByText('Approved')).toBeInTheDocument());
    expect(within(theirs).getByRole('button', { name: 'Execute' })).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Kind'), 'ACCESS');
    await user.type(screen.getByLabelText('Person’s email'), 'new@northwind.example');
    await user.type(screen.getByLabelText('Reason'), 'Ticket 9');
    await user.click(screen.getByRole('button', { name: 'File request' }));
    expect(await within(table).findByText('new@northwind.example')).toBeInTheDocument();
    expect(requests.find((r) => r.operationName === 'CreateDataSubjectRequest')?.headers.get('X-CSRF-Token')).toBe(
      'csrf-test-token',
    );
  });

  it('executes an erasure after confirmation and shows the report and errors', async () => {
    setSessionCookie();
    let stored = [request({ status: 'APPROVED' })];
    let refuse = true;
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: officer }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditRetentionPolicy: () => gqlData(noPolicy),
        AuditEvents: () => gqlData(page([])),
        DataSubjectRequests: () => gqlData(requestsData(stored)),
        ExecuteDataSubjectRequest: () => {
          if (refuse) {
            refuse = false;
            return gqlError('CONFLICT', 'An organization must keep at least one active owner.');
          }
          stored = [
            request({
              status: 'EXECUTED',
              subjectEmail: null,
              report: { audit_subject_key_destroyed: true, user_record: 'deleted', references: [] },
            }),
          ];
          return gqlData({ executeDataSubjectRequest: stored[0] });
        },
      },
    });
    renderApp('/compliance/requests');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Execute' }));
    await user.click(screen.getByRole('button', { name: 'Confirm erasure' }));
    expect(await screen.findByText('An organization must keep at least one active owner.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Confirm erasure' }));
    expect(await screen.findByText(/erased subject 9a8b7c6d/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Report' }));
    expect(screen.getByText(/"audit_subject_key_destroyed": true/)).toBeInTheDocument();
  });
});

/** The test permissions omit retention:manage; a compliance officer holds it. */
const manager = { ...officer, permissions: [...officer.permissions, 'retention:manage'] };

describe('Compliance › retention', () => {
  it('shows the policy in force, checks the days, saves and reloads it', async () => {
    setSessionCookie();
    let stored: { detailsDays: number | null; updatedAt: string; purgedThroughSeq: number } | null = null;
    const { requests } = mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: manager }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditEvents: () => gqlData(page([])),
        DataSubjectRequests: () => gqlData(noRequests),
        AuditRetentionPolicy: () => gqlData({ auditRetentionPolicy: stored }),
        SetAuditRetentionPolicy: (r: RecordedRequest) => {
          stored = { detailsDays: r.variables?.detailsDays as number, updatedAt: '2026-11-22T08:00:00Z', purgedThroughSeq: 0 };
          return gqlData({ setAuditRetentionPolicy: stored });
        },
      },
    });
    renderApp('/compliance/retention');
    const user = userEvent.setup();

    expect(await screen.findByTestId('retention-policy')).toHaveTextContent('Event details are kept for ever');
    const days = screen.getByLabelText('Keep event details for (days)');
    await user.type(days, '0');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    expect(screen.getByText(/Give a whole number of days from 1 to 36500/)).toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'SetAuditRetentionPolicy')).toBe(false);

    await user.clear(days);
    await user.type(days, '400');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await waitFor(() => expect(screen.getByTestId('retention-policy')).toHaveTextContent('Event details are kept for 400 days'));
    expect(screen.getByRole('status')).toHaveTextContent('Event details are kept for 400 days.');
    const saved = requests.find((r) => r.operationName === 'SetAuditRetentionPolicy');
    expect(saved?.variables).toEqual({ detailsDays: 400 });
    expect(saved?.headers.get('X-CSRF-Token')).toBe('csrf-test-token');
  });

  it('shows the purge progress, and offers no form without retention:manage', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['audit:read']) }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditEvents: () => gqlData(page([])),
        DataSubjectRequests: () => gqlData(noRequests),
        AuditRetentionPolicy: () =>
          gqlData({ auditRetentionPolicy: { detailsDays: 30, updatedAt: '2026-11-22T08:00:00Z', purgedThroughSeq: 12 } }),
      },
    });
    renderApp('/compliance/retention');

    expect(await screen.findByTestId('retention-policy')).toHaveTextContent('Event details are kept for 30 days');
    expect(screen.getByText('event 12')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save policy' })).not.toBeInTheDocument();
  });

  it('says why the server refused a policy', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: manager }),
        AuditChain: () => gqlData(chain),
        ...auditExtras,
        AuditEvents: () => gqlData(page([])),
        DataSubjectRequests: () => gqlData(noRequests),
        AuditRetentionPolicy: () => gqlData(noPolicy),
        SetAuditRetentionPolicy: () => gqlError('FORBIDDEN', 'You do not have the permission in this organization.'),
      },
    });
    renderApp('/compliance/retention');
    const user = userEvent.setup();

    await user.type(await screen.findByLabelText('Keep event details for (days)'), '90');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    const refusal = await screen.findByRole('alert');
    expect(refusal).toHaveTextContent('The policy was not saved');
    expect(refusal).toHaveTextContent('You do not have the permission');
    expect(screen.getByTestId('retention-policy')).toHaveTextContent('Event details are kept for ever');
  });
});
