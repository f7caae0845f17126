import type {
  AdminRolesQuery,
  ApiTokenFieldsFragment,
  AppViewerQuery,
  MemberFieldsFragment,
  OidcConfigFieldsFragment,
  RoleFieldsFragment,
} from '@/gql/graphql';

/** The permission catalogue, as the backend's `permissions` query lists it. */
export const testPermissions: AdminRolesQuery['permissions'] = [
  ['users:read', "List the organization's members, their roles and last sign-in."],
  ['users:manage', 'Invite members, change their roles, deactivate and reactivate them.'],
  ['roles:read', 'See roles and the permissions they grant.'],
  ['roles:manage', 'Create, change and delete custom roles.'],
  ['sso:read', 'See the single sign-on configuration (never the client secret).'],
  ['sso:manage', 'Configure single sign-on.'],
  ['tokens:create', "Create and revoke one's own API tokens."],
  ['tokens:manage', 'List and revoke every API token of the organization.'],
  ['events:read', "Subscribe to the organization's live events."],
  ['datasets:read', 'See datasets and their profiles.'],
  ['datasets:write', 'Upload and delete datasets.'],
  ['training:read', 'See training jobs, their progress and leaderboards.'],
  ['training:run', 'Start training jobs.'],
  ['training:cancel', 'Cancel queued or running training jobs.'],
  ['models:read', 'See models, versions and explanations.'],
  ['models:promote', 'Move model versions between stages.'],
  ['models:approve', 'Approve model versions for production.'],
  ['predictions:run', 'Ask a model version for predictions.'],
  ['audit:read', 'Search the audit log (headers only).'],
].map(([name = '', description = '']) => {
  const [resource = '', action = ''] = name.split(':');
  return { name, resource, action, description };
});

export const ALL_PERMISSIONS = testPermissions.map((p) => p.name);

export const testViewer: AppViewerQuery['viewer'] = {
  id: 'usr_1',
  email: 'ada@northwind.example',
  displayName: 'Ada Lovelace',
  roles: ['admin', 'data_scientist'],
  authMethod: 'SESSION',
  permissions: [...ALL_PERMISSIONS].sort(),
  tenant: { id: 'ten_1', slug: 'northwind', name: 'Northwind Bank' },
};

/** The test viewer holding only `permissions`. */
export function viewerWith(permissions: string[]): AppViewerQuery['viewer'] {
  return { ...testViewer, roles: ['custom'], permissions };
}

export function testToken(overrides: Partial<ApiTokenFieldsFragment> = {}): ApiTokenFieldsFragment {
  return {
    id: 'tok_1',
    name: 'Nightly scoring job',
    prefix: 'phm_ab12',
    scopes: null,
    createdAt: '2025-01-10T09:00:00Z',
    expiresAt: '2999-01-01T00:00:00Z',
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function testMember(overrides: Partial<MemberFieldsFragment> = {}): MemberFieldsFragment {
  return {
    id: 'usr_2',
    email: 'grace@northwind.example',
    displayName: 'Grace Hopper',
    roles: ['data_scientist'],
    status: 'ACTIVE',
    lastLoginAt: '2025-03-01T10:00:00Z',
    joinedAt: '2025-01-02T08:00:00Z',
    signInMethods: ['password'],
    ...overrides,
  };
}

export function testRole(overrides: Partial<RoleFieldsFragment> = {}): RoleFieldsFragment {
  return {
    name: 'viewer',
    description: 'Read-only access to models, data and insights.',
    builtIn: true,
    permissions: ['datasets:read', 'models:read', 'events:read', 'tokens:create'],
    memberCount: 3,
    ...overrides,
  };
}

export const testRoles: RoleFieldsFragment[] = [
  testRole({ name: 'owner', description: 'Full control.', permissions: ALL_PERMISSIONS, memberCount: 1 }),
  testRole({
    name: 'admin',
    description: 'Runs the organization.',
    permissions: ALL_PERMISSIONS.filter((p) => p !== 'models:approve'),
    memberCount: 2,
  }),
  testRole(),
  testRole({
    name: 'model_auditor',
    description: 'Reviews models before approval.',
    builtIn: false,
    permissions: ['models:read', 'models:approve', 'audit:read'],
    memberCount: 0,
  }),
];

export function testOidcConfig(overrides: Partial<OidcConfigFieldsFragment> = {}): OidcConfigFieldsFragment {
  return {
    issuer: 'https://login.northwind.example',
    clientId: 'phantom-ml',
    clientSecretSet: true,
    scopes: ['openid', 'email', 'profile'],
    allowedEmailDomains: ['northwind.example'],
    defaultRole: 'viewer',
    roleClaim: 'groups',
    roleMapping: [{ claimValue: 'ml-admins', roles: ['admin'] }],
    ssoRequired: false,
    redirectUri: 'https://ml.northwind.example/auth/sso/northwind/callback',
    loginUrl: 'https://ml.northwind.example/auth/sso/northwind/login',
    updatedAt: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}
