import { isRouteErrorResponse, useRouteError } from 'react-router';

import { Button } from '@/components/ui/button';
import { AlertTriangleIcon } from '@/components/ui/icons';
import { Logo } from '@/components/ui/logo';

/** Last-resort screen for errors thrown while rendering a route. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : undefined;

  return (
    <main className="fullscreen-message">
      <Logo />
      <div className="fullscreen-message__panel" role="alert">
        <AlertTriangleIcon size={28} className="fullscreen-message__icon" />
        <h1>Something went wrong</h1>
        <p>The page could not be displayed. Reloading usually helps; if it keeps happening, contact support.</p>
        {detail ? <pre className="fullscreen-message__detail">{detail}</pre> : null}
        <Button onClick={() => window.location.reload()}>Reload the page</Button>
      </div>
    </main>
  );
}
