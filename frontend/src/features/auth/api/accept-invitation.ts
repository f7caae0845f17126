import { z } from 'zod';

import { env } from '@/config/env';
import { postJson } from '@/lib/http';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const acceptInvitationSchema = z
  .object({
    password: z
      .string()
      .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
      .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`),
    confirm: z.string().min(1, 'Enter the password again.'),
  })
  .refine((values) => values.confirm === values.password || values.confirm === '', {
    message: 'The passwords do not match.',
    path: ['confirm'],
  });

export type AcceptInvitationValues = z.infer<typeof acceptInvitationSchema>;

const sessionResponseSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), displayName: z.string() }),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  csrfToken: z.string(),
});

export type AcceptInvitationResponse = z.infer<typeof sessionResponseSchema>;

/**
 * POST /auth/invitation with the secret from the link's fragment (never in a URL the
 * server sees) and the new password. Answers like /auth/login: sets the session cookies.
 */
export function acceptInvitation(token: string, password: string, signal?: AbortSignal): Promise<AcceptInvitationResponse> {
  return postJson(`${env.AUTH_PATH}/invitation`, {
    body: { token, password },
    schema: sessionResponseSchema,
    ...(signal ? { signal } : {}),
  });
}

/** Reads `token` from a URL fragment like "#token=abc". */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim();
  return token ? token : null;
}
