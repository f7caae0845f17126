import type { OidcConfigFieldsFragment } from '@/gql/graphql';

const DEFAULT_SCOPES = 'openid email profile';

/** One row of the SSO role mapping: a claim value and the roles it grants. */
export type MappingRow = { key: number; claimValue: string; roles: string[] };

let rowKey = 0;

export function newMappingRow(claimValue = '', roles: string[] = []): MappingRow {
  return { key: ++rowKey, claimValue, roles };
}

export type FormState = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  domains: string;
  defaultRole: string;
  roleClaim: string;
  mapping: MappingRow[];
  ssoRequired: boolean;
};
export type Errors = Partial<Record<'issuer' | 'clientId' | 'clientSecret' | 'scopes' | 'roleClaim' | 'mapping', string>>;

export function toForm(config: OidcConfigFieldsFragment | null | undefined): FormState {
  return {
    issuer: config?.issuer ?? '',
    clientId: config?.clientId ?? '',
    clientSecret: '',
    scopes: config ? config.scopes.join(' ') : DEFAULT_SCOPES,
    domains: config?.allowedEmailDomains.join(', ') ?? '',
    defaultRole: config?.defaultRole ?? 'viewer',
    roleClaim: config?.roleClaim ?? '',
    mapping: (config?.roleMapping ?? []).map((entry) => newMappingRow(entry.claimValue, [...entry.roles])),
    ssoRequired: config?.ssoRequired ?? false,
  };
}

export function words(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((word) => word.trim())
    .filter(Boolean);
}

/** The server keeps the stored secret when the field is empty, but only for the same issuer and client. */
export function keepsSecret(form: FormState, config: OidcConfigFieldsFragment | null): boolean {
  return (
    !!config?.clientSecretSet && form.issuer.trim() === config.issuer && form.clientId.trim() === config.clientId
  );
}

export function validate(form: FormState, config: OidcConfigFieldsFragment | null): Errors {
  const errors: Errors = {};
  const issuer = form.issuer.trim();
  if (!issuer) errors.issuer = 'Enter the issuer URL, e.g. https://login.example.com.';
  else if (!/^https?:\/\/[^\s/]+/i.test(issuer)) errors.issuer = 'Enter an absolute URL starting with https://.';
  if (!form.clientId.trim()) errors.clientId = 'Enter the client ID your identity provider issued.';
  if (!form.clientSecret && !keepsSecret(form, config)) {
    errors.clientSecret = config?.clientSecretSet
      ? 'Enter the client secret again: the stored one is never sent to a different issuer or client.'
      : 'Enter the client secret your identity provider issued.';
  }
  if (!words(form.scopes).includes('openid')) errors.scopes = "Scopes must include 'openid'.";
  if (form.mapping.length > 0 && !form.roleClaim.trim()) errors.roleClaim = 'Set the role claim to use a role mapping.';
  const values = form.mapping.map((row) => row.claimValue.trim());
  if (values.some((value) => !value)) errors.mapping = 'Give every mapping a claim value.';
  else if (new Set(values).size !== values.length) errors.mapping = 'Each claim value can be mapped only once.';
  else if (form.mapping.some((row) => row.roles.length === 0)) errors.mapping = 'Choose at least one role for every mapping.';
  return errors;
}
