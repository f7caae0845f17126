variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "kms_key_arn" {
  description = "Encrypts the alarm topic."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses subscribed to the alarm topic (each confirms by email)."
  type        = list(string)
  default     = []
}

variable "alb_arn_suffix" {
  type = string
}

variable "target_group_arn_suffix" {
  type = string
}

variable "db_instance_id" {
  type = string
}

variable "db_min_free_storage_gb" {
  type    = number
  default = 20
}

variable "redis_replication_group_id" {
  type = string
}

variable "cluster_name" {
  type = string
}

variable "metrics_namespace" {
  type = string
}

variable "queue_backlog_minutes" {
  description = "A queue that has had jobs waiting this long pages someone (the autoscaler is at its maximum, or workers are failing)."
  type        = number
  default     = 30
}

variable "api_p99_seconds" {
  description = "The API's p99 latency (ALB target response time) that pages."
  type        = number
  default     = 2
}
