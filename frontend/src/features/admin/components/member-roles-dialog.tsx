import { useState } from 'react';
import { useMutation } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { toAppError, type AppError } from '@/lib/errors';
import { usePermissions } from '@/lib/permissions';
import type { MemberFieldsFragment } from '@/gql/graphql';

import { SetMemberRolesMutation } from '../api/members';
import { useRoleOptions } from '../hooks/use-role-options';
import { isGrantable } from '../lib/role-options';
import { RolePicker } from './role-picker';

/** Changes a member's roles. The server refuses to take 'owner' from the last owner; its message is shown. */
export function MemberRolesDialog({ member, onClose }: { member: MemberFieldsFragment; onClose: () => void }) {
  const { options, fetching: loadingRoles } = useRoleOptions();
  const permissions = usePermissions();
  const [roles, setRoles] = useState<string[]>([...member.roles]);
  const [error, setError] = useState<string | undefined>();
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [{ fetching }, setMemberRoles] = useMutation(SetMemberRolesMutation);
  const who = member.displayName || member.email;
  const unchanged = roles.length === member.roles.length && roles.every((role) => member.roles.includes(role));

  const save = async () => {
    if (roles.length === 0) {
      setError('Choose at least one role.');
      return;
    }
    setError(undefined);
    setServerError(null);
    const result = await setMemberRoles({ input: { userId: member.id, roles } }, { additionalTypenames: ['Member'] });
    if (result.error) {
      setServerError(toAppError(result.error));
      return;
    }
    onClose();
  };

  return (
    <Dialog
      title={`Change roles of ${who}`}
      description={member.email}
      onClose={onClose}
      busy={fetching}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={fetching}>
            Cancel
          </Button>
          <Button onClick={() => void save()} loading={fetching} disabled={unchanged}>
            Save roles
          </Button>
        </>
      }
    >
      <RolePicker
        legend="Roles"
        options={options}
        loading={loadingRoles}
        value={roles}
        onChange={setRoles}
        error={error}
        hint="Takes effect on their next request. Permissions add up across roles."
        canToggle={(role) => isGrantable(role, permissions.has)}
      />
      {serverError ? (
        <Alert tone="danger" role="alert" title="The roles could not be changed">
          <ErrorMessage error={serverError} />
        </Alert>
      ) : null}
    </Dialog>
  );
}
