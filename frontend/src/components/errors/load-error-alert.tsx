import { Alert } from '@/components/ui/alert';
import type { AppError } from '@/lib/errors';

import { ErrorMessage } from './error-message';

/**
 * A list or panel that could not load: a warning when the viewer lacks the permission
 * (nothing is broken), an error otherwise.
 */
export function LoadErrorAlert({
  error,
  title,
  forbiddenTitle,
}: {
  error: AppError;
  title: string;
  forbiddenTitle: string;
}) {
  const forbidden = error.code === 'FORBIDDEN';
  return (
    <Alert tone={forbidden ? 'warning' : 'danger'} role="alert" title={forbidden ? forbiddenTitle : title}>
      <ErrorMessage error={error} />
    </Alert>
  );
}
