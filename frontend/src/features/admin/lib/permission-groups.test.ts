import { describe, expect, it } from 'vitest';

import { actionLabel, groupPermissions, parsePermission } from './permission-groups';

describe('groupPermissions', () => {
  it('groups by resource in product order, unknown resources last', () => {
    const groups = groupPermissions(
      ['models:read', 'zeta:run', 'users:manage', 'audit:read_details', 'users:read'].map(parsePermission),
    );
    expect(groups.map((g) => [g.label, g.permissions.map((p) => p.action)])).toEqual([
      ['Members', ['manage', 'read']],
      ['Models', ['read']],
      ['Audit log', ['read_details']],
      ['Zeta', ['run']],
    ]);
    expect(actionLabel('read_details')).toBe('Read details');
  });
});
