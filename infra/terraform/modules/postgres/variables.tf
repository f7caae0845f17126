variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "subnet_ids" {
  description = "Data subnets, one per availability zone."
  type        = list(string)
}

variable "security_group_id" {
  description = "Admits PostgreSQL from the ECS tasks only (network module)."
  type        = string
}

variable "kms_key_arn" {
  description = "Encrypts storage, snapshots, Performance Insights, logs and the master secret."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major (or major.minor) version; the product needs 15 or later."
  type        = string
  default     = "16"
}

variable "parameter_group_family" {
  description = "Must match engine_version's major version."
  type        = string
  default     = "postgres16"
}

variable "instance_class" {
  type    = string
  default = "db.m7g.large"
}

variable "allocated_storage_gb" {
  type    = number
  default = 100
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling."
  type        = number
  default     = 1000
}

variable "multi_az" {
  description = "A synchronous standby in another zone, promoted automatically."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Automated backups and point-in-time recovery window (1 to 35 days)."
  type        = number
  default     = 14
  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1 to 35: 0 would switch off backups and point-in-time recovery."
  }
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "database_name" {
  type    = string
  default = "phantom"
}

variable "master_username" {
  description = "RDS's administrative user: only the bootstrap task uses it (its password lives in a secret RDS manages)."
  type        = string
  default     = "phantom_admin"
}

variable "owner_role" {
  description = "Owns the schema and runs `phantom migrate` (PHANTOM_MIGRATION_DATABASE_URL)."
  type        = string
  default     = "phantom_owner"
}

variable "app_role" {
  description = "What API and workers connect as (PHANTOM_DATABASE_URL): DML only, no BYPASSRLS."
  type        = string
  default     = "phantom_app"
}

variable "log_retention_days" {
  type    = number
  default = 365
}

variable "slow_statement_ms" {
  description = "Statements slower than this are logged (log_min_duration_statement)."
  type        = number
  default     = 1000
}
