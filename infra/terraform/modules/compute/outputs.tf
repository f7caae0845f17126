output "cluster_name" {
  value = aws_ecs_cluster.this.name
}

output "service_names" {
  value = {
    api           = aws_ecs_service.api.name
    worker        = aws_ecs_service.worker.name
    training      = aws_ecs_service.training.name
    queue_metrics = aws_ecs_service.queue_metrics.name
  }
}

output "migrate_task_definition" {
  value = aws_ecs_task_definition.migrate.family
}

output "db_bootstrap_task_definition" {
  value = aws_ecs_task_definition.db_bootstrap.family
}

output "log_groups" {
  value = { for service, group in aws_cloudwatch_log_group.service : service => group.name }
}

output "task_role_arn" {
  value = aws_iam_role.task.arn
}

output "run_task_network_configuration" {
  description = "The --network-configuration argument of `aws ecs run-task` for the one-off tasks."
  value       = "awsvpcConfiguration={subnets=[${join(",", var.subnet_ids)}],securityGroups=[${var.security_group_id}],assignPublicIp=DISABLED}"
}
