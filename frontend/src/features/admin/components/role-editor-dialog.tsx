import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { z } from 'zod';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { toAppError, type AppError } from '@/lib/errors';
import { formatRole } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import type { AdminRolesQuery as AdminRolesData, RoleFieldsFragment } from '@/gql/graphql';

import { CreateRoleMutation, UpdateRoleMutation } from '../api/roles';
import { actionLabel, groupPermissions } from '../lib/permission-groups';

const roleSchema = z.object({
  name: z
    .string()
    .trim()
    .min(2, 'Use at least 2 characters.')
    .max(63, 'Use at most 63 characters.')
    .regex(/^[a-z][a-z0-9_]*$/, 'Use lowercase letters, digits and underscores, starting with a letter.'),
  description: z.string().trim().max(500, 'Use at most 500 characters.'),
  permissions: z.array(z.string()).min(1, 'Choose at least one permission.'),
});

type Errors = Partial<Record<'name' | 'description' | 'permissions', string>>;

/** Creates a custom role, or edits one (`role` given): description and permissions, grouped by resource. */
export function RoleEditorDialog({
  role,
  permissions,
  onClose,
}: {
  role?: RoleFieldsFragment | undefined;
  permissions: AdminRolesData['permissions'];
  onClose: () => void;
}) {
  const editing = role !== undefined;
  // The server refuses to put a permission into a role that the editor does not hold.
  const { has } = usePermissions();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [selected, setSelected] = useState<string[]>([...(role?.permissions ?? [])]);
  const [errors, setErrors] = useState<Errors>({});
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [{ fetching: creating }, createRole] = useMutation(CreateRoleMutation);
  const [{ fetching: updating }, updateRole] = useMutation(UpdateRoleMutation);
  const busy = creating || updating;
  const groups = groupPermissions(permissions);

  const toggle = (names: string[], checked: boolean) =>
    setSelected((current) => (checked ? [...new Set([...current, ...names])] : current.filter((n) => !names.includes(n))));

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = roleSchema.safeParse({ name: editing ? role.name : name, description, permissions: selected });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setServerError(null);
    // Keep the server's order of permissions, not the order of clicks.
    const ordered = permissions.map((p) => p.name).filter((n) => parsed.data.permissions.includes(n));
    const input = { name: parsed.data.name, description: parsed.data.description, permissions: ordered };
    const context = { additionalTypenames: ['RoleDefinition'] };
    const result = editing ? await updateRole({ input }, context) : await createRole({ input }, context);
    if (result.error) {
      setServerError(toAppError(result.error));
      return;
    }
    onClose();
  };

  return (
    <Dialog
      title={editing ? `Edit role ${formatRole(role.name)}` : 'Create a custom role'}
      description={
        editing
          ? `Changes apply to its ${role.memberCount} member${role.memberCount === 1 ? '' : 's'} on their next request.`
          : 'A role is a named set of permissions you can give to members.'
      }
      onClose={onClose}
      busy={busy}
      size="lg"
      footer={
        <>
          <span className="dialog__footer-note muted" aria-live="polite">
            {selected.length} of {permissions.length} permissions selected
          </span>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" form="role-editor-form" loading={busy}>
            {editing ? 'Save role' : 'Create role'}
          </Button>
        </>
      }
    >
      <form id="role-editor-form" className="dialog-form" onSubmit={(event) => void handleSubmit(event)} noValidate>
        <div className="dialog-form__row">
          {editing ? null : (
            <Field
              label="Name"
              name="name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              error={errors.name}
              hint="For example model_auditor. It cannot be changed later."
              autoComplete="off"
              maxLength={63}
              className="dialog-form__name"
            />
          )}
          <Field
            label="Description"
            name="description"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            error={errors.description}
            hint="What people with this role do."
            autoComplete="off"
            maxLength={500}
            className="dialog-form__grow"
          />
        </div>
        <fieldset className="permission-picker" aria-describedby={errors.permissions ? 'role-permissions-error' : undefined}>
          <legend className="field__label">Permissions</legend>
          {errors.permissions ? (
            <p className="field__error" id="role-permissions-error">
              {errors.permissions}
            </p>
          ) : null}
          <div className="permission-picker__groups">
            {groups.map((group) => {
              const names = group.permissions.map((p) => p.name).filter(has);
              const count = names.filter((n) => selected.includes(n)).length;
              return (
                <fieldset className="scope-group" key={group.resource}>
                  <legend className="scope-group__legend">
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={names.length > 0 && count === names.length}
                        ref={(input) => {
                          if (input) input.indeterminate = count > 0 && count < names.length;
                        }}
                        onChange={(event) => toggle(names, event.target.checked)}
                        disabled={names.length === 0}
                        aria-label={`All ${group.label} permissions`}
                      />
                      <span className="checkbox__label">{group.label}</span>
                    </label>
                  </legend>
                  <div className="scope-group__items">
                    {group.permissions.map((permission) => (
                      <label
                        className="checkbox"
                        key={permission.name}
                        title={has(permission.name) ? undefined : 'You do not hold this permission, so you cannot grant it.'}
                      >
                        <input
                          type="checkbox"
                          checked={selected.includes(permission.name)}
                          onChange={(event) => toggle([permission.name], event.target.checked)}
                          disabled={!has(permission.name)}
                        />
                        <span className="checkbox__text">
                          <span className="checkbox__label">
                            {actionLabel(permission.action)} <code className="permission-code">{permission.name}</code>
                          </span>
                          <span className="checkbox__description">{permission.description}</span>
                        </span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              );
            })}
          </div>
        </fieldset>
        {serverError ? (
          <Alert tone="danger" role="alert" title={editing ? 'The role could not be saved' : 'The role could not be created'}>
            <ErrorMessage error={serverError} />
          </Alert>
        ) : null}
      </form>
    </Dialog>
  );
}
