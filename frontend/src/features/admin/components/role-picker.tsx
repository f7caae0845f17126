import { useId } from 'react';
import { useQuery } from 'urql';

import { Spinner } from '@/components/ui/spinner';
import { cn } from '@/lib/cn';
import { formatRole } from '@/lib/format';

import { AdminRoleOptionsQuery } from '../api/members';

export type RoleOption = { name: string; description: string; builtIn: boolean };

/** The built-in roles, for people who may manage members but not read role definitions. */
const BUILT_IN_ROLES = ['owner', 'admin', 'data_scientist', 'ml_engineer', 'executive', 'compliance_officer', 'viewer'];

export function useRoleOptions(): { options: RoleOption[]; fetching: boolean } {
  const [{ data, error, fetching }] = useQuery({ query: AdminRoleOptionsQuery });
  if (data) return { options: data.roles, fetching: false };
  if (error) return { options: BUILT_IN_ROLES.map((name) => ({ name, description: '', builtIn: true })), fetching: false };
  return { options: [], fetching };
}

type RolePickerProps = {
  legend: string;
  options: RoleOption[];
  value: readonly string[];
  onChange: (next: string[]) => void;
  error?: string | undefined;
  hint?: string;
  loading?: boolean;
  disabled?: boolean;
  compact?: boolean;
};

/** A multi-select of roles as a checkbox group, each with its description. */
export function RolePicker({ legend, options, value, onChange, error, hint, loading, disabled, compact }: RolePickerProps) {
  const id = useId();
  // Roles someone holds that are no longer defined still show, so they can be removed.
  const all = [...options, ...value.filter((name) => !options.some((o) => o.name === name)).map((name) => ({ name, description: '', builtIn: false }))];
  const toggle = (name: string, checked: boolean) =>
    onChange(checked ? [...value, name] : value.filter((role) => role !== name));

  return (
    <fieldset
      className={cn('role-picker', compact && 'role-picker--compact', error && 'role-picker--invalid')}
      aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
      disabled={disabled}
    >
      <legend className="field__label">{legend}</legend>
      {loading && all.length === 0 ? (
        <Spinner size={16} label="Loading roles" />
      ) : (
        <div className="role-picker__options">
          {all.map((role) => (
            <label className="checkbox role-picker__option" key={role.name}>
              <input
                type="checkbox"
                checked={value.includes(role.name)}
                onChange={(event) => toggle(role.name, event.target.checked)}
              />
              <span className="checkbox__text">
                <span className="checkbox__label">
                  {formatRole(role.name)}
                  {role.builtIn ? null : <span className="role-picker__custom">Custom</span>}
                </span>
                {role.description && !compact ? <span className="checkbox__description">{role.description}</span> : null}
              </span>
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </fieldset>
  );
}
