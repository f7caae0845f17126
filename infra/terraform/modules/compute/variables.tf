variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "image" {
  description = "The Phantom image the services run, pinned by digest (<repo>@sha256:...)."
  type        = string
}

variable "migrate_image" {
  description = "The image the migrate task runs; during an upgrade the new one, before `image` follows (docs/deploy.md). Empty: `image`."
  type        = string
  default     = ""
}

variable "psql_image" {
  description = "An image with psql 15+ for the one-off database bootstrap task."
  type        = string
  default     = "public.ecr.aws/docker/library/postgres:16.6-alpine"
}

variable "start_services" {
  description = "false: services exist with no tasks (the first apply, before the database is bootstrapped and migrated)."
  type        = bool
  default     = true
}

variable "subnet_ids" {
  description = "Compute subnets."
  type        = list(string)
}

variable "security_group_id" {
  description = "The tasks' security group (network module)."
  type        = string
}

variable "target_group_arn" {
  type = string
}

variable "alb_arn_suffix" {
  type = string
}

variable "target_group_arn_suffix" {
  type = string
}

variable "app_port" {
  type    = number
  default = 8000
}

variable "environment" {
  description = "Plain PHANTOM_* settings shared by every Phantom container."
  type        = map(string)
}

variable "secret_arns" {
  description = "Environment variable name to Secrets Manager ARN, shared by every Phantom container (PHANTOM_DATABASE_URL, PHANTOM_REDIS_URL, PHANTOM_MASTER_KEY...)."
  type        = map(string)
}

variable "migration_database_url_secret_arn" {
  description = "PHANTOM_MIGRATION_DATABASE_URL (the owner role): given to the migrate task only."
  type        = string
}

variable "redis_url_secret_arn" {
  description = "PHANTOM_REDIS_URL alone, for the queue-metrics task."
  type        = string
}

variable "bootstrap" {
  description = "What the db-bootstrap task needs: the database's host and name, the roles, the SQL, and the secrets holding the passwords."
  type = object({
    host                      = string
    database                  = string
    owner_role                = string
    app_role                  = string
    sql                       = string
    master_secret_arn         = string
    owner_password_secret_arn = string
    app_password_secret_arn   = string
  })
}

variable "kms_master_key_arn" {
  description = "PHANTOM_KMS_KEY_ID: the task role may Encrypt, Decrypt and GenerateDataKey with it."
  type        = string
}

variable "kms_data_key_arn" {
  description = "Encrypts S3 objects, secrets and logs."
  type        = string
}

variable "bucket_arn" {
  type = string
}

variable "log_retention_days" {
  type    = number
  default = 365
}

variable "metrics_namespace" {
  description = "CloudWatch namespace `phantom queues` publishes queue depth to."
  type        = string
}

# --- the API ---------------------------------------------------------------------------

variable "api" {
  description = "`phantom api`: task size (vCPU units, MiB), uvicorn processes per task, task count bounds, and the scaling targets."
  type = object({
    cpu                 = number
    memory              = number
    uvicorn_workers     = number
    min                 = number
    max                 = number
    requests_per_target = number # ALB requests per task per minute
    cpu_target          = number # percent
  })
}

variable "api_keep_alive_seconds" {
  description = "uvicorn's keep-alive: longer than the load balancer's idle timeout (300 s), or it reuses connections the API already closed and answers 502."
  type        = number
  default     = 310
}

variable "worker" {
  description = "`phantom worker --queue default`: background jobs (profiling, monitoring, webhooks, housekeeping)."
  type = object({
    cpu               = number
    memory            = number
    processes         = number
    threads           = number
    min               = number
    max               = number
    scale_out_waiting = number # waiting jobs that add a task
  })
}

variable "training" {
  description = "`phantom worker --queue training`: fits and batch scoring, PHANTOM_TRAINING_SLOTS at a time per task."
  type = object({
    cpu                   = number
    memory                = number
    slots                 = number
    min                   = number
    max                   = number
    ephemeral_storage_gib = number
    idle_minutes          = number # no fit waiting or running this long: back to min
  })
}
