import type { ApiTokenFieldsFragment, AppViewerQuery } from '@/gql/graphql';

export const testViewer: AppViewerQuery['viewer'] = {
  id: 'usr_1',
  email: 'ada@northwind.example',
  displayName: 'Ada Lovelace',
  roles: ['admin', 'data_scientist'],
  authMethod: 'SESSION',
  tenant: { id: 'ten_1', slug: 'northwind', name: 'Northwind Bank' },
};

export function testToken(overrides: Partial<ApiTokenFieldsFragment> = {}): ApiTokenFieldsFragment {
  return {
    id: 'tok_1',
    name: 'Nightly scoring job',
    prefix: 'phm_ab12',
    role: null,
    createdAt: '2025-01-10T09:00:00Z',
    expiresAt: '2999-01-01T00:00:00Z',
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}
