# Secrets Manager secrets, encrypted with the data key. ECS reads them at task start
# (the execution role) and injects each as one environment variable, so no secret
# appears in a task definition. Their values also live in the Terraform state: keep the
# state in an encrypted, access-controlled backend (docs/deploy.md).

resource "aws_secretsmanager_secret" "this" {
  # checkov:skip=CKV2_AWS_57: the values are connection URLs built from passwords Terraform generates; rotate by tainting the random_password and re-applying, then rolling the services (docs/deploy.md)
  for_each                = nonsensitive(toset(keys(var.secrets)))
  name                    = "${var.name}/${each.key}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "this" {
  for_each      = nonsensitive(toset(keys(var.secrets)))
  secret_id     = aws_secretsmanager_secret.this[each.key].id
  secret_string = var.secrets[each.key]
}
