import { useMemo, type ReactNode } from 'react';

import { createPermissions, PermissionsContext } from './permissions';

export function PermissionsProvider({ permissions, children }: { permissions: readonly string[]; children: ReactNode }) {
  const value = useMemo(() => createPermissions(permissions), [permissions]);
  return <PermissionsContext.Provider value={value}>{children}</PermissionsContext.Provider>;
}
