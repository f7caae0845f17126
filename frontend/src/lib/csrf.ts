import { env } from '@/config/env';

export const CSRF_HEADER = 'X-CSRF-Token';

/** Reads a cookie visible to JavaScript; `undefined` when it is not set. */
export function readCookie(name: string, cookieString: string = document.cookie): string | undefined {
  for (const part of cookieString.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const raw = part.slice(index + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/**
 * The double-submit CSRF token: the server sets the `phantom_csrf` cookie at
 * sign-in and expects its value back in the `X-CSRF-Token` header on every
 * cookie-authenticated POST.
 */
export function readCsrfToken(): string | undefined {
  const value = readCookie(env.CSRF_COOKIE);
  return value ? value : undefined;
}

/** Headers to add to a state-changing request (empty when signed out). */
export function csrfHeaders(): Record<string, string> {
  const token = readCsrfToken();
  return token ? { [CSRF_HEADER]: token } : {};
}
