/** Every route of the single-page app, in one place. */
export const paths = {
  login: {
    path: '/login',
    getHref: (next?: string | null) =>
      next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login',
  },
  acceptInvite: { path: '/accept-invite', getHref: () => '/accept-invite' },
  app: {
    root: { path: '/', getHref: () => '/' },
    executive: { path: '/executive', getHref: () => '/executive' },
    models: {
      path: '/models',
      /** The landing page: training jobs (default) or the model registry. */
      getHref: (tab?: 'jobs' | 'registry') => (tab === 'registry' ? '/models?tab=registry' : '/models'),
    },
    newTrainingJob: {
      path: '/models/train',
      getHref: (datasetId?: string | null) =>
        datasetId ? `/models/train?dataset=${encodeURIComponent(datasetId)}` : '/models/train',
    },
    trainingJob: { path: '/models/jobs/:id', getHref: (id: string) => `/models/jobs/${encodeURIComponent(id)}` },
    modelVersion: {
      path: '/models/versions/:id',
      /** The version page; `tab` opens another tab than the overview. */
      getHref: (id: string, tab?: 'monitoring' | 'insights' | 'fairness' | 'documentation' | 'value') =>
        `/models/versions/${encodeURIComponent(id)}${tab ? `?tab=${tab}` : ''}`,
    },
    alerts: {
      path: '/alerts',
      getHref: (status?: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED' | null) => (status ? `/alerts?status=${status}` : '/alerts'),
    },
    approvals: {
      path: '/approvals',
      /** Pending requests by default; `status` another status, or ALL. */
      getHref: (status?: 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'WITHDRAWN' | 'ALL' | null) =>
        status ? `/approvals?status=${status}` : '/approvals',
    },
    data: { path: '/data', getHref: () => '/data' },
    dataset: { path: '/data/:id', getHref: (id: string) => `/data/${encodeURIComponent(id)}` },
    compliance: {
      path: '/compliance',
      /** The overview (default) or one of the compliance tools. */
      getHref: (section?: 'audit-log' | 'retention' | 'requests' | 'chain') =>
        section ? `/compliance/${section}` : '/compliance',
    },
    admin: { path: '/admin', getHref: () => '/admin' },
    adminMembers: { path: '/admin/members', getHref: () => '/admin/members' },
    adminRoles: { path: '/admin/roles', getHref: () => '/admin/roles' },
    adminSso: { path: '/admin/sso', getHref: () => '/admin/sso' },
    adminTokens: { path: '/admin/tokens', getHref: () => '/admin/tokens' },
    adminEvents: { path: '/admin/events', getHref: () => '/admin/events' },
    adminWebhooks: { path: '/admin/webhooks', getHref: () => '/admin/webhooks' },
    adminApprovals: { path: '/admin/approvals', getHref: () => '/admin/approvals' },
  },
} as const;

export const DEFAULT_LANDING = paths.app.executive.getHref();

/**
 * Only allow redirecting to paths inside this app after sign-in, never to
 * another origin ("//evil.example", "/\\evil.example", "https://...").
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return DEFAULT_LANDING;
  }
  if (next === '/' || next.startsWith(paths.login.path) || next.startsWith(paths.acceptInvite.path)) {
    return DEFAULT_LANDING;
  }
  return next;
}
