variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "bucket_name" {
  description = "The object store's bucket (globally unique). Empty: <name>-store-<account id>."
  type        = string
  default     = ""
}

variable "kms_key_arn" {
  type = string
}

variable "noncurrent_version_days" {
  description = "How long an overwritten or deleted object's old version is kept. The product deletes expired prediction logs and erased data subjects' files itself; with versioning they are gone for good only after this many days."
  type        = number
  default     = 30
}

variable "intelligent_tiering_after_days" {
  description = "Objects move to S3 Intelligent-Tiering after this many days (prediction logs are rarely read after their monitoring windows)."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "S3 and load balancer access logs are kept this long."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a non-empty bucket (never in production)."
  type        = bool
  default     = false
}
