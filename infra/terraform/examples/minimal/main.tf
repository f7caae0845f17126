# The smallest sensible deployment: a pilot or staging environment. Still encrypted,
# TLS-only and backed up, but single-AZ PostgreSQL, one NAT gateway, the smallest task
# sizes, and buckets and the load balancer that `terraform destroy` may remove.
#
#   terraform init && terraform apply -var start_services=false   # then docs/deploy.md

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6, < 4.0"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Application = "phantom", Environment = "staging", ManagedBy = "terraform" }
  }
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "domain_name" {
  type = string
}

variable "certificate_arn" {
  type = string
}

variable "image" {
  type = string
}

variable "start_services" {
  type    = bool
  default = true
}

module "phantom" {
  source          = "../.."
  name            = "phantom-staging"
  domain_name     = var.domain_name
  certificate_arn = var.certificate_arn
  image           = var.image
  start_services  = var.start_services

  single_nat_gateway       = true
  db_instance_class        = "db.t4g.medium"
  db_multi_az              = false
  db_allocated_storage_gb  = 20
  db_backup_retention_days = 7
  redis_node_type          = "cache.t4g.small"
  redis_num_cache_clusters = 2
  log_retention_days       = 365
  force_destroy            = true

  api = {
    cpu                 = 1024
    memory              = 2048
    uvicorn_workers     = 1
    min                 = 1
    max                 = 2
    requests_per_target = 15000
    cpu_target          = 60
  }
  worker = {
    cpu               = 512
    memory            = 2048
    processes         = 1
    threads           = 4
    min               = 1
    max               = 2
    scale_out_waiting = 20
  }
  training = {
    cpu                   = 2048
    memory                = 8192
    slots                 = 1
    min                   = 0
    max                   = 2
    ephemeral_storage_gib = 40
    idle_minutes          = 15
  }
}

output "base_url" {
  value = module.phantom.base_url
}

output "alb_dns_name" {
  value = module.phantom.alb_dns_name
}

output "ecr_repository_url" {
  value = module.phantom.ecr_repository_url
}

output "db_bootstrap_command" {
  value = module.phantom.db_bootstrap_command
}

output "migrate_command" {
  value = module.phantom.migrate_command
}

output "admin_command_prefix" {
  value = module.phantom.admin_command_prefix
}
