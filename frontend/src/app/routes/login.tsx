import { useEffect } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { AuthLayout } from '@/components/layout/auth-layout';
import { env } from '@/config/env';
import { safeNextPath } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { useResetApiClient } from '@/lib/api-controls';

export function LoginRoute() {
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const resetClient = useResetApiClient();

  useEffect(() => {
    document.title = `Sign in · ${env.NAME}`;
  }, []);

  return (
    <AuthLayout title="Sign in to your workspace" subtitle="Use the credentials issued by your organization.">
      <LoginForm
        onSuccess={() => {
          // A fresh client: nothing cached from a previous session survives.
          resetClient();
          void navigate(safeNextPath(searchParams.get('next')), { replace: true });
        }}
      />
      <p className="auth-layout__help">
        Need access or forgot your password? Contact your organization&apos;s {env.NAME} administrator.
      </p>
    </AuthLayout>
  );
}
