# Compute: ECS on Fargate. One cluster; three services from one image, each scaling on
# its own signal (the API on requests and CPU; the default and training workers on
# their queues' depth, which the queue-metrics service publishes); one-off tasks for
# `phantom migrate` (and other admin commands) and for the database bootstrap.
#
# Why Fargate rather than EKS: every process here is a plain long-running container
# with no sidecars, daemons or custom scheduling; Fargate needs no nodes to patch or
# scale, isolates each task in its own VM (training runs customers' data through
# native code), and Application Auto Scaling drives each service from CloudWatch
# metrics directly. EKS would add a control plane, node groups and an autoscaler for no
# feature the product uses. Fargate's ceiling (16 vCPU, 120 GiB, 200 GiB disk per
# task) bounds one training task; larger fits belong on an H2O cluster (PHANTOM_H2O_URL).

data "aws_region" "current" {}

locals {
  region        = data.aws_region.current.name
  migrate_image = var.migrate_image != "" ? var.migrate_image : var.image
  services      = toset(["api", "worker", "training", "queue-metrics", "migrate", "db-bootstrap"])

  environment = [for key in sort(keys(var.environment)) : { name = key, value = var.environment[key] }]
  secrets     = [for key in sort(keys(var.secret_arns)) : { name = key, valueFrom = var.secret_arns[key] }]

  log_configuration = {
    for service in local.services : service => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.service[service].name
        awslogs-region        = local.region
        awslogs-stream-prefix = service
      }
    }
  }

  # a fit gets its share of the task: vCPUs and 70 % of the memory, divided by the slots
  training_environment = [
    { name = "PHANTOM_TRAINING_SLOTS", value = tostring(var.training.slots) },
    { name = "PHANTOM_TRAINING_CPUS", value = tostring(max(1, floor(var.training.cpu / 1024 / var.training.slots))) },
    { name = "PHANTOM_TRAINING_MEMORY_MB", value = tostring(floor(var.training.memory * 0.7 / var.training.slots)) },
  ]
}

resource "aws_ecs_cluster" "this" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "enabled" # RunningTaskCount and per-service CPU/memory for scaling and alarms
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "service" {
  for_each          = local.services
  name              = "/phantom/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_data_key_arn
}
