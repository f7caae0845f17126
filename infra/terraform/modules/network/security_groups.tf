# Who talks to whom: internet -> ALB :443 -> API tasks :8000; tasks -> PostgreSQL :5432,
# Redis :6379 and HTTPS anywhere (S3, KMS, Secrets Manager, webhooks, identity
# providers). Nothing else, in either direction.

resource "aws_security_group" "alb" {
  # checkov:skip=CKV2_AWS_5: attached to the alb module's load balancer, which receives this group's id through a module output; the graph check does not follow module outputs
  name        = "${var.name}-alb"
  description = "Phantom load balancer: HTTPS in, the API tasks out"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${var.name}-alb" }
}

resource "aws_security_group" "tasks" {
  # checkov:skip=CKV2_AWS_5: attached to the compute module's services and tasks, which receives this group's id through a module output; the graph check does not follow module outputs
  name        = "${var.name}-tasks"
  description = "Phantom ECS tasks: the API port from the ALB; out to data stores and HTTPS"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${var.name}-tasks" }
}

resource "aws_security_group" "postgres" {
  # checkov:skip=CKV2_AWS_5: attached to the postgres module's instance, which receives this group's id through a module output; the graph check does not follow module outputs
  name        = "${var.name}-postgres"
  description = "Phantom PostgreSQL: from the ECS tasks only"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${var.name}-postgres" }
}

resource "aws_security_group" "redis" {
  # checkov:skip=CKV2_AWS_5: attached to the redis module's replication group, which receives this group's id through a module output; the graph check does not follow module outputs
  name        = "${var.name}-redis"
  description = "Phantom Redis: from the ECS tasks only"
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${var.name}-redis" }
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each          = toset(var.ingress_cidr_blocks)
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from ${each.value}"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the API tasks"
  referenced_security_group_id = aws_security_group.tasks.id
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "The API port from the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS: AWS APIs, image pulls, webhooks, identity providers"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "tasks_postgres" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "PostgreSQL"
  referenced_security_group_id = aws_security_group.postgres.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "tasks_redis" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "Redis"
  referenced_security_group_id = aws_security_group.redis.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_tasks" {
  security_group_id            = aws_security_group.postgres.id
  description                  = "PostgreSQL from the ECS tasks"
  referenced_security_group_id = aws_security_group.tasks.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_tasks" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from the ECS tasks"
  referenced_security_group_id = aws_security_group.tasks.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}
