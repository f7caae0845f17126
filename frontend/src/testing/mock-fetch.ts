import { vi } from 'vitest';

/**
 * A tiny fetch stand-in for component tests: routes requests by URL (and by
 * GraphQL operation name for /graphql) to handlers that return canned
 * responses. Nothing leaves the test process.
 */
export type RecordedRequest = {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  operationName?: string | undefined;
  variables?: Record<string, unknown> | undefined;
};

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };
type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

export function gqlData(data: unknown): Reply {
  return { status: 200, body: { data } };
}

export function gqlError(code: string, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status: 200, body: { data: null, errors: [{ message, extensions: { code, ...extra } }] } };
}

/**
 * Asked on every signed-in page (the nav's pending-approvals badge) or every model version
 * page (its promotion policy and approval history): answered unless a test gives its own handler.
 */
const DEFAULT_GRAPHQL: Record<string, Handler> = {
  PendingPromotionCount: () => gqlData({ pendingPromotionCount: 0 }),
  PromotionPolicy: () =>
    gqlData({
      promotionPolicy: {
        productionRequiresApproval: true,
        stagingRequiresApproval: false,
        requestTtlHours: 168,
        isDefault: true,
        updatedAt: null,
      },
    }),
  DemoSetup: () => gqlData({ demoSetup: null }),
  ModelVersionApprovals: ({ variables }) => gqlData({ modelVersion: { id: variables?.id, approvals: [] } }),
};

export function mockFetch(handlers: { rest?: Record<string, Handler>; graphql?: Record<string, Handler> }) {
  const requests: RecordedRequest[] = [];
  const graphqlHandlers = { ...DEFAULT_GRAPHQL, ...handlers.graphql };

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url, 'http://localhost').pathname;
    const rawBody = typeof init?.body === 'string' ? init.body : undefined;
    const body: unknown = rawBody ? JSON.parse(rawBody) : undefined;
    const record: RecordedRequest = {
      url: path,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body,
    };

    let handler: Handler | undefined;
    if (path === '/graphql') {
      const payload = body as { operationName?: string; variables?: Record<string, unknown> } | undefined;
      record.operationName = payload?.operationName;
      record.variables = payload?.variables;
      handler = record.operationName ? graphqlHandlers[record.operationName] : undefined;
    } else {
      handler = handlers.rest?.[path];
    }
    requests.push(record);

    if (!handler) {
      throw new Error(`Unexpected request in test: ${record.method} ${path} ${record.operationName ?? ''}`);
    }
    const reply = await handler(record);
    const status = reply.status ?? 200;
    return new Response(status === 204 || reply.body === undefined ? null : JSON.stringify(reply.body), {
      status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  });

  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, requests };
}

export function setSessionCookie(token = 'csrf-test-token') {
  document.cookie = `phantom_csrf=${token}; path=/`;
}
