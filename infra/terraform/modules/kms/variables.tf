variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Days a scheduled key deletion can still be cancelled (7 to 30)."
  type        = number
  default     = 30
}
