import type { BadgeTone } from '@/components/ui/badge';

export type TokenStatus = 'active' | 'expired' | 'revoked';

export function tokenStatus(
  token: { expiresAt: string | null; revokedAt: string | null },
  now: Date = new Date(),
): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export const statusLabel: Record<TokenStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

export const statusTone: Record<TokenStatus, BadgeTone> = {
  active: 'success',
  expired: 'warning',
  revoked: 'neutral',
};
