import { useId } from 'react';

import { Spinner } from '@/components/ui/spinner';
import { cn } from '@/lib/cn';
import { formatRole } from '@/lib/format';

import type { RoleOption } from '../lib/role-options';

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
  /** Roles the viewer may not change are shown but cannot be toggled. */
  canToggle?: (role: RoleOption) => boolean;
};

/** A multi-select of roles as a checkbox group, each with its description. */
export function RolePicker({
  legend,
  options,
  value,
  onChange,
  error,
  hint,
  loading,
  disabled,
  compact,
  canToggle,
}: RolePickerProps) {
  const id = useId();
  // Roles someone holds that are no longer defined still show, so they can be removed.
  const unknown = value.filter((name) => !options.some((o) => o.name === name));
  const all: RoleOption[] = [
    ...options,
    ...unknown.map((name) => ({ name, description: '', builtIn: false, permissions: null })),
  ];
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
          {all.map((role) => {
            const locked = canToggle ? !canToggle(role) : false;
            return (
              <label
                className={cn('checkbox role-picker__option', locked && 'role-picker__option--locked')}
                key={role.name}
                title={locked ? 'This role carries permissions you do not have, so you cannot give or remove it.' : undefined}
              >
                <input
                  type="checkbox"
                  checked={value.includes(role.name)}
                  onChange={(event) => toggle(role.name, event.target.checked)}
                  disabled={locked}
                />
                <span className="checkbox__text">
                  <span className="checkbox__label">
                    {formatRole(role.name)}
                    {role.builtIn ? null : <span className="role-picker__custom">Custom</span>}
                  </span>
                  {role.description && !compact ? (
                    <span className="checkbox__description">{role.description}</span>
                  ) : null}
                  {locked && !compact ? (
                    <span className="checkbox__description role-picker__locked">Carries permissions you do not have</span>
                  ) : null}
                </span>
              </label>
            );
          })}
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
