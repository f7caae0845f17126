import { CheckIcon } from '@/components/ui/icons';
import { formatRole } from '@/lib/format';

import { actionLabel, groupPermissions, type PermissionInfo } from '../lib/permission-groups';

type MatrixRole = { name: string; builtIn: boolean; permissions: readonly string[] };

/**
 * Who can do what: roles as columns, permissions grouped by resource as rows.
 * Each cell says "granted" or "not granted" to screen readers, not just a glyph.
 */
export function PermissionMatrix({
  roles,
  permissions,
}: {
  roles: readonly MatrixRole[];
  permissions: readonly (PermissionInfo & { description: string })[];
}) {
  const groups = groupPermissions(permissions);
  const granted = new Map(roles.map((role) => [role.name, new Set(role.permissions)]));

  return (
    <div className="table-scroll matrix-scroll">
      <table className="matrix">
        <caption className="sr-only">Permissions granted by each role</caption>
        <thead>
          <tr>
            <th scope="col" className="matrix__corner">
              Permission
            </th>
            {roles.map((role) => (
              <th scope="col" key={role.name} className="matrix__role">
                <span className="matrix__role-name">{formatRole(role.name)}</span>
                <span className="matrix__role-kind">{role.builtIn ? 'Built-in' : 'Custom'}</span>
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.resource}>
            <tr className="matrix__group">
              <th scope="rowgroup" colSpan={roles.length + 1}>
                {group.label}
              </th>
            </tr>
            {group.permissions.map((permission) => (
              <tr key={permission.name}>
                <th scope="row" className="matrix__permission">
                  <span className="matrix__permission-name">{actionLabel(permission.action)}</span>
                  <span className="matrix__permission-description">{permission.description}</span>
                </th>
                {roles.map((role) => {
                  const has = granted.get(role.name)?.has(permission.name) ?? false;
                  return (
                    <td key={role.name} className={has ? 'matrix__cell matrix__cell--yes' : 'matrix__cell'}>
                      {has ? <CheckIcon size={16} /> : <span aria-hidden="true">·</span>}
                      <span className="sr-only">{has ? 'Granted' : 'Not granted'}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
