import { env } from '@/config/env';
import { postJson } from '@/lib/http';

/** POST /auth/logout (204). The server clears both cookies. */
export function logout(): Promise<void> {
  return postJson(`${env.AUTH_PATH}/logout`);
}
