output "master_key_arn" {
  description = "Passed to the application as PHANTOM_KMS_KEY_ID."
  value       = aws_kms_key.master.arn
}

output "data_key_arn" {
  description = "Encrypts RDS, ElastiCache, S3, Secrets Manager, CloudWatch Logs and SNS."
  value       = aws_kms_key.data.arn
}
