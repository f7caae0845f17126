import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';

import { createApiClient, type ApiClient, type ApiClientOptions } from './api-client';
import type { RealtimeStatus } from './realtime-status';

type ApiControls = {
  /** Drops the cache and the WebSocket; call after sign-in and sign-out. */
  resetClient: () => void;
  current: ApiClient;
};

const ApiControlsContext = createContext<ApiControls | null>(null);

type ApiProviderProps = ApiClientOptions & {
  children: ReactNode;
  /** Inject a ready-made client factory (tests). */
  createClient?: (options: ApiClientOptions) => ApiClient;
};

export function ApiProvider({ children, createClient = createApiClient, ...options }: ApiProviderProps) {
  // Keep the latest callbacks without recreating the client on every render.
  const optionsRef = useRef(options);
  optionsRef.current = options;

  const build = useCallback(
    () =>
      createClient({
        ...optionsRef.current,
        onUnauthenticated: () => optionsRef.current.onUnauthenticated?.(),
      }),
    [createClient],
  );

  const [api, setApi] = useState<ApiClient>(build);

  useEffect(() => () => api.dispose(), [api]);

  const resetClient = useCallback(() => setApi(build()), [build]);
  const controls = useMemo(() => ({ resetClient, current: api }), [resetClient, api]);

  return (
    <ApiControlsContext.Provider value={controls}>
      <UrqlProvider value={api.client}>{children}</UrqlProvider>
    </ApiControlsContext.Provider>
  );
}

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
