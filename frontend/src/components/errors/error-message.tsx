import type { AppError } from '@/lib/errors';

/**
 * The text of an error as shown to a person: the server's message, plus the
 * request reference for INTERNAL errors so support can find it in the logs.
 */
export function ErrorMessage({ error }: { error: AppError }) {
  return (
    <>
      <span className="error-message__text">{error.message}</span>
      {error.requestId ? (
        <span className="error-message__reference">
          {' '}
          Reference: <code>{error.requestId}</code>
        </span>
      ) : null}
    </>
  );
}
