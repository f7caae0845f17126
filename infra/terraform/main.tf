# Phantom ML Studio on AWS: the root module. It composes the small modules under
# modules/ and wires the product's settings (docs/operations.md) from what they create.
# Examples that call it: examples/minimal and examples/production. docs/deploy.md walks
# from an empty account to a signed-in admin.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  availability_zones = length(var.availability_zones) > 0 ? var.availability_zones : [
    for suffix in ["a", "b", "c"] : "${data.aws_region.current.name}${suffix}"
  ]
  metrics_namespace = "Phantom/${var.name}"
  base_url          = "https://${var.domain_name}"
}

module "kms" {
  source = "./modules/kms"
  name   = var.name
}

module "network" {
  source              = "./modules/network"
  name                = var.name
  cidr_block          = var.vpc_cidr
  availability_zones  = local.availability_zones
  single_nat_gateway  = var.single_nat_gateway
  ingress_cidr_blocks = var.ingress_cidr_blocks
  kms_key_arn         = module.kms.data_key_arn
  log_retention_days  = var.log_retention_days
}

module "postgres" {
  source                   = "./modules/postgres"
  name                     = var.name
  subnet_ids               = module.network.data_subnet_ids
  security_group_id        = module.network.postgres_security_group_id
  kms_key_arn              = module.kms.data_key_arn
  engine_version           = var.db_engine_version
  parameter_group_family   = var.db_parameter_group_family
  instance_class           = var.db_instance_class
  allocated_storage_gb     = var.db_allocated_storage_gb
  max_allocated_storage_gb = var.db_max_allocated_storage_gb
  multi_az                 = var.db_multi_az
  backup_retention_days    = var.db_backup_retention_days
  deletion_protection      = var.db_deletion_protection
  log_retention_days       = var.log_retention_days
}

module "redis" {
  source             = "./modules/redis"
  name               = var.name
  subnet_ids         = module.network.data_subnet_ids
  security_group_id  = module.network.redis_security_group_id
  kms_key_arn        = module.kms.data_key_arn
  node_type          = var.redis_node_type
  num_cache_clusters = var.redis_num_cache_clusters
  log_retention_days = var.log_retention_days
}

module "storage" {
  source                  = "./modules/storage"
  name                    = var.name
  bucket_name             = var.bucket_name
  kms_key_arn             = module.kms.data_key_arn
  noncurrent_version_days = var.noncurrent_version_days
  log_retention_days      = var.log_retention_days
  force_destroy           = var.force_destroy
}

# 32 random bytes, base64: PHANTOM_MASTER_KEY when key_provider = "secret". Every
# tenant's data keys are sealed under it: losing it loses the data, so Terraform refuses
# to destroy or replace it (docs/deploy.md, "Tearing down").
resource "random_bytes" "master_key" {
  length = 32
  lifecycle {
    prevent_destroy = true
  }
}

locals {
  db      = module.postgres
  db_host = "${local.db.address}:${local.db.port}/${local.db.database_name}"
  # asyncpg's ssl=require: the server refuses plaintext anyway (rds.force_ssl)
  app_url   = "postgresql+asyncpg://${local.db.app_role}:${local.db.app_password}@${local.db_host}?ssl=require"
  owner_url = "postgresql+asyncpg://${local.db.owner_role}:${local.db.owner_password}@${local.db_host}?ssl=require"
  redis_url = "rediss://:${module.redis.auth_token}@${module.redis.primary_endpoint}:${module.redis.port}/0"

  secret_values = merge(
    {
      "database-url"           = local.app_url
      "migration-database-url" = local.owner_url
      "redis-url"              = local.redis_url
      "db-owner-password"      = local.db.owner_password
      "db-app-password"        = local.db.app_password
    },
    var.key_provider == "secret" ? { "master-key" = random_bytes.master_key.base64 } : {},
  )
}

module "secrets" {
  source      = "./modules/secrets"
  name        = var.name
  kms_key_arn = module.kms.data_key_arn
  secrets     = local.secret_values
}

module "alb" {
  source              = "./modules/alb"
  name                = var.name
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.public_subnet_ids
  security_group_id   = module.network.alb_security_group_id
  certificate_arn     = var.certificate_arn
  logs_bucket         = module.storage.logs_bucket
  logs_prefix         = module.storage.alb_logs_prefix
  deletion_protection = var.alb_deletion_protection
  kms_key_arn         = module.kms.data_key_arn
  log_retention_days  = var.log_retention_days
}

locals {
  environment = merge(
    {
      PHANTOM_ENV                = "production"
      PHANTOM_BASE_URL           = local.base_url
      PHANTOM_STORAGE_URL        = module.storage.storage_url
      PHANTOM_KMS_KEY_ID         = module.kms.master_key_arn
      PHANTOM_DATABASE_POOL_SIZE = tostring(var.db_pool_size)
      PHANTOM_LOG_JSON           = "true"
      AWS_REGION                 = data.aws_region.current.name
      AWS_DEFAULT_REGION         = data.aws_region.current.name
    },
    var.key_provider == "aws-kms" ? { PHANTOM_KEY_PROVIDER = "aws-kms" } : {},
    var.phantom_settings,
  )
  shared_secrets = merge(
    {
      PHANTOM_DATABASE_URL = module.secrets.arns["database-url"]
      PHANTOM_REDIS_URL    = module.secrets.arns["redis-url"]
    },
    var.key_provider == "secret" ? { PHANTOM_MASTER_KEY = lookup(module.secrets.arns, "master-key", "") } : {},
  )
}

module "compute" {
  source                            = "./modules/compute"
  name                              = var.name
  image                             = var.image
  migrate_image                     = var.migrate_image
  start_services                    = var.start_services
  subnet_ids                        = module.network.compute_subnet_ids
  security_group_id                 = module.network.tasks_security_group_id
  target_group_arn                  = module.alb.target_group_arn
  alb_arn_suffix                    = module.alb.arn_suffix
  target_group_arn_suffix           = module.alb.target_group_arn_suffix
  environment                       = local.environment
  secret_arns                       = local.shared_secrets
  migration_database_url_secret_arn = module.secrets.arns["migration-database-url"]
  redis_url_secret_arn              = module.secrets.arns["redis-url"]
  kms_master_key_arn                = module.kms.master_key_arn
  kms_data_key_arn                  = module.kms.data_key_arn
  bucket_arn                        = module.storage.bucket_arn
  log_retention_days                = var.log_retention_days
  metrics_namespace                 = local.metrics_namespace
  api                               = var.api
  worker                            = var.worker
  training                          = var.training
  bootstrap = {
    host                      = module.postgres.address
    database                  = module.postgres.database_name
    owner_role                = module.postgres.owner_role
    app_role                  = module.postgres.app_role
    sql                       = module.postgres.bootstrap_sql
    master_secret_arn         = module.postgres.master_secret_arn
    owner_password_secret_arn = module.secrets.arns["db-owner-password"]
    app_password_secret_arn   = module.secrets.arns["db-app-password"]
  }
}

module "alarms" {
  source                     = "./modules/alarms"
  name                       = var.name
  kms_key_arn                = module.kms.data_key_arn
  alarm_emails               = var.alarm_emails
  alb_arn_suffix             = module.alb.arn_suffix
  target_group_arn_suffix    = module.alb.target_group_arn_suffix
  db_instance_id             = module.postgres.instance_id
  redis_replication_group_id = module.redis.replication_group_id
  cluster_name               = module.compute.cluster_name
  metrics_namespace          = local.metrics_namespace
}

# The image registry: tags are immutable (deploy by digest), images scanned on push.
resource "aws_ecr_repository" "phantom" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_destroy
  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = module.kms.data_key_arn
  }
}

resource "aws_route53_record" "app" {
  count   = var.route53_zone_id != "" ? 1 : 0
  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = "A"
  alias {
    name                   = module.alb.dns_name
    zone_id                = module.alb.zone_id
    evaluate_target_health = true
  }
}
