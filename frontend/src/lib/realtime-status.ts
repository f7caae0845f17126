/**
 * Connection state of the GraphQL WebSocket (graphql-ws), kept outside React
 * so the client's event listeners can write to it and components can read it
 * with useSyncExternalStore.
 */
export type RealtimeState =
  | 'idle' // no subscription is running, so no socket is open
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'disconnected'; // closed abnormally and gave up retrying (or a fatal close)

export type RealtimeStatus = {
  state: RealtimeState;
  /** When the current connection was acknowledged by the server. */
  connectedAt?: Date | undefined;
  /** Close code/reason of the last abnormal close, for display. */
  lastError?: string | undefined;
};

type Listener = () => void;

export type RealtimeStatusStore = {
  get: () => RealtimeStatus;
  set: (next: RealtimeStatus) => void;
  subscribe: (listener: Listener) => () => void;
};

export function createRealtimeStatusStore(initial: RealtimeStatus = { state: 'idle' }): RealtimeStatusStore {
  let status = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => status,
    set: (next) => {
      status = next;
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Describes a WebSocket close event (graphql-ws passes it as `unknown`). */
export function describeClose(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { code, reason } = event as { code?: unknown; reason?: unknown };
  if (typeof code !== 'number') return undefined;
  if (code === 4401 || code === 4403) return 'Not signed in or not allowed to receive events.';
  if (typeof reason === 'string' && reason) return `${reason} (code ${code})`;
  return `Connection closed (code ${code})`;
}
