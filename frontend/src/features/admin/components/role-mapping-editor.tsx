import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { PlusIcon, TrashIcon } from '@/components/ui/icons';

import type { RoleOption } from '../lib/role-options';
import { newMappingRow, type MappingRow } from '../lib/sso-form-state';
import { RolePicker } from './role-picker';

/** SSO role mapping: rows of "claim value → roles", added and removed in place. */
export function RoleMappingEditor({
  rows,
  onChange,
  roleOptions,
  loadingRoles,
  canManage,
  error,
}: {
  rows: MappingRow[];
  onChange: (rows: MappingRow[]) => void;
  roleOptions: RoleOption[];
  loadingRoles: boolean;
  canManage: boolean;
  error?: string | undefined;
}) {
  const setRow = (key: number, patch: Partial<MappingRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  return (
    <div className="mapping">
      <div className="mapping__header">
        <p className="field__label" id="mapping-label">
          Role mapping
        </p>
        <p className="field__hint">When the role claim contains a value, the person gets these roles at each sign-in.</p>
      </div>
      {rows.length === 0 ? (
        <p className="mapping__empty muted">No mappings: everyone gets the default role.</p>
      ) : (
        <ul className="mapping__rows" aria-labelledby="mapping-label">
          {rows.map((row, index) => (
            <li className="mapping__row" key={row.key}>
              <Field
                label={`Claim value ${index + 1}`}
                value={row.claimValue}
                onChange={(event) => setRow(row.key, { claimValue: event.target.value })}
                placeholder="ml-platform-admins"
                autoComplete="off"
                spellCheck={false}
                maxLength={256}
                className="mapping__value"
              />
              <RolePicker
                legend={`Roles for mapping ${index + 1}`}
                options={roleOptions}
                loading={loadingRoles}
                value={row.roles}
                onChange={(roles) => setRow(row.key, { roles })}
                compact
              />
              {canManage ? (
                <Button
                  variant="danger-ghost"
                  size="sm"
                  icon={<TrashIcon size={14} />}
                  onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                  aria-label={`Remove mapping ${index + 1}`}
                  className="mapping__remove"
                >
                  Remove
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
      {canManage ? (
        <div>
          <Button
            variant="secondary"
            size="sm"
            icon={<PlusIcon size={14} />}
            onClick={() => onChange([...rows, newMappingRow()])}
          >
            Add mapping
          </Button>
        </div>
      ) : null}
    </div>
  );
}
