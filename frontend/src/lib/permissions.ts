import { createContext, useContext } from 'react';

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

export function createPermissions(list: readonly string[]): Permissions {
  const granted = new Set(list);
  return {
    has: (permission) => granted.has(permission),
    hasAny: (permissions) => permissions.some((permission) => granted.has(permission)),
    list,
  };
}

const NONE = createPermissions([]);
export const PermissionsContext = createContext<Permissions>(NONE);

/** Outside a provider nothing is granted: a missing provider hides, never reveals. */
export function usePermissions(): Permissions {
  return useContext(PermissionsContext);
}
