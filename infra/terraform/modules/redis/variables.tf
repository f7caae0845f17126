variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "subnet_ids" {
  description = "Data subnets, one per availability zone."
  type        = list(string)
}

variable "security_group_id" {
  description = "Admits Redis from the ECS tasks only (network module)."
  type        = string
}

variable "kms_key_arn" {
  type = string
}

variable "engine_version" {
  description = "Redis OSS 7 (the product needs Redis 7: Dramatiq's broker, events, rate limits)."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  type    = string
  default = "cache.m7g.large"
}

variable "num_cache_clusters" {
  description = "Primary plus replicas, each in its own zone; 2 or more for automatic failover."
  type        = number
  default     = 2
  validation {
    condition     = var.num_cache_clusters >= 2
    error_message = "num_cache_clusters must be at least 2: automatic failover needs a replica."
  }
}

variable "snapshot_retention_days" {
  description = "Daily snapshots kept (queued jobs and schedules; the database is the source of truth)."
  type        = number
  default     = 7
}

variable "log_retention_days" {
  type    = number
  default = 365
}
