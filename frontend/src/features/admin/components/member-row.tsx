import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import type { MemberFieldsFragment, MemberStatus } from '@/gql/graphql';
import { formatDate, formatRole, initials } from '@/lib/format';

import { RelativeTime } from '@/components/ui/relative-time';

const STATUS_LABEL: Record<MemberStatus, string> = { ACTIVE: 'Active', INVITED: 'Invited', DEACTIVATED: 'Deactivated' };
const STATUS_TONE: Record<MemberStatus, BadgeTone> = { ACTIVE: 'success', INVITED: 'info', DEACTIVATED: 'neutral' };
const METHOD_LABEL: Record<string, string> = { password: 'Password', sso: 'SSO' };

export type MemberAction = { kind: 'roles' | 'deactivate' | 'reactivate'; member: MemberFieldsFragment };

/** One member: who, roles, status, last sign-in, sign-in methods, and what the viewer may do. */
export function MemberRow({
  member,
  canManage,
  isSelf,
  mayManage,
  onAction,
}: {
  member: MemberFieldsFragment;
  canManage: boolean;
  isSelf: boolean;
  mayManage: boolean;
  onAction: (action: MemberAction) => void;
}) {
  const name = member.displayName || member.email;
  return (
    <tr className={member.status === 'DEACTIVATED' ? 'data-table__row--inactive' : undefined}>
      <th scope="row">
        <span className="member-cell">
          <span className="avatar avatar--sm" aria-hidden="true">
            {initials(name)}
          </span>
          <span className="member-cell__text">
            <span className="member-cell__name" title={name}>
              {name}
              {isSelf ? <span className="member-cell__you"> (you)</span> : null}
            </span>
            {member.displayName ? (
              <span className="member-cell__email" title={member.email}>
                {member.email}
              </span>
            ) : null}
          </span>
        </span>
      </th>
      <td>
        <ul className="badge-list" aria-label={`Roles of ${name}`}>
          {member.roles.map((role) => (
            <li key={role}>
              <Badge tone="brand">{formatRole(role)}</Badge>
            </li>
          ))}
        </ul>
      </td>
      <td>
        <Badge tone={STATUS_TONE[member.status]} dot title={`Member since ${formatDate(member.joinedAt)}`}>
          {STATUS_LABEL[member.status]}
        </Badge>
      </td>
      <td>
        <RelativeTime value={member.lastLoginAt} empty="Never" />
      </td>
      <td>
        {member.signInMethods.length ? (
          member.signInMethods.map((method) => METHOD_LABEL[method] ?? method).join(', ')
        ) : (
          <span className="muted">None yet</span>
        )}
      </td>
      {canManage ? (
        <td className="data-table__actions">
          {mayManage ? (
            <span className="data-table__buttons">
              <Button
                variant="ghost"
                size="sm"
                onClick={() => onAction({ kind: 'roles', member })}
                aria-label={`Change roles of ${name}`}
                disabled={member.status === 'DEACTIVATED'}
                title={member.status === 'DEACTIVATED' ? 'Reactivate the member to change their roles.' : undefined}
              >
                Roles
              </Button>
              {isSelf ? null : member.status === 'DEACTIVATED' ? (
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => onAction({ kind: 'reactivate', member })}
                  aria-label={`Reactivate ${name}`}
                >
                  Reactivate
                </Button>
              ) : (
                <Button
                  variant="danger-ghost"
                  size="sm"
                  onClick={() => onAction({ kind: 'deactivate', member })}
                  aria-label={`Deactivate ${name}`}
                >
                  Deactivate
                </Button>
              )}
            </span>
          ) : (
            <span
              className="muted data-table__note"
              title="Their roles carry permissions you do not have, so only someone who holds them can change this member."
            >
              Managed by a higher role
            </span>
          )}
        </td>
      ) : null}
    </tr>
  );
}
