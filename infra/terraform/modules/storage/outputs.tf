output "bucket" {
  value = aws_s3_bucket.store.id
}

output "bucket_arn" {
  value = aws_s3_bucket.store.arn
}

output "storage_url" {
  description = "PHANTOM_STORAGE_URL."
  value       = "s3://${aws_s3_bucket.store.id}/phantom"
}

output "logs_bucket" {
  value = aws_s3_bucket.logs.id
}

output "alb_logs_prefix" {
  value = "alb"
}
