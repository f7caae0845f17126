# --- where and what --------------------------------------------------------------------

variable "name" {
  description = "Prefix of every resource's name, e.g. phantom-prod (lowercase letters, digits, hyphens)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,27}$", var.name))
    error_message = "name must be 3 to 28 lowercase letters, digits or hyphens, starting with a letter (it prefixes bucket, database and load balancer names)."
  }
}

variable "domain_name" {
  description = "The product's host name; PHANTOM_BASE_URL is https://<domain_name>."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate (same region) covering domain_name."
  type        = string
}

variable "route53_zone_id" {
  description = "A hosted zone to create domain_name's alias record in. Empty: point your DNS at the alb_dns_name output yourself."
  type        = string
  default     = ""
}

variable "image" {
  description = "The Phantom image the services run, pinned by digest: <account>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:<digest>."
  type        = string
}

variable "migrate_image" {
  description = "During an upgrade, the new image the migrate task runs before `image` follows (docs/deploy.md). Empty: `image`."
  type        = string
  default     = ""
}

variable "start_services" {
  description = "false on the very first apply: the services exist with no tasks until the database is bootstrapped and migrated."
  type        = bool
  default     = true
}

variable "ingress_cidr_blocks" {
  description = "Who may reach the load balancer (HTTPS)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "alarm_emails" {
  description = "Subscribed to the alarm topic."
  type        = list(string)
  default     = []
}

# --- the product's settings ------------------------------------------------------------

variable "key_provider" {
  description = "How the application gets its master key. \"secret\": PHANTOM_MASTER_KEY, 32 random bytes generated here and kept in Secrets Manager (encrypted with the data key). \"aws-kms\": PHANTOM_KEY_PROVIDER=aws-kms, the master KMS key wraps the keys itself (needs a Phantom version with the AWS KMS key provider). PHANTOM_KMS_KEY_ID is always set."
  type        = string
  default     = "secret"
  validation {
    condition     = contains(["secret", "aws-kms"], var.key_provider)
    error_message = "key_provider must be \"secret\" or \"aws-kms\"."
  }
}

variable "phantom_settings" {
  description = "Extra PHANTOM_* settings (docs/operations.md), e.g. { PHANTOM_PREDICTION_LOG_RETENTION_DAYS = \"180\" }. Secrets do not belong here."
  type        = map(string)
  default     = {}
}

# --- network ---------------------------------------------------------------------------

variable "vpc_cidr" {
  type    = string
  default = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Zone names to spread over. Empty: the region's a, b and c zones."
  type        = list(string)
  default     = []
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per zone (cheaper, not zone-redundant)."
  type        = bool
  default     = false
}

# --- PostgreSQL ------------------------------------------------------------------------

variable "db_instance_class" {
  type    = string
  default = "db.m7g.large"
}

variable "db_engine_version" {
  type    = string
  default = "16"
}

variable "db_parameter_group_family" {
  type    = string
  default = "postgres16"
}

variable "db_allocated_storage_gb" {
  type    = number
  default = 100
}

variable "db_max_allocated_storage_gb" {
  type    = number
  default = 1000
}

variable "db_multi_az" {
  type    = bool
  default = true
}

variable "db_backup_retention_days" {
  description = "Automated backups and the point-in-time recovery window (1 to 35)."
  type        = number
  default     = 14
}

variable "db_deletion_protection" {
  type    = bool
  default = true
}

variable "db_pool_size" {
  description = "PHANTOM_DATABASE_POOL_SIZE per process; mind the instance's max_connections (docs/deploy.md)."
  type        = number
  default     = 10
}

# --- Redis -----------------------------------------------------------------------------

variable "redis_node_type" {
  type    = string
  default = "cache.m7g.large"
}

variable "redis_num_cache_clusters" {
  description = "Primary plus replicas (2 or more)."
  type        = number
  default     = 2
}

# --- storage, logs, keys ---------------------------------------------------------------

variable "bucket_name" {
  description = "The object store's bucket. Empty: <name>-store-<account id>."
  type        = string
  default     = ""
}

variable "noncurrent_version_days" {
  description = "Days deleted and overwritten objects stay recoverable (and erased data lingers): see docs/deploy.md."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "CloudWatch Logs and access logs."
  type        = number
  default     = 365
}

variable "alb_deletion_protection" {
  description = "The load balancer cannot be deleted until this is switched off."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let `terraform destroy` remove non-empty buckets and skip protection (test environments only)."
  type        = bool
  default     = false
}

# --- compute ---------------------------------------------------------------------------

variable "api" {
  description = "`phantom api` tasks: vCPU units (1024 = 1 vCPU), MiB, uvicorn processes per task, task count bounds, and scaling targets (ALB requests per task per minute, CPU percent)."
  type = object({
    cpu                 = number
    memory              = number
    uvicorn_workers     = number
    min                 = number
    max                 = number
    requests_per_target = number
    cpu_target          = number
  })
  default = {
    cpu                 = 2048
    memory              = 4096
    uvicorn_workers     = 2
    min                 = 2
    max                 = 10
    requests_per_target = 30000
    cpu_target          = 60
  }
}

variable "worker" {
  description = "`phantom worker --queue default` tasks: size, processes and threads, bounds, and the waiting jobs that add a task."
  type = object({
    cpu               = number
    memory            = number
    processes         = number
    threads           = number
    min               = number
    max               = number
    scale_out_waiting = number
  })
  default = {
    cpu               = 1024
    memory            = 4096
    processes         = 2
    threads           = 4
    min               = 1
    max               = 6
    scale_out_waiting = 20
  }
}

variable "training" {
  description = "`phantom worker --queue training` tasks: size, fits at a time per task (slots), bounds, scratch disk, and idle minutes before scaling back to min."
  type = object({
    cpu                   = number
    memory                = number
    slots                 = number
    min                   = number
    max                   = number
    ephemeral_storage_gib = number
    idle_minutes          = number
  })
  default = {
    cpu                   = 8192
    memory                = 32768
    slots                 = 2
    min                   = 1
    max                   = 8
    ephemeral_storage_gib = 100
    idle_minutes          = 20
  }
}
