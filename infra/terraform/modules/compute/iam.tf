# Two roles: the execution role (ECS itself: pull the image, write logs, read the
# secrets it injects) and the task role (the application: its bucket and the two KMS
# keys). The queue-metrics and db-bootstrap tasks get no task role at all.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid     = "InjectSecrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = distinct(concat(
      values(var.secret_arns),
      [
        var.migration_database_url_secret_arn,
        var.redis_url_secret_arn,
        var.bootstrap.master_secret_arn,
        var.bootstrap.owner_password_secret_arn,
        var.bootstrap.app_password_secret_arn,
      ],
    ))
  }
  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_data_key_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "inject-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-app"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  statement {
    sid       = "ListTheStore"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
  }
  statement {
    sid       = "ReadWriteObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${var.bucket_arn}/*"]
  }
  statement {
    sid       = "SseKmsForTheStore"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.kms_data_key_arn]
  }
  statement {
    sid       = "MasterKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.kms_master_key_arn]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "phantom-app"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
