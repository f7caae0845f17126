import { useState } from 'react';
import { useMutation, useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EditIcon, GridIcon, PlusIcon, ShieldIcon, TrashIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { toAppError, type AppError } from '@/lib/errors';
import { formatRole } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import type { RoleFieldsFragment } from '@/gql/graphql';

import { AdminRolesQuery, DeleteRoleMutation } from '../api/roles';
import { PermissionMatrix } from './permission-matrix';
import { RoleEditorDialog } from './role-editor-dialog';

import './admin.css';

const ROLE_CONTEXT = { additionalTypenames: ['RoleDefinition'] };

type Editing = { kind: 'create' } | { kind: 'edit'; role: RoleFieldsFragment } | null;

function RoleRow({
  role,
  total,
  canManage,
  onEdit,
  onDelete,
}: {
  role: RoleFieldsFragment;
  total: number;
  canManage: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const label = formatRole(role.name);
  return (
    <tr>
      <th scope="row" className="role-cell">
        <span className="role-cell__name">{label}</span>
        <code className="role-cell__key">{role.name}</code>
      </th>
      <td className="role-cell__description">{role.description || <span className="muted">No description</span>}</td>
      <td>
        <Badge tone={role.builtIn ? 'neutral' : 'brand'}>{role.builtIn ? 'Built-in' : 'Custom'}</Badge>
      </td>
      <td className="table__number">
        {role.permissions.length} <span className="muted">of {total}</span>
      </td>
      <td className="table__number">{role.memberCount}</td>
      {canManage ? (
        <td className="data-table__actions">
          {role.builtIn ? (
            <span className="muted data-table__note">Read only</span>
          ) : (
            <span className="data-table__buttons">
              <Button variant="ghost" size="sm" icon={<EditIcon size={14} />} onClick={onEdit} aria-label={`Edit ${label}`}>
                Edit
              </Button>
              <Button
                variant="danger-ghost"
                size="sm"
                icon={<TrashIcon size={14} />}
                onClick={onDelete}
                aria-label={`Delete ${label}`}
              >
                Delete
              </Button>
            </span>
          )}
        </td>
      ) : null}
    </tr>
  );
}

/** Built-in and custom roles, the permission matrix, and custom role management. */
export function RolesPanel() {
  const permissions = usePermissions();
  const canManage = permissions.has('roles:manage');
  const [{ data, error }] = useQuery({ query: AdminRolesQuery, context: ROLE_CONTEXT });
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<RoleFieldsFragment | null>(null);
  const [deleteError, setDeleteError] = useState<AppError | null>(null);
  const [{ fetching: deleteBusy }, deleteRole] = useMutation(DeleteRoleMutation);

  const loadError = error && !data ? toAppError(error) : null;
  const roles = data?.roles ?? [];
  const builtIn = roles.filter((role) => role.builtIn);
  const custom = roles.filter((role) => !role.builtIn);
  const ordered = [...builtIn, ...custom];
  const total = data?.permissions.length ?? 0;

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteError(null);
    const result = await deleteRole({ name: deleting.name }, ROLE_CONTEXT);
    if (result.error) {
      setDeleteError(toAppError(result.error));
      return;
    }
    setDeleting(null);
  };

  if (loadError) {
    return (
      <LoadErrorAlert error={loadError} forbiddenTitle={'You cannot view roles'} title={'Roles could not be loaded'} />
    );
  }

  return (
    <div className="stack">
      <Card aria-labelledby="roles-title">
        <CardHeader
          id="roles-title"
          icon={<ShieldIcon size={18} />}
          title="Roles"
          description="A member's permissions are the union of their roles. Built-in roles cannot be changed."
          actions={
            canManage ? (
              <Button icon={<PlusIcon size={16} />} onClick={() => setEditing({ kind: 'create' })} disabled={!data}>
                Create role
              </Button>
            ) : null
          }
        />
        <CardBody className="panel-body">
          {!data ? (
            <div className="panel-loading">
              <Spinner size={18} label="Loading roles" />
            </div>
          ) : (
            <>
              <div className="table-scroll">
                <table className="table data-table">
                  <caption className="sr-only">Roles of your organization</caption>
                  <thead>
                    <tr>
                      <th scope="col">Role</th>
                      <th scope="col">Description</th>
                      <th scope="col">Type</th>
                      <th scope="col" className="table__number">
                        Permissions
                      </th>
                      <th scope="col" className="table__number">
                        Members
                      </th>
                      {canManage ? (
                        <th scope="col">
                          <span className="sr-only">Actions</span>
                        </th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody>
                    {ordered.map((role) => (
                      <RoleRow
                        key={role.name}
                        role={role}
                        total={total}
                        canManage={canManage}
                        onEdit={() => setEditing({ kind: 'edit', role })}
                        onDelete={() => {
                          setDeleteError(null);
                          setDeleting(role);
                        }}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
              {custom.length === 0 ? (
                <p className="muted panel-note">
                  No custom roles yet.{' '}
                  {canManage
                    ? 'Create one when the built-in roles grant too much or too little.'
                    : 'People with the roles:manage permission can create them.'}
                </p>
              ) : null}
            </>
          )}
        </CardBody>
      </Card>

      {data ? (
        <Card aria-labelledby="matrix-title">
          <CardHeader
            id="matrix-title"
            icon={<GridIcon size={18} />}
            title="Permission matrix"
            description="Who can do what, at a glance: a check mark means the role grants the permission."
          />
          <CardBody>
            <PermissionMatrix roles={ordered} permissions={data.permissions} />
          </CardBody>
        </Card>
      ) : null}

      {editing && data ? (
        <RoleEditorDialog
          role={editing.kind === 'edit' ? editing.role : undefined}
          permissions={data.permissions}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the role ${formatRole(deleting.name)}?`}
          confirmLabel="Delete role"
          loading={deleteBusy}
          onCancel={() => setDeleting(null)}
          onConfirm={() => void confirmDelete()}
          error={
            deleteError ? (
              <Alert tone="danger" role="alert" title="The role could not be deleted">
                <ErrorMessage error={deleteError} />
              </Alert>
            ) : null
          }
        >
          <p>
            {deleting.memberCount > 0
              ? `${deleting.memberCount} member${deleting.memberCount === 1 ? ' holds' : 's hold'} this role. Give them other roles first: a role that is held cannot be deleted.`
              : 'No member holds this role. Deleting it cannot be undone.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
