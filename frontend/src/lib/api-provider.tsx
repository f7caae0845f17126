import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';

import { createApiClient, type ApiClient, type ApiClientOptions } from './api-client';
import { ApiControlsContext } from './api-controls';

type ApiProviderProps = ApiClientOptions & {
  children: ReactNode;
  /** Inject a ready-made client factory (tests). */
  createClient?: (options: ApiClientOptions) => ApiClient;
};

export function ApiProvider({ children, createClient = createApiClient, ...options }: ApiProviderProps) {
  // Keep the latest callbacks without recreating the client on every render.
  const optionsRef = useRef(options);
  useLayoutEffect(() => {
    optionsRef.current = options;
  });

  // Stable, and reads the latest callback only when called (after render).
  const onUnauthenticated = useCallback(() => optionsRef.current.onUnauthenticated?.(), []);
  // The compiler cannot see that the client only stores onUnauthenticated and calls it on a 401, never while rendering.
  // eslint-disable-next-line react-hooks/refs
  const [api, setApi] = useState<ApiClient>(() => createClient({ ...options, onUnauthenticated }));

  useEffect(() => () => api.dispose(), [api]);

  const resetClient = useCallback(
    () => setApi(createClient({ ...optionsRef.current, onUnauthenticated })),
    [createClient, onUnauthenticated],
  );
  const controls = useMemo(() => ({ resetClient, current: api }), [resetClient, api]);

  return (
    <ApiControlsContext.Provider value={controls}>
      <UrqlProvider value={api.client}>{children}</UrqlProvider>
    </ApiControlsContext.Provider>
  );
}
