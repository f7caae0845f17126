variable "name" {
  description = "Prefix of every resource's name."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's address range; split into a public, a compute and a data subnet per availability zone."
  type        = string
}

variable "availability_zones" {
  description = "The zones to spread over, by name (3: RDS and ElastiCache fail over to another zone). Named, not discovered, so a zone AWS adds later never moves a subnet."
  type        = list(string)
  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 6
    error_message = "availability_zones must name 2 to 6 zones (RDS subnet groups need two)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper; outbound traffic stops if its zone fails) instead of one per zone."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "The key that encrypts the flow logs' log group."
  type        = string
}

variable "log_retention_days" {
  description = "How long VPC flow logs are kept."
  type        = number
  default     = 365
}

variable "ingress_cidr_blocks" {
  description = "Who may reach the load balancer on port 443."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "app_port" {
  description = "The port `phantom api` listens on inside its task."
  type        = number
  default     = 8000
}
