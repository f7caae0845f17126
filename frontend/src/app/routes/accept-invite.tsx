import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';

import { AuthLayout } from '@/components/layout/auth-layout';
import { Alert } from '@/components/ui/alert';
import { env } from '@/config/env';
import { DEFAULT_LANDING, paths } from '@/config/paths';
import { tokenFromHash } from '@/features/auth/api/accept-invitation';
import { AcceptInviteForm } from '@/features/auth/components/accept-invite-form';
import { useResetApiClient } from '@/lib/api-controls';

/**
 * /accept-invite#token=...: the secret is in the fragment, which browsers never send
 * to a server. It is read once and then dropped from the address bar and history.
 */
export function AcceptInviteRoute() {
  const location = useLocation();
  const navigate = useNavigate();
  const resetClient = useResetApiClient();
  const [token] = useState(() => tokenFromHash(location.hash));

  useEffect(() => {
    document.title = `Accept invitation · ${env.NAME}`;
  }, []);

  useEffect(() => {
    if (location.hash) void navigate({ pathname: location.pathname, search: location.search, hash: '' }, { replace: true });
  }, [location.hash, location.pathname, location.search, navigate]);

  return (
    <AuthLayout
      title="Join your organization"
      subtitle={token ? 'Choose a password for your new account to finish accepting the invitation.' : undefined}
    >
      {token ? (
        <AcceptInviteForm
          token={token}
          onSuccess={() => {
            resetClient();
            void navigate(DEFAULT_LANDING, { replace: true });
          }}
        />
      ) : (
        <Alert tone="warning" role="alert" title="This invitation link is incomplete">
          Open the link from your invitation exactly as you received it. If it still does not work, ask your
          administrator to invite you again.
        </Alert>
      )}
      <p className="auth-layout__help">
        Already have a password? <Link to={paths.login.getHref()}>Sign in</Link>
      </p>
    </AuthLayout>
  );
}
