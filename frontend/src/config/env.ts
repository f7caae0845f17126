import { z } from 'zod';

/**
 * Runtime configuration, read from `VITE_APP_*` variables at build time and
 * checked with zod so a bad value fails loudly at start-up instead of deep
 * inside a request.
 *
 *   VITE_APP_NAME           product name shown in the UI
 *   VITE_APP_GRAPHQL_PATH   same-origin path of the GraphQL endpoint (HTTP + WS)
 *   VITE_APP_AUTH_PATH      same-origin prefix of the session endpoints
 *   VITE_APP_CSRF_COOKIE    name of the JS-readable CSRF cookie
 */
const samePath = z
  .string()
  .regex(/^\/(?!\/)[^\s]*$/, 'must be a same-origin path starting with "/"');

const EnvSchema = z.object({
  NAME: z.string().min(1).default('Phantom ML Studio'),
  GRAPHQL_PATH: samePath.default('/graphql'),
  AUTH_PATH: samePath.default('/auth'),
  CSRF_COOKIE: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('phantom_csrf'),
});

export type Env = z.infer<typeof EnvSchema>;

const PREFIX = 'VITE_APP_';

export function createEnv(source: Record<string, unknown> = import.meta.env): Env {
  const vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith(PREFIX) && value !== '') {
      vars[key.slice(PREFIX.length)] = value;
    }
  }

  const parsed = EnvSchema.safeParse(vars);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `- ${PREFIX}${issue.path.join('.')}: ${issue.message}`)
      .join('\n');
    throw new Error(`Invalid environment configuration:\n${details}`);
  }
  return parsed.data;
}

export const env = createEnv();

/** The frontend's package.json version (injected at build time). */
export const appVersion: string = __APP_VERSION__;
