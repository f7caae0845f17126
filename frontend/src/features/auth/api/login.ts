import { z } from 'zod';

import { env } from '@/config/env';
import { postJson } from '@/lib/http';

/** What the sign-in form collects; also the client-side validation rules. */
export const loginInputSchema = z.object({
  tenant: z.string().trim().min(1, 'Enter your organization.'),
  email: z
    .string()
    .trim()
    .min(1, 'Enter your email address.')
    .regex(/^[^\s@]+@[^\s@]+$/, 'Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
});

export type LoginInput = z.infer<typeof loginInputSchema>;

const loginResponseSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), displayName: z.string() }),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  csrfToken: z.string(),
});

export type LoginResponse = z.infer<typeof loginResponseSchema>;

/**
 * POST /auth/login. On success the server sets the HttpOnly session cookie
 * and the JS-readable CSRF cookie; failures throw ApiError with the server's
 * message (400 BAD_USER_INPUT, 401 UNAUTHENTICATED, 429 RATE_LIMITED).
 */
export function login(input: LoginInput, signal?: AbortSignal): Promise<LoginResponse> {
  return postJson(`${env.AUTH_PATH}/login`, {
    body: { tenant: input.tenant, email: input.email, password: input.password },
    schema: loginResponseSchema,
    ...(signal ? { signal } : {}),
  });
}
