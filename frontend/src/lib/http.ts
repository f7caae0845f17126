import type { z } from 'zod';

import { csrfHeaders } from './csrf';

/** Error codes shared by the REST session endpoints and GraphQL extensions. */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'NETWORK'
  | (string & {});

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    message: string;
    status: number;
    code: ApiErrorCode;
    requestId?: string | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.requestId = options.requestId;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const NETWORK_ERROR_MESSAGE =
  'Unable to reach Phantom ML Studio. Check your connection and try again.';

function fallbackMessage(status: number): string {
  if (status >= 500) return `The server could not complete the request (HTTP ${status}). Please try again.`;
  return `The request failed (HTTP ${status}).`;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Turns a non-2xx response with a `{"error": {code, message}}` body into an ApiError. */
export async function toApiError(response: Response): Promise<ApiError> {
  let code: string = response.status >= 500 ? 'INTERNAL' : 'UNKNOWN';
  let message = fallbackMessage(response.status);
  // A reference is only worth showing for server faults (support can look it up).
  let requestId: string | undefined =
    response.status >= 500 ? (response.headers.get('X-Request-ID') ?? undefined) : undefined;

  try {
    const body: unknown = await response.json();
    const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
    if (error) {
      if (typeof error.code === 'string') code = error.code;
      if (typeof error.message === 'string' && error.message) message = error.message;
      if (typeof error.requestId === 'string') requestId = error.requestId;
    }
  } catch {
    // Not JSON (e.g. a proxy error page): keep the fallback message.
  }

  if (response.status === 429) code = 'RATE_LIMITED';

  return new ApiError({
    message,
    status: response.status,
    code,
    requestId,
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

type RequestOptions<T> = {
  body?: unknown;
  /** zod schema the JSON response must satisfy (omit for 204 responses). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
};

/**
 * A small same-origin JSON POST helper for the REST session endpoints.
 * Sends cookies and the CSRF header; throws ApiError on failure.
 */
export async function postJson<T = void>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...csrfHeaders() };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ message: NETWORK_ERROR_MESSAGE, status: 0, code: 'NETWORK' });
  }

  if (!response.ok) throw await toApiError(response);
  if (!options.schema) return undefined as T;

  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new ApiError({
      message: 'The server sent an unexpected response. Please try again.',
      status: response.status,
      code: 'INTERNAL',
    });
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError({
      message: 'The server sent an unexpected response. Please try again.',
      status: response.status,
      code: 'INTERNAL',
    });
  }
  return parsed.data;
}
