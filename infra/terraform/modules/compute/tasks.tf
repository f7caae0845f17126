# Task definitions. Every Phantom container: the same image, the shared settings and
# secrets, its own log group, stopTimeout 60 s: PHANTOM_SHUTDOWN_GRACE_SECONDS (30) + 30,
# time for the API to drain and flush and for workers to hand back their jobs on SIGTERM
# (docs/operations.md, "Stopping and restarting").

resource "aws_ecs_task_definition" "api" {
  # checkov:skip=CKV_AWS_336: AutoGluon, numba and the model cache write under the non-root user's home, /tmp and /app/var at run time
  family                   = "${var.name}-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.api.cpu
  memory                   = var.api.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name      = "api"
    image     = var.image
    essential = true
    command = [
      "api", "--host", "0.0.0.0", "--port", tostring(var.app_port),
      "--workers", tostring(var.api.uvicorn_workers),
      "--keep-alive-seconds", tostring(var.api_keep_alive_seconds),
    ]
    portMappings = [{ containerPort = var.app_port, protocol = "tcp" }]
    environment = concat(local.environment, [
      # only the ALB can reach the task (security group), and its addresses change
      { name = "FORWARDED_ALLOW_IPS", value = "*" },
      { name = "OMP_NUM_THREADS", value = "1" },
    ])
    secrets          = local.secrets
    logConfiguration = local.log_configuration["api"]
    linuxParameters  = { initProcessEnabled = true } # reaps fits' orphans; forwards signals
    stopTimeout      = 60
    healthCheck = {
      command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.app_port}/healthz', timeout=4)"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 60
    }
  }])
}

resource "aws_ecs_task_definition" "worker" {
  # checkov:skip=CKV_AWS_336: workers write job scratch files under /tmp and caches under the non-root user's home
  family                   = "${var.name}-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.worker.cpu
  memory                   = var.worker.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name      = "worker"
    image     = var.image
    essential = true
    command = [
      "worker", "--queue", "default",
      "--processes", tostring(var.worker.processes),
      "--threads", tostring(var.worker.threads),
    ]
    environment      = local.environment
    secrets          = local.secrets
    logConfiguration = local.log_configuration["worker"]
    linuxParameters  = { initProcessEnabled = true } # reaps fits' orphans; forwards signals
    stopTimeout      = 60
  }])
}

resource "aws_ecs_task_definition" "training" {
  # checkov:skip=CKV_AWS_336: fits run in child processes that write models and scratch data to the temp directory (tens of GiB: ephemeral storage)
  family                   = "${var.name}-training"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.training.cpu
  memory                   = var.training.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  ephemeral_storage {
    size_in_gib = var.training.ephemeral_storage_gib
  }
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name             = "training"
    image            = var.image
    essential        = true
    command          = ["worker", "--queue", "training"]
    environment      = concat(local.environment, local.training_environment)
    secrets          = local.secrets
    logConfiguration = local.log_configuration["training"]
    linuxParameters  = { initProcessEnabled = true } # reaps fits' orphans; forwards signals
    stopTimeout      = 60
  }])
}

# Publishes each queue's waiting and in-flight jobs every minute as CloudWatch metrics
# (embedded metric format lines on stdout): the signal both worker services scale on.
resource "aws_ecs_task_definition" "queue_metrics" {
  # checkov:skip=CKV_AWS_336: the same image and policy as the services (a writable root for library caches under the home); this task only reads Redis
  family                   = "${var.name}-queue-metrics"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 1024
  execution_role_arn       = aws_iam_role.execution.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name             = "queue-metrics"
    image            = var.image
    essential        = true
    command          = ["queues", "--emf-namespace", var.metrics_namespace, "--every", "60"]
    environment      = [{ name = "PHANTOM_LOG_JSON", value = "true" }]
    secrets          = [{ name = "PHANTOM_REDIS_URL", valueFrom = var.redis_url_secret_arn }]
    logConfiguration = local.log_configuration["queue-metrics"]
    linuxParameters  = { initProcessEnabled = true } # reaps fits' orphans; forwards signals
  }])
}

# One-off: `phantom migrate` as the owner role, which then grants the application role
# its privileges. Also the task to run other admin commands with a command override
# (`phantom tenant create ...`, `phantom audit verify`): docs/deploy.md.
resource "aws_ecs_task_definition" "migrate" {
  # checkov:skip=CKV_AWS_336: the same image and policy as the services (a writable root for library caches under the home); a read-only root with scratch mounts is left for later
  family                   = "${var.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 4096
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name        = "migrate"
    image       = local.migrate_image
    essential   = true
    command     = ["migrate"]
    environment = local.environment
    secrets = concat(local.secrets, [
      { name = "PHANTOM_MIGRATION_DATABASE_URL", valueFrom = var.migration_database_url_secret_arn },
    ])
    logConfiguration = local.log_configuration["migrate"]
    linuxParameters  = { initProcessEnabled = true } # reaps fits' orphans; forwards signals
  }])
}

# One-off, once per environment (idempotent): creates the owner and application roles
# with RDS's master user (modules/postgres/bootstrap.sql).
resource "aws_ecs_task_definition" "db_bootstrap" {
  # checkov:skip=CKV_AWS_336: the public postgres image expects a writable root for its home and runtime files; the task runs for seconds
  family                   = "${var.name}-db-bootstrap"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
  container_definitions = jsonencode([{
    name      = "db-bootstrap"
    image     = var.psql_image
    essential = true
    user      = "postgres"
    command = ["sh", "-c", join(" ", [
      "printf '%s\\n' \"$BOOTSTRAP_SQL\" |",
      "PGUSER=\"$MASTER_USERNAME\" PGPASSWORD=\"$MASTER_PASSWORD\" psql",
      "-v owner=\"$OWNER_ROLE\" -v owner_password=\"$OWNER_PASSWORD\"",
      "-v app=\"$APP_ROLE\" -v app_password=\"$APP_PASSWORD\" -v db=\"$PGDATABASE\" -f -",
    ])]
    environment = [
      { name = "PGHOST", value = var.bootstrap.host },
      { name = "PGDATABASE", value = var.bootstrap.database },
      { name = "PGSSLMODE", value = "require" },
      { name = "OWNER_ROLE", value = var.bootstrap.owner_role },
      { name = "APP_ROLE", value = var.bootstrap.app_role },
      { name = "BOOTSTRAP_SQL", value = var.bootstrap.sql },
    ]
    secrets = [
      { name = "MASTER_USERNAME", valueFrom = "${var.bootstrap.master_secret_arn}:username::" },
      { name = "MASTER_PASSWORD", valueFrom = "${var.bootstrap.master_secret_arn}:password::" },
      { name = "OWNER_PASSWORD", valueFrom = var.bootstrap.owner_password_secret_arn },
      { name = "APP_PASSWORD", valueFrom = var.bootstrap.app_password_secret_arn },
    ]
    logConfiguration = local.log_configuration["db-bootstrap"]
  }])
}
