import { useState } from 'react';
import { useMutation } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { toAppError, type AppError } from '@/lib/errors';
import { formatRole } from '@/lib/format';

import { DeactivateMemberMutation, MEMBER_CONTEXT, ReactivateMemberMutation } from '../api/members';
import { MemberRolesDialog } from './member-roles-dialog';
import type { MemberAction } from './member-row';

/** The dialog for the chosen row action: change roles, or confirm deactivation / reactivation. */
export function MemberActionDialogs({ action, onDone }: { action: MemberAction | null; onDone: () => void }) {
  // An error belongs to the action that failed: choosing another action shows none.
  const [failure, setFailure] = useState<{ action: MemberAction; error: AppError } | null>(null);
  const [{ fetching: deactivating }, deactivate] = useMutation(DeactivateMemberMutation);
  const [{ fetching: reactivating }, reactivate] = useMutation(ReactivateMemberMutation);
  const error = failure && failure.action === action ? failure.error : null;

  if (!action) return null;
  const { member } = action;
  const name = member.displayName || member.email;
  if (action.kind === 'roles') return <MemberRolesDialog member={member} onClose={onDone} />;

  const run = async () => {
    setFailure(null);
    const result = await (action.kind === 'deactivate' ? deactivate : reactivate)({ userId: member.id }, MEMBER_CONTEXT);
    if (result.error) setFailure({ action, error: toAppError(result.error) });
    else onDone();
  };
  const errorAlert = error ? (
    <Alert tone="danger" role="alert" title={`${name} could not be ${action.kind}d`}>
      <ErrorMessage error={error} />
    </Alert>
  ) : null;

  if (action.kind === 'deactivate') {
    return (
      <ConfirmDialog
        title={`Deactivate ${name}?`}
        confirmLabel="Deactivate"
        loading={deactivating}
        onCancel={onDone}
        onConfirm={() => void run()}
        error={errorAlert}
      >
        <p>
          <strong>{member.email}</strong> loses access at once: every session is signed out and every API token is
          revoked immediately.
        </p>
        <p>You can reactivate the account later. Revoked tokens stay revoked.</p>
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      title={`Reactivate ${name}?`}
      confirmLabel="Reactivate"
      tone="primary"
      loading={reactivating}
      onCancel={onDone}
      onConfirm={() => void run()}
      error={errorAlert}
    >
      <p>
        <strong>{member.email}</strong> can sign in again with the roles they had:{' '}
        {member.roles.map(formatRole).join(', ') || 'none'}.
      </p>
    </ConfirmDialog>
  );
}
