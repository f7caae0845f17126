import { createContext, useContext, useSyncExternalStore } from 'react';

import type { ApiClient } from './api-client';
import type { RealtimeStatus } from './realtime-status';

export type ApiControls = {
  /** Drops the cache and the WebSocket; call after sign-in and sign-out. */
  resetClient: () => void;
  current: ApiClient;
};

export const ApiControlsContext = createContext<ApiControls | null>(null);

function useApiControls(): ApiControls {
  const controls = useContext(ApiControlsContext);
  if (!controls) throw new Error('useApiControls must be used inside <ApiProvider>');
  return controls;
}

export function useResetApiClient(): () => void {
  return useApiControls().resetClient;
}

/** Live state of the GraphQL WebSocket used by subscriptions. */
export function useRealtimeStatus(): RealtimeStatus {
  const { realtime } = useApiControls().current;
  return useSyncExternalStore(realtime.subscribe, realtime.get, realtime.get);
}
