import { useQuery } from 'urql';

import { AdminRoleOptionsQuery } from '../api/members';
import type { RoleOption } from '../lib/role-options';

/** The built-in roles, for people who may manage members but not read role definitions. */
const BUILT_IN_ROLES = ['owner', 'admin', 'data_scientist', 'ml_engineer', 'executive', 'compliance_officer', 'viewer'];

/** The roles a member can be given; the built-in names when role definitions cannot be read. */
export function useRoleOptions(pause = false): { options: RoleOption[]; fetching: boolean } {
  const [{ data, error, fetching }] = useQuery({ query: AdminRoleOptionsQuery, pause });
  if (data) return { options: data.roles, fetching: false };
  if (error) {
    return {
      options: BUILT_IN_ROLES.map((name) => ({ name, description: '', builtIn: true, permissions: null })),
      fetching: false,
    };
  }
  return { options: [], fetching };
}
