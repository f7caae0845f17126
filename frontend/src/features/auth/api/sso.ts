import { env } from '@/config/env';

/** Organization IDs as the server accepts them (lowercase letters, digits, hyphens). */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

/** The normalised organization ID, or null when it cannot be one. */
export function ssoSlug(organization: string): string | null {
  const slug = organization.trim().toLowerCase();
  return SLUG.test(slug) ? slug : null;
}

/**
 * GET /auth/sso/<slug>/login redirects to the organization's identity provider; after
 * the provider's callback the server sets the session cookies and redirects to "/".
 * It must be a full page load (the provider's pages are not ours).
 */
export function ssoLoginUrl(slug: string): string {
  return `${env.AUTH_PATH}/sso/${encodeURIComponent(slug)}/login`;
}
