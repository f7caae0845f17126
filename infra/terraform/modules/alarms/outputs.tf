output "topic_arn" {
  description = "Subscribe your paging system here."
  value       = aws_sns_topic.alarms.arn
}
