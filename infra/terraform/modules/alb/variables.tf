variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Public subnets, one per availability zone."
  type        = list(string)
}

variable "security_group_id" {
  type = string
}

variable "certificate_arn" {
  description = "ACM certificate for the product's host name (PHANTOM_BASE_URL)."
  type        = string
}

variable "app_port" {
  type    = number
  default = 8000
}

variable "logs_bucket" {
  description = "Bucket for access logs (storage module)."
  type        = string
}

variable "logs_prefix" {
  type    = string
  default = "alb"
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "idle_timeout_seconds" {
  description = "Long enough for GraphQL subscriptions between keep-alives and for slow uploads."
  type        = number
  default     = 300
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests one client IP may send in 5 minutes before WAF blocks it (the product's own per-credential limits apply behind it)."
  type        = number
  default     = 20000
}

variable "kms_key_arn" {
  description = "Encrypts the WAF's log group."
  type        = string
}

variable "log_retention_days" {
  type    = number
  default = 365
}
