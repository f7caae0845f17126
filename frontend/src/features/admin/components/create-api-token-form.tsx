import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { z } from 'zod';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { PlusIcon } from '@/components/ui/icons';
import { toAppError, type AppError } from '@/lib/errors';
import { usePermissions } from '@/lib/permissions';

import { CreateApiTokenMutation } from '../api/api-tokens';
import { ScopePicker, type ScopeMode } from './scope-picker';

export const MAX_EXPIRY_DAYS = 366; // the server accepts 1 to 366
export const DEFAULT_EXPIRY_DAYS = 90;

const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name.').max(100, 'Use at most 100 characters.'),
  expiresInDays: z.coerce
    .number({ message: 'Enter a number of days.' })
    .int('Use whole days.')
    .min(1, 'At least 1 day.')
    .max(MAX_EXPIRY_DAYS, `At most ${MAX_EXPIRY_DAYS} days.`),
});

export type CreatedToken = { token: string; name: string };

export function CreateApiTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState(String(DEFAULT_EXPIRY_DAYS));
  const { list: available } = usePermissions();
  const [scopeMode, setScopeMode] = useState<ScopeMode>('all');
  const [scopes, setScopes] = useState<string[]>([]);
  const [errors, setErrors] = useState<{
    name?: string | undefined;
    expiresInDays?: string | undefined;
    scopes?: string | undefined;
  }>({});
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [{ fetching }, createToken] = useMutation(CreateApiTokenMutation);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = createTokenSchema.safeParse({ name, expiresInDays: days });
    // Only permissions the viewer still holds: the server refuses any other.
    const chosen = available.filter((permission) => scopes.includes(permission));
    const scopeError = scopeMode === 'subset' && chosen.length === 0 ? 'Choose at least one permission.' : undefined;
    if (!parsed.success || scopeError) {
      const next: typeof errors = { scopes: scopeError };
      for (const issue of parsed.success ? [] : parsed.error.issues) {
        const key = issue.path[0] as 'name' | 'expiresInDays';
        next[key] ??= issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setServerError(null);

    const result = await createToken({
      input: { ...parsed.data, ...(scopeMode === 'subset' ? { scopes: chosen } : {}) },
    });
    if (result.error || !result.data) {
      setServerError(toAppError(result.error));
      return;
    }
    setName('');
    setDays(String(DEFAULT_EXPIRY_DAYS));
    setScopeMode('all');
    setScopes([]);
    onCreated({ token: result.data.createApiToken.token, name: result.data.createApiToken.apiToken.name });
  };

  return (
    <form className="token-form" onSubmit={(event) => void handleSubmit(event)} noValidate aria-label="Create API token">
      <div className="token-form__fields">
        <Field
          label="Token name"
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.name}
          hint="What will use it, e.g. “Nightly scoring job”."
          maxLength={100}
          autoComplete="off"
          className="token-form__name"
        />
        <Field
          label="Expires in (days)"
          name="expiresInDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_EXPIRY_DAYS}
          step={1}
          value={days}
          onChange={(event) => setDays(event.target.value)}
          error={errors.expiresInDays}
          hint={`1 to ${MAX_EXPIRY_DAYS} days.`}
          className="token-form__days"
        />
      </div>
      <ScopePicker
        available={available}
        mode={scopeMode}
        onModeChange={setScopeMode}
        value={scopes}
        onChange={setScopes}
        error={errors.scopes}
      />
      <div className="token-form__footer">
        <Button type="submit" loading={fetching} icon={<PlusIcon size={16} />}>
          Create token
        </Button>
      </div>
      {serverError ? (
        <Alert tone="danger" role="alert" title="The token could not be created">
          <ErrorMessage error={serverError} />
        </Alert>
      ) : null}
    </form>
  );
}
