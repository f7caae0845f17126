# A production-sized deployment: three zones with a NAT gateway each, multi-AZ
# PostgreSQL with 30 days of point-in-time recovery and deletion protection, Redis with
# two replicas, API tasks from 3 to 20, training tasks of 16 vCPU / 64 GiB with two
# fits each. Sizes and the reasoning behind them: docs/deploy.md, "Scaling".
#
# State: keep it in S3 with encryption and locking (it holds the generated passwords).

terraform {
  required_version = ">= 1.10" # use_lockfile: S3-native state locking
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
  backend "s3" {
    # terraform init -backend-config="bucket=<state bucket>" -backend-config="region=<region>"
    key          = "phantom/production.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Application = "phantom", Environment = "production", ManagedBy = "terraform" }
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

variable "route53_zone_id" {
  type    = string
  default = ""
}

variable "image" {
  type = string
}

variable "migrate_image" {
  type    = string
  default = ""
}

variable "start_services" {
  type    = bool
  default = true
}

variable "alarm_emails" {
  type    = list(string)
  default = []
}

module "phantom" {
  source          = "../.."
  name            = "phantom-prod"
  domain_name     = var.domain_name
  certificate_arn = var.certificate_arn
  route53_zone_id = var.route53_zone_id
  image           = var.image
  migrate_image   = var.migrate_image
  start_services  = var.start_services
  alarm_emails    = var.alarm_emails

  availability_zones          = ["${var.region}a", "${var.region}b", "${var.region}c"]
  single_nat_gateway          = false
  db_instance_class           = "db.r7g.xlarge"
  db_multi_az                 = true
  db_allocated_storage_gb     = 200
  db_max_allocated_storage_gb = 2000
  db_backup_retention_days    = 30
  db_deletion_protection      = true
  db_pool_size                = 10
  redis_node_type             = "cache.r7g.large"
  redis_num_cache_clusters    = 3
  noncurrent_version_days     = 30
  log_retention_days          = 400
  force_destroy               = false

  phantom_settings = {
    PHANTOM_PREDICTION_LOG_RETENTION_DAYS = "180"
  }

  api = {
    cpu                 = 2048
    memory              = 4096
    uvicorn_workers     = 2
    min                 = 3
    max                 = 20
    requests_per_target = 30000
    cpu_target          = 60
  }
  worker = {
    cpu               = 2048
    memory            = 8192
    processes         = 2
    threads           = 4
    min               = 2
    max               = 10
    scale_out_waiting = 20
  }
  training = {
    cpu                   = 16384
    memory                = 65536
    slots                 = 2
    min                   = 1
    max                   = 10
    ephemeral_storage_gib = 200
    idle_minutes          = 20
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

output "alarm_topic_arn" {
  value = module.phantom.alarm_topic_arn
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
