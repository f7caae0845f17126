# Each service scales on its own signal:
# - api: ALB requests per task and CPU (target tracking; whichever asks for more wins)
# - worker: jobs waiting on the default queue (step scaling on the published metric)
# - training: fits waiting on the training queue; back to its minimum only once no fit
#   waits or runs (a scale-in would stop a running fit, which then starts over elsewhere)

locals {
  api_resource      = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.api.name}"
  worker_resource   = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.worker.name}"
  training_resource = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.training.name}"
}

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = local.api_resource
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = local.counts["api"]
  max_capacity       = var.start_services ? var.api.max : 0
}

resource "aws_appautoscaling_policy" "api_requests" {
  name               = "${var.name}-api-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.api.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}

resource "aws_appautoscaling_policy" "api_cpu" {
  name               = "${var.name}-api-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.api.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# --- the default worker --------------------------------------------------------------

resource "aws_appautoscaling_target" "worker" {
  service_namespace  = "ecs"
  resource_id        = local.worker_resource
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = local.counts["worker"]
  max_capacity       = var.start_services ? var.worker.max : 0
}

resource "aws_appautoscaling_policy" "worker_out" {
  name               = "${var.name}-worker-out"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 120
    metric_aggregation_type = "Maximum"
    # the alarm fires at scale_out_waiting; four times that adds two tasks at once
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = var.worker.scale_out_waiting * 3
      scaling_adjustment          = 1
    }
    step_adjustment {
      metric_interval_lower_bound = var.worker.scale_out_waiting * 3
      scaling_adjustment          = 2
    }
  }
}

resource "aws_appautoscaling_policy" "worker_in" {
  name               = "${var.name}-worker-in"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.worker.service_namespace
  resource_id        = aws_appautoscaling_target.worker.resource_id
  scalable_dimension = aws_appautoscaling_target.worker.scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = -1
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "worker_backlog" {
  alarm_name          = "${var.name}-worker-backlog"
  alarm_description   = "Jobs wait on the default queue: add worker tasks"
  namespace           = var.metrics_namespace
  metric_name         = "QueueWaiting"
  dimensions          = { Queue = "default" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 2
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.worker.scale_out_waiting
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.worker_out.arn]
}

resource "aws_cloudwatch_metric_alarm" "worker_idle" {
  alarm_name          = "${var.name}-worker-idle"
  alarm_description   = "No job has waited on the default queue for 10 minutes: remove a worker task"
  namespace           = var.metrics_namespace
  metric_name         = "QueueWaiting"
  dimensions          = { Queue = "default" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 10
  comparison_operator = "LessThanOrEqualToThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.worker_in.arn]
}

# --- the training worker -------------------------------------------------------------

resource "aws_appautoscaling_target" "training" {
  service_namespace  = "ecs"
  resource_id        = local.training_resource
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = local.counts["training"]
  max_capacity       = var.start_services ? var.training.max : 0
}

resource "aws_appautoscaling_policy" "training_out" {
  name               = "${var.name}-training-out"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.training.service_namespace
  resource_id        = aws_appautoscaling_target.training.resource_id
  scalable_dimension = aws_appautoscaling_target.training.scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 180 # a new task needs a minute or two to pull and start
    metric_aggregation_type = "Maximum"
    # one task per PHANTOM_TRAINING_SLOTS waiting fits, at most three at a time
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = var.training.slots
      scaling_adjustment          = 1
    }
    step_adjustment {
      metric_interval_lower_bound = var.training.slots
      metric_interval_upper_bound = var.training.slots * 2
      scaling_adjustment          = 2
    }
    step_adjustment {
      metric_interval_lower_bound = var.training.slots * 2
      scaling_adjustment          = 3
    }
  }
}

resource "aws_appautoscaling_policy" "training_idle" {
  name               = "${var.name}-training-idle"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.training.service_namespace
  resource_id        = aws_appautoscaling_target.training.resource_id
  scalable_dimension = aws_appautoscaling_target.training.scalable_dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = var.training.min
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "training_backlog" {
  alarm_name          = "${var.name}-training-backlog"
  alarm_description   = "Fits or batch jobs wait for a training slot: add training tasks"
  namespace           = var.metrics_namespace
  metric_name         = "QueueWaiting"
  dimensions          = { Queue = "training" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.training_out.arn]
}

resource "aws_cloudwatch_metric_alarm" "training_idle" {
  alarm_name          = "${var.name}-training-idle"
  alarm_description   = "No fit has waited or run for a while: back to the minimum of training tasks"
  namespace           = var.metrics_namespace
  metric_name         = "QueueDepth"
  dimensions          = { Queue = "training" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.training.idle_minutes
  comparison_operator = "LessThanOrEqualToThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.training_idle.arn]
}
