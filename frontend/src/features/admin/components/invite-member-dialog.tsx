import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { z } from 'zod';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyField } from '@/components/ui/copy-field';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { toAppError, type AppError } from '@/lib/errors';
import { formatDateTime, formatRelative } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import type { InviteMemberMutation as InviteMemberResult } from '@/gql/graphql';

import { InviteMemberMutation } from '../api/members';
import { useRoleOptions } from '../hooks/use-role-options';
import { isGrantable } from '../lib/role-options';
import { RolePicker } from './role-picker';

const inviteSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'Enter an email address.')
    .max(320, 'Use at most 320 characters.')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter a valid email address.'),
  displayName: z.string().trim().max(200, 'Use at most 200 characters.'),
  roles: z.array(z.string()).min(1, 'Choose at least one role.'),
});

type Errors = Partial<Record<'email' | 'displayName' | 'roles', string>>;
type Invitation = InviteMemberResult['inviteMember'];

function InvitationResult({ invitation, onDone }: { invitation: Invitation; onDone: () => void }) {
  const who = invitation.member.displayName || invitation.member.email;
  return (
    <Dialog
      title={`${who} is invited`}
      description={invitation.member.email}
      onClose={onDone}
      footer={<Button onClick={onDone}>Done</Button>}
    >
      {invitation.inviteUrl ? (
        <>
          <Alert tone="warning" title="This link is shown once">
            Copy it now and send it to {who} over a channel you trust. Anyone with the link can set the password for
            this account. Phantom ML Studio stores only a hash, so the link cannot be shown again — if it is lost,
            invite the person again.
          </Alert>
          <CopyField
            label="Invitation link"
            value={invitation.inviteUrl}
            tone="warning"
            hint={
              invitation.expiresAt
                ? `Expires ${formatRelative(invitation.expiresAt)} (${formatDateTime(invitation.expiresAt)}).`
                : undefined
            }
          />
        </>
      ) : (
        <Alert tone="success" title="No invitation link is needed">
          {who} can sign in to your organization right away with their existing password or with single sign-on.
        </Alert>
      )}
    </Dialog>
  );
}

/** Invites a person; on success shows the one-time invitation link until dismissed. */
export function InviteMemberDialog({ onClose, onInvited }: { onClose: () => void; onInvited: () => void }) {
  const { options, fetching: loadingRoles } = useRoleOptions();
  const permissions = usePermissions();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<string[]>(['viewer']);
  const [errors, setErrors] = useState<Errors>({});
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [{ fetching }, invite] = useMutation(InviteMemberMutation);

  if (invitation) return <InvitationResult invitation={invitation} onDone={onClose} />;

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = inviteSchema.safeParse({ email, displayName, roles });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setServerError(null);
    const { email: cleanEmail, displayName: cleanName, roles: chosen } = parsed.data;
    const result = await invite(
      { input: { email: cleanEmail, roles: chosen, ...(cleanName ? { displayName: cleanName } : {}) } },
      { additionalTypenames: ['Member'] },
    );
    if (result.error || !result.data) {
      setServerError(toAppError(result.error));
      return;
    }
    setInvitation(result.data.inviteMember);
    onInvited();
  };

  return (
    <Dialog
      title="Invite a member"
      description="They get access with the roles you choose once they accept the invitation."
      onClose={onClose}
      busy={fetching}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={fetching}>
            Cancel
          </Button>
          <Button type="submit" form="invite-member-form" loading={fetching}>
            Send invitation
          </Button>
        </>
      }
    >
      <form id="invite-member-form" className="dialog-form" onSubmit={(event) => void handleSubmit(event)} noValidate>
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="off"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={errors.email}
          maxLength={320}
        />
        <Field
          label="Display name (optional)"
          name="displayName"
          autoComplete="off"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          error={errors.displayName}
          hint="Shown in the member list and audit log. Defaults to the part of the email before the @."
          maxLength={200}
        />
        <RolePicker
          legend="Roles"
          options={options}
          loading={loadingRoles}
          value={roles}
          onChange={setRoles}
          error={errors.roles}
          hint="Permissions add up across roles."
          canToggle={(role) => isGrantable(role, permissions.has)}
        />
        {serverError ? (
          <Alert tone="danger" role="alert" title="The invitation could not be created">
            <ErrorMessage error={serverError} />
          </Alert>
        ) : null}
      </form>
    </Dialog>
  );
}
