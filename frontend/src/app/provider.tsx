import type { ReactNode } from 'react';

import { ApiProvider } from '@/lib/api-provider';
import type { ApiClient, ApiClientOptions } from '@/lib/api-client';

type AppProviderProps = {
  children: ReactNode;
  onUnauthenticated: () => void;
  createClient?: ((options: ApiClientOptions) => ApiClient) | undefined;
};

/** App-wide providers: the GraphQL client (HTTP + WebSocket). */
export function AppProvider({ children, onUnauthenticated, createClient }: AppProviderProps) {
  return (
    <ApiProvider onUnauthenticated={onUnauthenticated} {...(createClient ? { createClient } : {})}>
      {children}
    </ApiProvider>
  );
}
