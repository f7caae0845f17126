import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

import { env } from '@/config/env';

import { csrfHeaders, readCsrfToken } from './csrf';
import { isUnauthenticated } from './errors';
import { createRealtimeStatusStore, describeClose, type RealtimeStatusStore } from './realtime-status';

export type ApiClientOptions = {
  /** Called when any operation fails with UNAUTHENTICATED (e.g. the session expired). */
  onUnauthenticated?: () => void;
  /** Override for tests; defaults to the global fetch at call time. */
  fetch?: typeof fetch;
  /** Override for tests; defaults to the browser WebSocket. */
  webSocketImpl?: unknown;
  /** Defaults to ws(s)://<location.host><GRAPHQL_PATH>. */
  wsUrl?: string;
};

export type ApiClient = {
  client: Client;
  realtime: RealtimeStatusStore;
  dispose: () => void;
};

export function graphqlWsUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${env.GRAPHQL_PATH}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Wraps fetch so that a non-2xx answer in the REST error shape
 * (`{"error": {"code", "message"}}`, e.g. from a CSRF or rate-limit
 * middleware in front of GraphQL) surfaces as a GraphQL error with
 * `extensions.code`, instead of an opaque network error.
 */
export function createGraphqlFetch(baseFetch?: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await (baseFetch ?? globalThis.fetch)(input, init);
    if (response.ok) return response;
    if (!(response.headers.get('Content-Type') ?? '').includes('json')) return response;

    let body: unknown;
    try {
      body = await response.clone().json();
    } catch {
      return response;
    }
    if (!isRecord(body) || 'errors' in body || !isRecord(body.error)) return response;

    const { code, message, requestId } = body.error;
    const extensions: Record<string, unknown> = { code: typeof code === 'string' ? code : 'INTERNAL' };
    if (typeof requestId === 'string') extensions.requestId = requestId;
    const retryAfter = Number(response.headers.get('Retry-After'));
    if (response.headers.has('Retry-After') && Number.isFinite(retryAfter)) extensions.retryAfter = retryAfter;

    return new Response(
      JSON.stringify({
        data: null,
        errors: [{ message: typeof message === 'string' && message ? message : response.statusText, extensions }],
      }),
      { status: response.status, statusText: response.statusText, headers: { 'Content-Type': 'application/json' } },
    );
  };
}

/**
 * One urql client per signed-in session: queries and mutations go over
 * same-origin POST with the session cookie and the CSRF header,
 * subscriptions over graphql-ws on the same origin (the cookie
 * authenticates the upgrade request).
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const realtime = createRealtimeStatusStore();
  let wsClient: WsClient | undefined;

  const getWsClient = (): WsClient => {
    wsClient ??= createWsClient({
      url: options.wsUrl ?? graphqlWsUrl(),
      lazy: true,
      lazyCloseTimeout: 1_000,
      retryAttempts: 8,
      // Retry dropped connections, but not a refused sign-in (4401/4403): that
      // needs a new session, not another attempt with the same cookie.
      shouldRetry: (closeEvent) =>
        isRecord(closeEvent) &&
        typeof closeEvent.code === 'number' &&
        'reason' in closeEvent &&
        closeEvent.code !== 4401 &&
        closeEvent.code !== 4403,
      keepAlive: 20_000,
      // The cookie authenticates the socket; the CSRF token is sent as well so
      // the server can reject cross-site WebSocket hijacking attempts.
      connectionParams: () => {
        const csrfToken = readCsrfToken();
        return csrfToken ? { csrfToken } : {};
      },
      ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
      on: {
        connecting: (isRetry) =>
          realtime.set({ ...realtime.get(), state: isRetry ? 'reconnecting' : 'connecting' }),
        connected: () => realtime.set({ state: 'connected', connectedAt: new Date() }),
        closed: (event) => {
          const code = isRecord(event) && typeof event.code === 'number' ? event.code : undefined;
          if (code === 1000) realtime.set({ state: 'idle' });
          else realtime.set({ state: 'disconnected', lastError: describeClose(event) });
        },
        error: () => realtime.set({ ...realtime.get(), state: 'disconnected' }),
      },
    });
    return wsClient;
  };

  const client = new Client({
    url: env.GRAPHQL_PATH,
    preferGetMethod: false, // always POST: the CSRF contract is for POST /graphql
    fetch: createGraphqlFetch(options.fetch),
    fetchOptions: () => ({
      credentials: 'same-origin',
      headers: csrfHeaders(),
    }),
    requestPolicy: 'cache-and-network',
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) options.onUnauthenticated?.();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = getWsClient().subscribe(payload, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    realtime,
    dispose: () => {
      void wsClient?.dispose();
      wsClient = undefined;
    },
  };
}
