/**
 * A WebSocket stand-in that speaks the server side of graphql-transport-ws, so the real
 * urql + graphql-ws client runs subscriptions in tests: it acknowledges the connection,
 * records each `subscribe`, and lets the test push `next` / `complete` messages.
 */
type Listener = ((event: unknown) => void) | null;
type SubscribePayload = { operationName?: string; query: string; variables?: Record<string, unknown> };

export type FakeGraphqlServer = {
  /** Pass as `webSocketImpl` to renderApp. */
  WebSocket: new (url: string, protocols?: string | string[]) => unknown;
  /** The variables of the running subscription with this operation name, if any. */
  subscription: (operationName: string) => { id: string; variables: Record<string, unknown> } | undefined;
  /** Sends `data` to the running subscription with this operation name. */
  next: (operationName: string, data: unknown) => void;
  /** Ends the running subscription with this operation name from the server side. */
  complete: (operationName: string) => void;
  /** Fails the running subscription with this operation name (a graphql-ws `error` message). */
  fail: (operationName: string, errors: { message: string; extensions?: Record<string, unknown> }[]) => void;
  /** Every subscribe message seen, in order (including finished ones). */
  subscribed: () => SubscribePayload[];
};

export function createFakeGraphqlServer(): FakeGraphqlServer {
  const sockets: FakeSocket[] = [];
  const history: SubscribePayload[] = [];

  class FakeSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly protocol = 'graphql-transport-ws';
    readyState = 0;
    onopen: Listener = null;
    onclose: Listener = null;
    onerror: Listener = null;
    onmessage: Listener = null;
    readonly running = new Map<string, SubscribePayload>();

    constructor(
      readonly url: string,
      readonly protocols?: string | string[],
    ) {
      sockets.push(this);
      setTimeout(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        this.onopen?.({});
      }, 0);
    }

    send(data: string) {
      const message = JSON.parse(data) as { type: string; id?: string; payload?: SubscribePayload };
      if (message.type === 'connection_init') this.deliver({ type: 'connection_ack' });
      else if (message.type === 'ping') this.deliver({ type: 'pong' });
      else if (message.type === 'subscribe' && message.id && message.payload) {
        this.running.set(message.id, message.payload);
        history.push(message.payload);
      } else if (message.type === 'complete' && message.id) this.running.delete(message.id);
    }

    close(code = 1000, reason = '') {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.running.clear();
      this.onclose?.({ code, reason, wasClean: true });
    }

    addEventListener() {}
    removeEventListener() {}

    deliver(message: unknown) {
      if (this.readyState === 1) this.onmessage?.({ data: JSON.stringify(message) });
    }
  }

  const find = (operationName: string) => {
    for (const socket of [...sockets].reverse()) {
      for (const [id, payload] of socket.running) {
        const name = payload.operationName ?? /subscription\s+(\w+)/.exec(payload.query)?.[1];
        if (name === operationName) return { socket, id, payload };
      }
    }
    return undefined;
  };

  return {
    WebSocket: FakeSocket,
    subscription: (operationName) => {
      const found = find(operationName);
      return found ? { id: found.id, variables: found.payload.variables ?? {} } : undefined;
    },
    next: (operationName, data) => {
      const found = find(operationName);
      if (!found) throw new Error(`No running subscription ${operationName}`);
      found.socket.deliver({ type: 'next', id: found.id, payload: { data } });
    },
    complete: (operationName) => {
      const found = find(operationName);
      if (!found) throw new Error(`No running subscription ${operationName}`);
      found.socket.running.delete(found.id);
      found.socket.deliver({ type: 'complete', id: found.id });
    },
    fail: (operationName, errors) => {
      const found = find(operationName);
      if (!found) throw new Error(`No running subscription ${operationName}`);
      found.socket.running.delete(found.id);
      found.socket.deliver({ type: 'error', id: found.id, payload: errors });
    },
    subscribed: () => [...history],
  };
}
