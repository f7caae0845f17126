output "vpc_id" {
  value = aws_vpc.this.id
}

output "vpc_cidr_block" {
  value = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "For the load balancer."
  value       = aws_subnet.public[*].id
}

output "compute_subnet_ids" {
  description = "For ECS tasks (no public addresses; outbound through NAT)."
  value       = aws_subnet.compute[*].id
}

output "data_subnet_ids" {
  description = "For RDS and ElastiCache (no route to the internet)."
  value       = aws_subnet.data[*].id
}

output "alb_security_group_id" {
  value = aws_security_group.alb.id
}

output "tasks_security_group_id" {
  value = aws_security_group.tasks.id
}

output "postgres_security_group_id" {
  value = aws_security_group.postgres.id
}

output "redis_security_group_id" {
  value = aws_security_group.redis.id
}
