variable "name" {
  description = "Prefix of every secret's name."
  type        = string
}

variable "kms_key_arn" {
  type = string
}

variable "secrets" {
  description = "Secret name (after <name>/) to its value; each becomes one Secrets Manager secret that ECS injects as an environment variable."
  type        = map(string)
  sensitive   = true
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored."
  type        = number
  default     = 30
}
