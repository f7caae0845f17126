// Base styles first, so component and layout styles (imported below) can override them.
import '@fontsource-variable/inter';
import './global.css';
import '@/components/ui/ui.css';

import { useCallback, useState } from 'react';
import { flushSync } from 'react-dom';
import { RouterProvider } from 'react-router';

import { paths } from '@/config/paths';
import type { ApiClient, ApiClientOptions } from '@/lib/api-client';

import { AppProvider } from './provider';
import { createAppRouter, type AppRouter } from './router';

/** What react-router/dom passes to RouterProvider for synchronous DOM updates. */
function syncFlush(fn: () => unknown): undefined {
  flushSync(fn);
}

type AppProps = {
  /** Tests pass a memory router; the browser gets a history-API router. */
  router?: AppRouter;
  createClient?: (options: ApiClientOptions) => ApiClient;
};

export function App({ router: givenRouter, createClient }: AppProps) {
  const [router] = useState(() => givenRouter ?? createAppRouter());

  // Any operation failing with UNAUTHENTICATED (e.g. an expired session) sends
  // the person to the sign-in page, remembering where they were.
  const handleUnauthenticated = useCallback(() => {
    const { pathname, search } = router.state.location;
    if (pathname === paths.login.path) return;
    void router.navigate(paths.login.getHref(pathname + search), { replace: true });
  }, [router]);

  return (
    <AppProvider onUnauthenticated={handleUnauthenticated} createClient={createClient}>
      {/* flushSync is what react-router/dom adds; importing it from here keeps one module copy. */}
      <RouterProvider router={router} flushSync={syncFlush} />
    </AppProvider>
  );
}
