"""The permission matrix: every permission (resource x action) and what each built-in role
may do. This file is the one readable place; docs/security.md renders it.

A permission is written ``resource:action``; Casbin sees ``obj=resource, act=action``.
Tenants may define custom roles from these permissions (``authz.service``).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from phantom.authz.roles import Role


class P(StrEnum):
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"
    ROLES_READ = "roles:read"
    ROLES_MANAGE = "roles:manage"
    SSO_READ = "sso:read"
    SSO_MANAGE = "sso:manage"
    TOKENS_CREATE = "tokens:create"
    TOKENS_MANAGE = "tokens:manage"
    EVENTS_READ = "events:read"
    DATASETS_READ = "datasets:read"
    DATASETS_WRITE = "datasets:write"
    DATASETS_DOWNLOAD = "datasets:download"
    TRAINING_READ = "training:read"
    TRAINING_RUN = "training:run"
    TRAINING_CANCEL = "training:cancel"
    MODELS_READ = "models:read"
    MODELS_PROMOTE = "models:promote"
    MODELS_APPROVE = "models:approve"
    PROMOTION_POLICY_MANAGE = "promotion_policy:manage"
    ALERTS_MANAGE = "alerts:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"
    PREDICTIONS_RUN = "predictions:run"
    PREDICTIONS_EXPORT = "predictions:export"
    INSIGHTS_READ = "insights:read"
    AUDIT_READ = "audit:read"
    AUDIT_READ_DETAILS = "audit:read_details"
    AUDIT_VERIFY = "audit:verify"
    AUDIT_EXPORT = "audit:export"
    PRIVACY_REQUEST = "privacy:request"
    PRIVACY_APPROVE = "privacy:approve"
    PRIVACY_EXECUTE = "privacy:execute"
    RETENTION_MANAGE = "retention:manage"

    @property
    def resource(self) -> str:
        return self.value.split(":", 1)[0]

    @property
    def action(self) -> str:
        return self.value.split(":", 1)[1]


DESCRIPTIONS: dict[P, str] = {
    P.USERS_READ: "List the organization's members, their roles and last sign-in.",
    P.USERS_MANAGE: "Invite members, change their roles, deactivate and reactivate them.",
    P.ROLES_READ: "See roles and the permissions they grant.",
    P.ROLES_MANAGE: "Create, change and delete custom roles.",
    P.SSO_READ: "See the single sign-on configuration (never the client secret).",
    P.SSO_MANAGE: "Configure single sign-on.",
    P.TOKENS_CREATE: "Create and revoke one's own API tokens.",
    P.TOKENS_MANAGE: "List and revoke every API token of the organization.",
    P.EVENTS_READ: "Subscribe to the organization's live events.",
    P.DATASETS_READ: "See datasets and their profiles.",
    P.DATASETS_WRITE: "Upload and delete datasets.",
    P.DATASETS_DOWNLOAD: "Download dataset contents.",
    P.TRAINING_READ: "See training jobs, progress and leaderboards.",
    P.TRAINING_RUN: "Start training jobs.",
    P.TRAINING_CANCEL: "Cancel training jobs.",
    P.MODELS_READ: "See models, versions and explanations.",
    P.MODELS_PROMOTE: "Move model versions between stages.",
    P.MODELS_APPROVE: "Approve model versions for production.",
    P.PROMOTION_POLICY_MANAGE: (
        "Set which stages need a second person's approval, and how long requests last."
    ),
    P.ALERTS_MANAGE: "Set alert rules; acknowledge and resolve alerts.",
    P.WEBHOOKS_MANAGE: "Create and delete webhooks and see their deliveries.",
    P.PREDICTIONS_RUN: "Score rows with a model version.",
    P.PREDICTIONS_EXPORT: "Export batch predictions.",
    P.INSIGHTS_READ: "See business value and executive KPIs.",
    P.AUDIT_READ: "Search the audit log (headers only).",
    P.AUDIT_READ_DETAILS: "Read decrypted audit event details.",
    P.AUDIT_VERIFY: "Verify the audit chain.",
    P.AUDIT_EXPORT: "Export the audit log with its proofs.",
    P.PRIVACY_REQUEST: "Create data subject requests.",
    P.PRIVACY_APPROVE: "Approve data subject requests made by someone else.",
    P.PRIVACY_EXECUTE: "Execute approved data subject requests.",
    P.RETENTION_MANAGE: "Set the audit detail retention policy.",
}

_READ_ALL_ML = {P.DATASETS_READ, P.TRAINING_READ, P.MODELS_READ, P.INSIGHTS_READ, P.EVENTS_READ}

MATRIX: dict[Role, frozenset[P]] = {
    Role.OWNER: frozenset(P),
    # an admin also promotes models: one who could switch off four-eyes promotion could
    # promote alone, so the promotion policy is the owner's and the compliance officer's
    Role.ADMIN: frozenset(P)
    - {
        P.AUDIT_READ_DETAILS,
        P.PRIVACY_APPROVE,
        P.PRIVACY_EXECUTE,
        P.RETENTION_MANAGE,
        P.PROMOTION_POLICY_MANAGE,
    },
    Role.DATA_SCIENTIST: frozenset(
        _READ_ALL_ML
        | {
            P.DATASETS_WRITE,
            P.DATASETS_DOWNLOAD,
            P.TRAINING_RUN,
            P.TRAINING_CANCEL,
            P.MODELS_PROMOTE,
            P.ALERTS_MANAGE,
            P.PREDICTIONS_RUN,
            P.PREDICTIONS_EXPORT,  # the output of their own batch scoring
            P.TOKENS_CREATE,
        }
    ),
    Role.ML_ENGINEER: frozenset(
        _READ_ALL_ML
        | {
            P.TRAINING_CANCEL,
            P.MODELS_PROMOTE,
            P.ALERTS_MANAGE,
            P.PREDICTIONS_RUN,
            P.PREDICTIONS_EXPORT,
            P.TOKENS_CREATE,
        }
    ),
    Role.EXECUTIVE: frozenset(_READ_ALL_ML | {P.TOKENS_CREATE}),
    Role.COMPLIANCE_OFFICER: frozenset(
        _READ_ALL_ML
        | {
            P.USERS_READ,
            P.ROLES_READ,
            P.SSO_READ,
            P.MODELS_APPROVE,
            P.PROMOTION_POLICY_MANAGE,
            P.AUDIT_READ,
            P.AUDIT_READ_DETAILS,
            P.AUDIT_VERIFY,
            P.AUDIT_EXPORT,
            P.PRIVACY_REQUEST,
            P.PRIVACY_APPROVE,
            P.PRIVACY_EXECUTE,
            P.RETENTION_MANAGE,
            P.TOKENS_CREATE,
        }
    ),
    Role.VIEWER: frozenset(_READ_ALL_ML | {P.TOKENS_CREATE}),
}


# Power over other people's access and over the organization's records. Removing someone
# (a data subject erasure) needs every one of these they hold: otherwise two compliance
# officers could remove an administrator or an owner. ML work is not in this set.
GOVERNANCE: frozenset[P] = frozenset(
    {
        P.USERS_MANAGE,
        P.ROLES_MANAGE,
        P.SSO_MANAGE,
        P.TOKENS_MANAGE,
        P.MODELS_APPROVE,
        P.PROMOTION_POLICY_MANAGE,
        P.AUDIT_READ_DETAILS,
        P.AUDIT_EXPORT,
        P.PRIVACY_APPROVE,
        P.PRIVACY_EXECUTE,
        P.RETENTION_MANAGE,
    }
)


def parse_permission(value: str) -> P:
    from phantom.kit.errors import BadUserInput

    try:
        return P(value)
    except ValueError:
        raise BadUserInput(
            f"Unknown permission '{value[:64]}'. See the `permissions` query for the list."
        ) from None


def permission_names(permissions: Iterable[P]) -> str:
    """``a:read, b:write``: how refusals name the permissions someone lacks."""
    return ", ".join(sorted(p.value for p in permissions))


def matrix_markdown() -> str:
    """The matrix as a Markdown table (docs/security.md embeds it; a test keeps it true)."""
    roles = list(MATRIX)
    header = "| permission | " + " | ".join(r.value for r in roles) + " |"
    rule = "|---|" + "|".join(":-:" for _ in roles) + "|"
    rows = [
        f"| `{p.value}` | " + " | ".join("✓" if p in MATRIX[r] else "" for r in roles) + " |"
        for p in P
    ]
    return "\n".join([header, rule, *rows])
