output "address" {
  value = aws_db_instance.this.address
}

output "port" {
  value = aws_db_instance.this.port
}

output "instance_id" {
  value = aws_db_instance.this.identifier
}

output "database_name" {
  value = var.database_name
}

output "master_secret_arn" {
  description = "RDS-managed secret (JSON: username, password) of the master user; only the bootstrap task reads it."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "owner_role" {
  value = var.owner_role
}

output "app_role" {
  value = var.app_role
}

output "owner_password" {
  value     = random_password.owner.result
  sensitive = true
}

output "app_password" {
  value     = random_password.app.result
  sensitive = true
}

output "bootstrap_sql" {
  description = "psql script that creates the owner and application roles (bootstrap.sql)."
  value       = file("${path.module}/bootstrap.sql")
}
