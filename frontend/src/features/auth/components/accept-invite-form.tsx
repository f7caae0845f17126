import { useRef, useState, type FormEvent } from 'react';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { toAppError, type AppError } from '@/lib/errors';

import {
  acceptInvitation,
  acceptInvitationSchema,
  PASSWORD_MAX,
  PASSWORD_MIN,
  type AcceptInvitationResponse,
} from '../api/accept-invitation';

import './accept-invite-form.css';

type Errors = Partial<Record<'password' | 'confirm', string>>;

/** Sets the password of an invited account; the invitation secret comes from the link. */
export function AcceptInviteForm({
  token,
  onSuccess,
}: {
  token: string;
  onSuccess: (result: AcceptInvitationResponse) => void;
}) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<AppError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    const parsed = acceptInvitationSchema.safeParse({ password, confirm });
    if (!parsed.success) {
      const next: Errors = {};
      for (const issue of parsed.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(next);
      setFormError(null);
      const first = next.password ? 'password' : 'confirm';
      formRef.current?.querySelector<HTMLInputElement>(`input[name="${first}"]`)?.focus();
      return;
    }
    setErrors({});
    setFormError(null);
    setSubmitting(true);
    try {
      onSuccess(await acceptInvitation(token, parsed.data.password));
    } catch (error) {
      setFormError(toAppError(error));
      setSubmitting(false);
    }
  };

  return (
    <form ref={formRef} className="accept-invite-form" onSubmit={(event) => void handleSubmit(event)} noValidate aria-label="Set your password">
      {formError ? (
        <Alert tone="danger" role="alert" title="Your password could not be set">
          <ErrorMessage error={formError} />
        </Alert>
      ) : null}
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(event) => {
          setPassword(event.target.value);
          if (errors.password) setErrors((e) => ({ ...e, password: undefined }));
        }}
        error={errors.password}
        hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters. A passphrase of a few unrelated words works well. Already have an account? Enter its password.`}
        maxLength={PASSWORD_MAX}
      />
      <Field
        label="Confirm new password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(event) => {
          setConfirm(event.target.value);
          if (errors.confirm) setErrors((e) => ({ ...e, confirm: undefined }));
        }}
        error={errors.confirm}
        maxLength={PASSWORD_MAX}
      />
      <Button type="submit" size="lg" block loading={submitting}>
        Set password and sign in
      </Button>
    </form>
  );
}
