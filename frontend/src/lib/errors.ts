import type { CombinedError } from '@urql/core';

import { ApiError, NETWORK_ERROR_MESSAGE, type ApiErrorCode } from './http';

/** What the UI needs to explain a failure to a person. */
export type AppError = {
  code: ApiErrorCode;
  message: string;
  /** Correlates INTERNAL errors with server logs ("Reference: <id>"). */
  requestId?: string | undefined;
  retryAfterSeconds?: number | undefined;
};

const GENERIC_MESSAGE = 'Something went wrong. Please try again.';

function isCombinedError(error: unknown): error is CombinedError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'graphQLErrors' in error &&
    Array.isArray((error as CombinedError).graphQLErrors)
  );
}

function stringExtension(extensions: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = extensions?.[key];
  return typeof value === 'string' && value ? value : undefined;
}

function fromCombinedError(error: CombinedError): AppError {
  const [first] = error.graphQLErrors;
  if (first) {
    const extensions = first.extensions as Record<string, unknown> | undefined;
    const code = stringExtension(extensions, 'code') ?? 'INTERNAL';
    const requestId = stringExtension(extensions, 'requestId');
    const retryAfter = extensions?.retryAfter;
    return {
      code,
      message: first.message || GENERIC_MESSAGE,
      requestId,
      retryAfterSeconds: typeof retryAfter === 'number' ? retryAfter : undefined,
    };
  }

  const status = (error.response as Response | undefined)?.status;
  if (status === 401) {
    return { code: 'UNAUTHENTICATED', message: 'Your session has ended. Please sign in again.' };
  }
  if (status === 403) {
    return { code: 'FORBIDDEN', message: 'You do not have permission to do this.' };
  }
  if (status === 429) {
    return { code: 'RATE_LIMITED', message: 'Too many requests. Please wait a moment and try again.' };
  }
  if (typeof status === 'number' && status >= 500) {
    return {
      code: 'INTERNAL',
      message: `The server could not complete the request (HTTP ${status}). Please try again.`,
      requestId: (error.response as Response).headers?.get?.('X-Request-ID') ?? undefined,
    };
  }
  return { code: 'NETWORK', message: NETWORK_ERROR_MESSAGE };
}

/** Normalises any thrown/returned error into an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: error.message,
      requestId: error.requestId,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (isCombinedError(error)) return fromCombinedError(error);
  return { code: 'INTERNAL', message: GENERIC_MESSAGE };
}

export function isUnauthenticated(error: unknown): boolean {
  return error !== undefined && error !== null && toAppError(error).code === 'UNAUTHENTICATED';
}
