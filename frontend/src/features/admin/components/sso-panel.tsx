import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CopyField } from '@/components/ui/copy-field';
import { Field } from '@/components/ui/field';
import { LockIcon, TrashIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { toAppError, type AppError } from '@/lib/errors';
import { formatDateTime, formatRelative, formatRole } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import type { OidcConfigFieldsFragment } from '@/gql/graphql';

import { AdminOidcConfigQuery, ConfigureOidcMutation, RemoveOidcConfigMutation } from '../api/sso';
import { useRoleOptions } from '../hooks/use-role-options';
import { keepsSecret, toForm, validate, words, type Errors, type FormState } from '../lib/sso-form-state';
import { RoleMappingEditor } from './role-mapping-editor';

import './admin.css';

/** Refetch the configuration after it is saved or removed. */
const SSO_CONTEXT = { additionalTypenames: ['OidcConfig'] };

function SsoForm({
  config,
  slug,
  canManage,
  onNotice,
}: {
  config: OidcConfigFieldsFragment | null;
  slug: string;
  canManage: boolean;
  onNotice: (notice: string | null) => void;
}) {
  const { options: roleOptions, fetching: loadingRoles } = useRoleOptions();
  const [form, setForm] = useState<FormState>(() => toForm(config));
  const [errors, setErrors] = useState<Errors>({});
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [removing, setRemoving] = useState(false);
  const [removeError, setRemoveError] = useState<AppError | null>(null);
  const [{ fetching: saving }, configure] = useMutation(ConfigureOidcMutation);
  const [{ fetching: removeBusy }, remove] = useMutation(RemoveOidcConfigMutation);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    onNotice(null);
    setForm((current) => ({ ...current, [key]: value }));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = validate(form, config);
    setErrors(next);
    onNotice(null);
    if (Object.keys(next).length > 0) return;
    setServerError(null);
    const result = await configure(
      {
      input: {
        issuer: form.issuer.trim(),
        clientId: form.clientId.trim(),
        clientSecret: form.clientSecret,
        scopes: words(form.scopes),
        allowedEmailDomains: words(form.domains),
        defaultRole: form.defaultRole,
        roleClaim: form.roleClaim.trim() || null,
        roleMapping: form.mapping.map((row) => ({ claimValue: row.claimValue.trim(), roles: row.roles })),
        ssoRequired: form.ssoRequired,
      },
      },
      SSO_CONTEXT,
    );
    if (result.error || !result.data) {
      setServerError(toAppError(result.error));
      return;
    }
    setForm(toForm(result.data.configureOidc));
    onNotice('Single sign-on configuration saved. Changes apply to the next sign-in.');
  };

  const confirmRemove = async () => {
    setRemoveError(null);
    const result = await remove({}, { additionalTypenames: ['OidcConfig'] });
    if (result.error) {
      setRemoveError(toAppError(result.error));
      return;
    }
    setRemoving(false);
    setForm(toForm(null));
    onNotice('Single sign-on configuration removed. Members sign in with passwords.');
  };

  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const redirectUri = config?.redirectUri ?? `${origin}/auth/sso/${slug}/callback`;

  return (
    <form className="sso-form" onSubmit={(event) => void handleSubmit(event)} noValidate aria-label="Single sign-on configuration">
      <div className="sso-form__urls">
        <CopyField
          label="Redirect URI"
          value={redirectUri}
          hint={
            config
              ? 'Register this exact URI as the redirect (callback) URI of the application at your identity provider.'
              : 'Register this as the redirect URI at your identity provider. It is confirmed when you save.'
          }
        />
        {config ? (
          <CopyField label="Sign-in URL" value={config.loginUrl} hint="Starts single sign-on for your organization directly, e.g. from an IdP dashboard tile." />
        ) : null}
      </div>

      <fieldset className="sso-form__section" disabled={!canManage}>
        <legend className="sso-form__legend">Identity provider</legend>
        <div className="form-grid">
          <Field
            label="Issuer URL"
            name="issuer"
            type="url"
            inputMode="url"
            value={form.issuer}
            onChange={(event) => set('issuer', event.target.value)}
            error={errors.issuer}
            hint="Its discovery document (/.well-known/openid-configuration) is fetched and checked on save."
            placeholder="https://login.example.com"
            autoComplete="off"
            spellCheck={false}
            className="form-grid__wide"
          />
          <Field
            label="Client ID"
            name="clientId"
            value={form.clientId}
            onChange={(event) => set('clientId', event.target.value)}
            error={errors.clientId}
            autoComplete="off"
            spellCheck={false}
          />
          <Field
            label="Client secret"
            name="clientSecret"
            type="password"
            value={form.clientSecret}
            onChange={(event) => set('clientSecret', event.target.value)}
            error={errors.clientSecret}
            hint={
              keepsSecret(form, config)
                ? 'Stored encrypted and never shown. Leave empty to keep it, or enter a new one to replace it.'
                : config?.clientSecretSet
                  ? 'Required again because the issuer or client ID changed.'
                  : 'Stored encrypted and never shown again.'
            }
            labelAside={config?.clientSecretSet ? <Badge tone="success">A secret is set</Badge> : undefined}
            autoComplete="new-password"
            spellCheck={false}
          />
          <Field
            label="Scopes"
            name="scopes"
            value={form.scopes}
            onChange={(event) => set('scopes', event.target.value)}
            error={errors.scopes}
            hint="Separated by spaces. Must include openid."
            autoComplete="off"
            spellCheck={false}
          />
          <Field
            label="Allowed email domains"
            name="domains"
            value={form.domains}
            onChange={(event) => set('domains', event.target.value)}
            hint="Separated by commas, e.g. bank.example. Empty: any domain the IdP vouches for."
            placeholder="Any domain"
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      </fieldset>

      <fieldset className="sso-form__section" disabled={!canManage}>
        <legend className="sso-form__legend">Roles</legend>
        <div className="form-grid">
          <div className="field">
            <label className="field__label" htmlFor="sso-default-role">
              Default role
            </label>
            <select
              id="sso-default-role"
              className="select"
              value={form.defaultRole}
              onChange={(event) => set('defaultRole', event.target.value)}
              aria-describedby="sso-default-role-hint"
            >
              {(roleOptions.some((o) => o.name === form.defaultRole)
                ? roleOptions
                : [{ name: form.defaultRole, description: '', builtIn: true }, ...roleOptions]
              ).map((role) => (
                <option key={role.name} value={role.name}>
                  {formatRole(role.name)}
                </option>
              ))}
            </select>
            <p className="field__hint" id="sso-default-role-hint">
              Given to people who sign in for the first time when no mapping matches.
            </p>
          </div>
          <Field
            label="Role claim (optional)"
            name="roleClaim"
            value={form.roleClaim}
            onChange={(event) => set('roleClaim', event.target.value)}
            error={errors.roleClaim}
            hint="The ID token claim listing the person's groups, e.g. groups."
            placeholder="groups"
            autoComplete="off"
            spellCheck={false}
          />
        </div>

        <RoleMappingEditor
          rows={form.mapping}
          onChange={(rows) => set('mapping', rows)}
          roleOptions={roleOptions}
          loadingRoles={loadingRoles}
          canManage={canManage}
          error={errors.mapping}
        />
      </fieldset>

      <fieldset className="sso-form__section" disabled={!canManage}>
        <legend className="sso-form__legend">Enforcement</legend>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={form.ssoRequired}
            onChange={(event) => set('ssoRequired', event.target.checked)}
            aria-describedby="sso-required-hint"
          />
          <span className="checkbox__text">
            <span className="checkbox__label">Require SSO</span>
            <span className="checkbox__description" id="sso-required-hint">
              Members must sign in through your identity provider.
            </span>
          </span>
        </label>
        {form.ssoRequired ? (
          <Alert tone="warning" title="Password sign-in will be disabled">
            Once saved, nobody in this organization can sign in with a password — including administrators. Make sure
            single sign-on works for you first (sign in through the sign-in URL in a private window) so you do not lock
            yourself out. Invitations will no longer include a link to set a password.
          </Alert>
        ) : null}
      </fieldset>

      {serverError ? (
        <Alert tone="danger" role="alert" title="The configuration was not saved">
          <ErrorMessage error={serverError} />
        </Alert>
      ) : null}

      {canManage ? (
        <div className="sso-form__actions">
          {config ? (
            <Button variant="danger-ghost" icon={<TrashIcon size={15} />} onClick={() => setRemoving(true)}>
              Remove configuration
            </Button>
          ) : (
            <span />
          )}
          <Button type="submit" loading={saving}>
            {config ? 'Save changes' : 'Save configuration'}
          </Button>
        </div>
      ) : null}

      {removing ? (
        <ConfirmDialog
          title="Remove single sign-on?"
          confirmLabel="Remove configuration"
          loading={removeBusy}
          onCancel={() => setRemoving(false)}
          onConfirm={() => void confirmRemove()}
          error={
            removeError ? (
              <Alert tone="danger" role="alert" title="The configuration was not removed">
                <ErrorMessage error={removeError} />
              </Alert>
            ) : null
          }
        >
          <p>
            Nobody can sign in through your identity provider any more. Members who have no password cannot sign in
            until they are invited again. The client secret is deleted.
          </p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

/** The organization's OpenID Connect configuration. */
export function SsoPanel() {
  const permissions = usePermissions();
  const canManage = permissions.has('sso:manage');
  const [{ data, error }] = useQuery({ query: AdminOidcConfigQuery, context: SSO_CONTEXT });
  const loadError = error && !data ? toAppError(error) : null;
  const config = data?.oidcConfig ?? null;
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <Card aria-labelledby="sso-title">
      <CardHeader
        id="sso-title"
        icon={<LockIcon size={18} />}
        title="Single sign-on (OpenID Connect)"
        description="Let members sign in with your organization's identity provider, such as Entra ID, Okta or Keycloak."
        actions={
          data ? (
            config ? (
              <Badge tone={config.ssoRequired ? 'brand' : 'success'} dot>
                {config.ssoRequired ? 'Required' : 'Enabled'}
              </Badge>
            ) : (
              <Badge dot>Not configured</Badge>
            )
          ) : null
        }
      />
      <CardBody className="panel-body">
        {loadError ? (
          <Alert tone={loadError.code === 'FORBIDDEN' ? 'warning' : 'danger'} role="alert" title="Single sign-on settings could not be loaded">
            <ErrorMessage error={loadError} />
          </Alert>
        ) : !data ? (
          <div className="panel-loading">
            <Spinner size={18} label="Loading single sign-on settings" />
          </div>
        ) : (
          <>
            {config ? (
              <p className="muted panel-note">
                Last changed <time dateTime={config.updatedAt} title={formatDateTime(config.updatedAt)}>{formatRelative(config.updatedAt)}</time>.
              </p>
            ) : (
              <Alert tone="info" title="Single sign-on is not configured">
                Members sign in with passwords. Register Phantom ML Studio as an application at your identity provider
                with the redirect URI below, then enter its details here.
              </Alert>
            )}
            {!canManage ? (
              <Alert tone="info" title="Read only">
                You can see this configuration, but changing it needs the sso:manage permission.
              </Alert>
            ) : null}
            {/* A new key resets the form to what the server holds after save or removal. */}
            <SsoForm
              key={config ? config.updatedAt : 'none'}
              config={config}
              slug={data.viewer.tenant.slug}
              canManage={canManage}
              onNotice={setNotice}
            />
            <div role="status" aria-live="polite">
              {notice ? <Alert tone="success" title={notice} /> : null}
            </div>
          </>
        )}
      </CardBody>
    </Card>
  );
}

