import { createContext, useContext, useMemo, type ReactNode } from 'react';

/**
 * The signed-in credential's effective permissions (`viewer.permissions`,
 * token scopes already applied). The UI uses them only to avoid offering what
 * the server would refuse; the server enforces every permission anyway.
 */
export type Permissions = {
  has: (permission: string) => boolean;
  hasAny: (permissions: readonly string[]) => boolean;
  list: readonly string[];
};

function createPermissions(list: readonly string[]): Permissions {
  const granted = new Set(list);
  return {
    has: (permission) => granted.has(permission),
    hasAny: (permissions) => permissions.some((permission) => granted.has(permission)),
    list,
  };
}

const NONE = createPermissions([]);
const PermissionsContext = createContext<Permissions>(NONE);

export function PermissionsProvider({ permissions, children }: { permissions: readonly string[]; children: ReactNode }) {
  const value = useMemo(() => createPermissions(permissions), [permissions]);
  return <PermissionsContext.Provider value={value}>{children}</PermissionsContext.Provider>;
}

/** Outside a provider nothing is granted: a missing provider hides, never reveals. */
export function usePermissions(): Permissions {
  return useContext(PermissionsContext);
}
