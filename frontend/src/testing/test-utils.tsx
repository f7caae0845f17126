import { render } from '@testing-library/react';

import { App } from '@/app';
import { createTestRouter } from '@/app/router';
import { createApiClient, type ApiClientOptions } from '@/lib/api-client';

/** A WebSocket that never connects, so subscription code can't reach the network. */
export class InertWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly protocol = 'graphql-transport-ws';
  readyState = 0;
  onopen: unknown = null;
  onclose: unknown = null;
  onerror: unknown = null;
  onmessage: unknown = null;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {}
  send() {}
  close() {
    this.readyState = 3;
  }
  addEventListener() {}
  removeEventListener() {}
}

/** Renders the whole app (router + providers) at `path`, against the mocked fetch. */
export function renderApp(path: string, clientOptions: Partial<ApiClientOptions> = {}) {
  const router = createTestRouter(path);
  const utils = render(
    <App
      router={router}
      createClient={(options) =>
        createApiClient({ ...options, webSocketImpl: InertWebSocket, wsUrl: 'ws://test.invalid/graphql', ...clientOptions })
      }
    />,
  );
  return { ...utils, router };
}
