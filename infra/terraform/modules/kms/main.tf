# Two customer managed keys, both rotated yearly:
# - master: the application's key-encryption key (PHANTOM_KMS_KEY_ID). Only the ECS task
#   role may use it (granted in the compute module), and only for Encrypt, Decrypt and
#   GenerateDataKey.
# - data: encryption at rest of everything else (RDS, ElastiCache, S3, Secrets Manager,
#   CloudWatch Logs, SNS).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  # The account administers the keys through IAM; no other principal is named here.
  administer = {
    Sid       = "AccountAdministersThroughIam"
    Effect    = "Allow"
    Principal = { AWS = local.account_root }
    Action    = "kms:*"
    Resource  = "*"
  }
}

resource "aws_kms_key" "master" {
  description             = "${var.name}: Phantom master key (wraps tenants' data keys)"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.administer]
  })
}

resource "aws_kms_alias" "master" {
  name          = "alias/${var.name}-master"
  target_key_id = aws_kms_key.master.key_id
}

resource "aws_kms_key" "data" {
  description             = "${var.name}: encryption at rest (RDS, ElastiCache, S3, secrets, logs)"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      local.administer,
      {
        Sid       = "CloudWatchLogsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:*"
          }
        }
      },
      {
        Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "data" {
  name          = "alias/${var.name}-data"
  target_key_id = aws_kms_key.data.key_id
}
