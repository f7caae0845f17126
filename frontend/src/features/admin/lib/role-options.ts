/** `permissions` is null when unknown (the viewer may not read role definitions). */
export type RoleOption = { name: string; description: string; builtIn: boolean; permissions: readonly string[] | null };

/**
 * Whether the viewer may give or take away a role: the server refuses roles that carry a
 * permission the viewer lacks (nobody hands out more than they hold).
 */
export function isGrantable(role: RoleOption | undefined, held: (permission: string) => boolean): boolean {
  return !role?.permissions || role.permissions.every(held);
}
