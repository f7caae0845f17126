output "base_url" {
  description = "PHANTOM_BASE_URL: where users sign in."
  value       = local.base_url
}

output "alb_dns_name" {
  description = "Point domain_name here (a CNAME or alias) unless route53_zone_id was given."
  value       = module.alb.dns_name
}

output "ecr_repository_url" {
  description = "Push the image here (docs/deploy.md)."
  value       = aws_ecr_repository.phantom.repository_url
}

output "cluster_name" {
  value = module.compute.cluster_name
}

output "services" {
  value = module.compute.service_names
}

output "log_groups" {
  value = module.compute.log_groups
}

output "bucket" {
  value = module.storage.bucket
}

output "master_kms_key_arn" {
  description = "PHANTOM_KMS_KEY_ID."
  value       = module.kms.master_key_arn
}

output "alarm_topic_arn" {
  value = module.alarms.topic_arn
}

output "metrics_namespace" {
  description = "Where `phantom queues` publishes QueueWaiting, QueueInFlight and QueueDepth."
  value       = local.metrics_namespace
}

output "db_bootstrap_command" {
  description = "Run once after the first apply: creates the owner and application roles."
  value       = "aws ecs run-task --cluster ${module.compute.cluster_name} --launch-type FARGATE --task-definition ${module.compute.db_bootstrap_task_definition} --network-configuration '${module.compute.run_task_network_configuration}'"
}

output "migrate_command" {
  description = "Run before every release's services start: `phantom migrate` as the owner role."
  value       = "aws ecs run-task --cluster ${module.compute.cluster_name} --launch-type FARGATE --task-definition ${module.compute.migrate_task_definition} --network-configuration '${module.compute.run_task_network_configuration}'"
}

output "admin_command_prefix" {
  description = "Append --overrides with a command for any other `phantom` admin command (docs/deploy.md)."
  value       = "aws ecs run-task --cluster ${module.compute.cluster_name} --launch-type FARGATE --task-definition ${module.compute.migrate_task_definition} --network-configuration '${module.compute.run_task_network_configuration}'"
}
