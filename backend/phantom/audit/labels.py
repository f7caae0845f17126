"""Plain-English labels for audit action codes, so a compliance officer reads "Uploaded a
dataset", not ``datasets.dataset.uploaded``. The code stays the stable name (filters,
exports, integrators); the label is for people. ``tests/audit/test_labels.py`` scans the
code base's ``record`` calls and every GraphQL mutation (the safety net's
``graphql.<field>`` events) and fails on a code without a label here."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    # identity: members, credentials, single sign-on
    "identity.tenant.created": "Created the organization",
    "identity.session.started": "Signed in",
    "identity.session.ended": "Signed out",
    "identity.sign_in.refused": "Sign-in refused",
    "identity.token.created": "Created an API token",
    "identity.token.revoked": "Revoked an API token",
    "identity.member.invited": "Invited a member",
    "identity.member.roles_changed": "Changed a member's roles",
    "identity.member.deactivated": "Deactivated a member",
    "identity.member.reactivated": "Reactivated a member",
    "identity.member.provisioned": "Added a member through single sign-on",
    "identity.member.sso_linked": "Linked a member to single sign-on",
    "identity.member.roles_synced": "Updated a member's roles from single sign-on",
    "identity.sso.configured": "Configured single sign-on",
    "identity.sso.removed": "Removed single sign-on",
    # roles
    "authz.role.created": "Created a role",
    "authz.role.updated": "Changed a role",
    "authz.role.deleted": "Deleted a role",
    # datasets and training
    "datasets.dataset.uploaded": "Uploaded a dataset",
    "datasets.dataset.deleted": "Deleted a dataset",
    "datasets.dataset.rows_erased": "Erased a data subject's rows from a dataset",
    "automl.training.started": "Started a training job",
    "automl.training.retrained": "Retrained from an earlier job",
    "automl.training.cancel_requested": "Asked to cancel a training job",
    "automl.training.claimed": "A worker started a training job",
    "automl.training.succeeded": "Training job finished",
    "automl.training.failed": "Training job failed",
    "automl.training.cancelled": "Training job cancelled",
    "automl.training.retried": "Training job will be retried",
    "automl.training.handed_back": "A stopping worker handed a training job back",
    "automl.training.queued": "Training job queued",
    "automl.training.running": "Training job running",
    # the model registry and approvals
    "registry.model_version.registered": "Registered a model version",
    "registry.model_version.promoted": "Moved a model version to another stage",
    "registry.model.business_line_set": "Set a model's business line",
    "registry.serving_threshold.set": "Set a model's decision threshold",
    "registry.model_documentation.updated": "Edited a model's documentation",
    "registry.model_report.generated": "Generated a model report",
    "registry.promotion.policy_set": "Changed the promotion approval policy",
    "registry.promotion.requested": "Asked for approval to promote a model",
    "registry.promotion.approved": "Approved a promotion",
    "registry.promotion.rejected": "Rejected a promotion",
    "registry.promotion.withdrawn": "Withdrew a promotion request",
    "registry.promotion.expired": "Promotion request expired",
    "value.value_model.set": "Set a model's business value",
    # predictions and monitoring
    "batch.prediction.started": "Started a batch prediction",
    "batch.prediction.cancel_requested": "Asked to cancel a batch prediction",
    "batch.prediction.claimed": "A worker started a batch prediction",
    "batch.prediction.succeeded": "Batch prediction finished",
    "batch.prediction.failed": "Batch prediction failed",
    "batch.prediction.cancelled": "Batch prediction cancelled",
    "batch.prediction.retried": "Batch prediction will be retried",
    "batch.prediction.handed_back": "A stopping worker handed a batch prediction back",
    "batch.prediction.queued": "Batch prediction queued",
    "batch.prediction.running": "Batch prediction running",
    "batch.prediction.downloaded": "Downloaded batch predictions",
    "predictions.logged": "Logged a batch of predictions",
    "predictions.expired": "Deleted old prediction logs",
    "predictions.rows_erased": "Erased a data subject's rows from the prediction log",
    "monitoring.health.refreshed": "Refreshed model health",
    "monitoring.thresholds.set": "Set monitoring thresholds",
    "monitoring.prediction_log_retention.set": "Changed how long prediction logs are kept",
    "monitoring.outcomes.recorded": "Recorded actual outcomes",
    "alerts.rules.set": "Changed alert rules",
    "alerts.alert.opened": "An alert was raised",
    "alerts.alert.acknowledged": "Acknowledged an alert",
    "alerts.alert.resolved": "Resolved an alert",
    "webhooks.webhook.created": "Created a webhook",
    "webhooks.webhook.deleted": "Deleted a webhook",
    # privacy
    "compliance.request.created": "Opened a data subject request",
    "compliance.request.pending": "Data subject request pending",
    "compliance.request.approved": "Approved a data subject request",
    "compliance.request.rejected": "Rejected a data subject request",
    "compliance.request.executed": "Carried out a data subject request",
    "compliance.report.downloaded": "Downloaded a data subject's report",
    # the audit log itself
    "audit.chain.verified": "Verified the audit log's integrity",
    "audit.report.verified": "Verified a model report against the audit log",
    "audit.log.exported": "Exported the audit log",
    "audit.retention.updated": "Changed how long audit details are kept",
    "audit.retention.purged": "Deleted audit details past their retention",
    "audit.keys.rotated": "Rotated the audit encryption key",
    "audit.keys.signing_rotated": "Rotated the audit signing key",
}

# The safety net records a mutation that failed, was refused, or recorded nothing under
# ``graphql.<field>``: what the person tried to do, by field.
MUTATION_LABELS: dict[str, str] = {
    "create_api_token": "Create an API token",
    "revoke_api_token": "Revoke an API token",
    "invite_member": "Invite a member",
    "set_member_roles": "Change a member's roles",
    "deactivate_member": "Deactivate a member",
    "reactivate_member": "Reactivate a member",
    "create_role": "Create a role",
    "update_role": "Change a role",
    "delete_role": "Delete a role",
    "configure_oidc": "Configure single sign-on",
    "remove_oidc_config": "Remove single sign-on",
    "verify_audit_chain": "Verify the audit log's integrity",
    "export_audit_log": "Export the audit log",
    "set_audit_retention_policy": "Change how long audit details are kept",
    "create_data_subject_request": "Open a data subject request",
    "approve_data_subject_request": "Approve a data subject request",
    "reject_data_subject_request": "Reject a data subject request",
    "execute_data_subject_request": "Carry out a data subject request",
    "upload_dataset": "Upload a dataset",
    "delete_dataset": "Delete a dataset",
    "start_training": "Start a training job",
    "retrain_from_job": "Retrain from an earlier job",
    "cancel_training": "Cancel a training job",
    "set_model_business_line": "Set a model's business line",
    "promote_model_version": "Move a model version to another stage",
    "set_promotion_policy": "Change the promotion approval policy",
    "request_promotion": "Ask for approval to promote a model",
    "decide_promotion": "Decide on a promotion request",
    "withdraw_promotion_request": "Withdraw a promotion request",
    "set_model_documentation": "Edit a model's documentation",
    "generate_model_report": "Generate a model report",
    "predict": "Score rows with a model",
    "start_batch_prediction": "Start a batch prediction",
    "cancel_batch_prediction": "Cancel a batch prediction",
    "set_alert_rules": "Change alert rules",
    "acknowledge_alert": "Acknowledge an alert",
    "resolve_alert": "Resolve an alert",
    "create_webhook": "Create a webhook",
    "delete_webhook": "Delete a webhook",
    "refresh_model_health": "Refresh model health",
    "record_outcomes": "Record actual outcomes",
    "set_monitoring_thresholds": "Set monitoring thresholds",
    "set_prediction_log_retention": "Change how long prediction logs are kept",
    "set_value_model": "Set a model's business value",
    "set_serving_threshold": "Set a model's decision threshold",
}

GRAPHQL_PREFIX = "graphql."


def action_label(code: str) -> str | None:
    """The label of an action code; None for a code with none (an old event of an action
    since renamed, or a test's), which the SPA shows as the code itself."""
    if code.startswith(GRAPHQL_PREFIX):
        return MUTATION_LABELS.get(code[len(GRAPHQL_PREFIX) :])
    return ACTION_LABELS.get(code)


def all_labels() -> dict[str, str]:
    """Every code with a label, the safety net's included."""
    return {
        **ACTION_LABELS,
        **{GRAPHQL_PREFIX + field: label for field, label in MUTATION_LABELS.items()},
    }
