import { useState } from 'react';
import { useQuery } from 'urql';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';

import { ErrorMessage } from '@/components/errors/error-message';
import { AppShell, AppShellSkeleton } from '@/components/layout/app-shell';
import { Button } from '@/components/ui/button';
import { AlertTriangleIcon } from '@/components/ui/icons';
import { Logo } from '@/components/ui/logo';
import { paths } from '@/config/paths';
import { AppViewerQuery } from '@/features/auth/api/get-viewer';
import { SignOutButton } from '@/features/auth/components/sign-out-button';
import { DemoSetupBanner } from '@/features/demo/components/demo-setup-banner';
import { usePendingApprovals } from '@/features/models/hooks/use-pending-approvals';
import { useResetApiClient } from '@/lib/api-controls';
import { readCsrfToken } from '@/lib/csrf';
import { toAppError } from '@/lib/errors';
import { createPermissions } from '@/lib/permissions';
import { PermissionsProvider } from '@/lib/permissions-provider';

/**
 * The signed-in part of the app. Loads the viewer once; UNAUTHENTICATED (or no
 * session cookie at all) sends the person to /login, remembering where they were.
 */
export function AppRoot() {
  const location = useLocation();
  const navigate = useNavigate();
  const resetClient = useResetApiClient();
  // Checked once on entry: without the CSRF cookie there is no session to ask
  // about. (Re-checking on every render would race with signing out.)
  const [hasSession] = useState(() => readCsrfToken() !== undefined);
  const [{ data, error, fetching }, reexecute] = useQuery({ query: AppViewerQuery, pause: !hasSession });

  const loginHref = paths.login.getHref(location.pathname + location.search);

  const canReadModels = !!data && createPermissions(data.viewer.permissions).has('models:read');
  const pendingApprovals = usePendingApprovals(canReadModels);

  if (!hasSession) return <Navigate to={loginHref} replace />;

  if (error && !data) {
    const appError = toAppError(error);
    if (appError.code === 'UNAUTHENTICATED') return <Navigate to={loginHref} replace />;
    return (
      <main className="fullscreen-message">
        <Logo />
        <div className="fullscreen-message__panel" role="alert">
          <AlertTriangleIcon size={28} className="fullscreen-message__icon" />
          <h1>Your workspace could not be loaded</h1>
          <p>
            <ErrorMessage error={appError} />
          </p>
          <div className="fullscreen-message__actions">
            <Button onClick={() => reexecute({ requestPolicy: 'network-only' })} loading={fetching}>
              Try again
            </Button>
            <Button variant="secondary" onClick={() => void navigate(paths.login.getHref(), { replace: true })}>
              Go to sign-in
            </Button>
          </div>
        </div>
      </main>
    );
  }

  if (!data) return <AppShellSkeleton />;

  const { viewer } = data;
  return (
    <PermissionsProvider permissions={viewer.permissions}>
      <AppShell
        tenant={viewer.tenant}
        user={viewer}
        navCounts={{ [paths.app.approvals.getHref()]: pendingApprovals }}
        userActions={
          <SignOutButton
            onSignedOut={async () => {
              // Leave the signed-in frame first, then drop cached data and the socket.
              await navigate(paths.login.getHref(), { replace: true });
              resetClient();
            }}
          />
        }
      >
        <DemoSetupBanner />
        <Outlet />
      </AppShell>
    </PermissionsProvider>
  );
}
