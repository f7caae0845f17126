import { useId } from 'react';

import { cn } from '@/lib/cn';

import { actionLabel, groupPermissions, parsePermission } from '../lib/permission-groups';

export type ScopeMode = 'all' | 'subset';

type ScopePickerProps = {
  /** The permissions the viewer holds: a token can never have more. */
  available: readonly string[];
  mode: ScopeMode;
  onModeChange: (mode: ScopeMode) => void;
  value: readonly string[];
  onChange: (next: string[]) => void;
  error?: string | undefined;
};

/** Chooses a token's scopes: all of the viewer's permissions, or a subset grouped by resource. */
export function ScopePicker({ available, mode, onModeChange, value, onChange, error }: ScopePickerProps) {
  const id = useId();
  const groups = groupPermissions(available.map(parsePermission));
  const toggle = (names: string[], checked: boolean) =>
    onChange(checked ? [...new Set([...value, ...names])] : value.filter((name) => !names.includes(name)));

  return (
    <fieldset className="scope-picker" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field__label">Permissions</legend>
      <div className="scope-picker__modes">
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'all'}
            onChange={() => onModeChange('all')}
          />
          <span className="checkbox__text">
            <span className="checkbox__label">All of my permissions</span>
            <span className="checkbox__description">The token can do whatever you can, now and after role changes.</span>
          </span>
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'subset'}
            onChange={() => onModeChange('subset')}
          />
          <span className="checkbox__text">
            <span className="checkbox__label">Only the permissions I choose</span>
            <span className="checkbox__description">Recommended for automation: grant the least it needs.</span>
          </span>
        </label>
      </div>
      {mode === 'subset' ? (
        <div className={cn('scope-picker__groups', error && 'scope-picker__groups--invalid')}>
          {groups.map((group) => {
            const names = group.permissions.map((p) => p.name);
            const selected = names.filter((name) => value.includes(name)).length;
            return (
              <fieldset className="scope-group" key={group.resource}>
                <legend className="scope-group__legend">
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={selected === names.length}
                      ref={(input) => {
                        if (input) input.indeterminate = selected > 0 && selected < names.length;
                      }}
                      onChange={(event) => toggle(names, event.target.checked)}
                      aria-label={`All ${group.label} permissions`}
                    />
                    <span className="checkbox__label">{group.label}</span>
                  </label>
                </legend>
                <div className="scope-group__items">
                  {group.permissions.map((permission) => (
                    <label className="checkbox" key={permission.name}>
                      <input
                        type="checkbox"
                        checked={value.includes(permission.name)}
                        onChange={(event) => toggle([permission.name], event.target.checked)}
                      />
                      <span className="checkbox__text">
                        <span className="checkbox__label">{actionLabel(permission.action)}</span>
                        <code className="checkbox__description">{permission.name}</code>
                      </span>
                    </label>
                  ))}
                </div>
              </fieldset>
            );
          })}
        </div>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A token's scopes in a table cell: "All permissions", or the first few with a count. */
export function ScopeList({ scopes, max = 3 }: { scopes: readonly string[] | null | undefined; max?: number }) {
  if (scopes === null || scopes === undefined) {
    return (
      <span className="scope-list__all" title="All of the owner's permissions, as they change">
        All permissions
      </span>
    );
  }
  if (scopes.length === 0) return <span className="muted">No permissions</span>;
  const shown = scopes.slice(0, max);
  const rest = scopes.length - shown.length;
  return (
    <span className="scope-list" title={scopes.join('\n')}>
      {shown.map((scope) => (
        <code className="scope-list__item" key={scope}>
          {scope}
        </code>
      ))}
      {rest > 0 ? <span className="scope-list__more">+{rest} more</span> : null}
    </span>
  );
}
