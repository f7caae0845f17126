"""The Terraform's promises (docs/deploy.md), read from the files so they cannot silently
regress: every file parses; production is multi-AZ, encrypted, backed up and protected;
nothing is public but the load balancer's HTTPS; the services run the commands the
product has, with settings it knows, scaling on the metrics `phantom queues` publishes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from phantom.config import Settings
from phantom.kit.queuedepth import QueueDepth, emf_line
from tests.infra.terraform import ROOT, module, parse, tf_files

MODULES = ("network", "kms", "postgres", "redis", "storage", "secrets", "alb", "compute", "alarms")


@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_parses(path: Path) -> None:
    assert isinstance(parse(path), dict)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_has_the_standard_files(name: str) -> None:
    for part in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        assert (ROOT / "modules" / name / part).is_file(), f"modules/{name}/{part}"
    assert f"./modules/{name}" in {m["source"] for m in module("").modules.values()}


def test_every_checkov_skip_says_why() -> None:
    skips = [
        (path, line)
        for path in tf_files()
        for line in path.read_text().splitlines()
        if "checkov:skip" in line
    ]
    assert skips, "the scan has skips; this test must see them"
    for path, line in skips:
        match = re.search(r"checkov:skip=(CKV2?_AWS_\d+):\s*(.*)", line)
        assert match, f"{path}: malformed skip {line!r}"
        assert len(match.group(2)) >= 30, f"{path}: {match.group(1)} needs a reason"


# --- the production example -------------------------------------------------------------


def production() -> dict[str, object]:
    return module("examples/production").modules["phantom"]


def test_production_is_multi_az_protected_and_backed_up() -> None:
    config = production()
    assert config["source"] == "../.."
    assert config["db_multi_az"] is True
    assert config["db_deletion_protection"] is True
    assert isinstance(config["db_backup_retention_days"], int)
    assert config["db_backup_retention_days"] >= 14
    assert len(config["availability_zones"]) == 3  # type: ignore[arg-type]
    assert config["single_nat_gateway"] is False
    assert config["force_destroy"] is False
    assert config["redis_num_cache_clusters"] >= 2  # type: ignore[operator]
    backend = module("examples/production").text
    assert 'backend "s3"' in backend
    assert "encrypt      = true" in backend


def test_root_defaults_are_the_safe_ones() -> None:
    variables = module("").variables
    assert variables["db_multi_az"]["default"] is True
    assert variables["db_deletion_protection"]["default"] is True
    assert variables["alb_deletion_protection"]["default"] is True
    assert variables["force_destroy"]["default"] is False
    assert variables["db_backup_retention_days"]["default"] >= 7
    assert variables["key_provider"]["default"] == "secret"


# --- data stores --------------------------------------------------------------------------


def test_postgres_is_encrypted_private_tls_only_and_recoverable() -> None:
    postgres = module("modules/postgres")
    db = postgres.resource("aws_db_instance", "this")
    assert db["storage_encrypted"] is True
    assert db["kms_key_id"] == "${var.kms_key_arn}"
    assert db["publicly_accessible"] is False
    assert db["multi_az"] == "${var.multi_az}"
    assert db["deletion_protection"] == "${var.deletion_protection}"
    assert db["backup_retention_period"] == "${var.backup_retention_days}"
    assert db["skip_final_snapshot"] is False
    assert db["manage_master_user_password"] is True
    assert postgres.variables["multi_az"]["default"] is True
    assert postgres.variables["deletion_protection"]["default"] is True
    # backups (and point-in-time recovery) cannot be switched off: retention 0 is refused
    condition = postgres.variables["backup_retention_days"]["validation"][0]["condition"]
    assert "var.backup_retention_days >= 1" in condition
    parameters = {
        p["name"]: p["value"]
        for p in postgres.resource("aws_db_parameter_group", "this")["parameter"]
    }
    assert parameters["rds.force_ssl"] == "1"


def test_the_app_connects_as_the_application_role_and_migrate_as_the_owner() -> None:
    root = module("").text
    assert re.search(r'app_url\s+= "postgresql\+asyncpg://\$\{local\.db\.app_role\}', root)
    assert re.search(r'owner_url\s+= "postgresql\+asyncpg://\$\{local\.db\.owner_role\}', root)
    assert "?ssl=require" in root
    variables = module("modules/postgres").variables
    assert variables["owner_role"]["default"] != variables["app_role"]["default"]
    tasks = module("modules/compute").of_kind("aws_ecs_task_definition")
    with_owner = [
        name
        for name, task in tasks.items()
        if "PHANTOM_MIGRATION_DATABASE_URL" in task["container_definitions"]
    ]
    assert with_owner == ["migrate"], "only the migrate task gets the owner's URL"


def test_redis_has_tls_auth_and_failover() -> None:
    redis = module("modules/redis").resource("aws_elasticache_replication_group", "this")
    assert redis["transit_encryption_enabled"] is True
    assert redis["at_rest_encryption_enabled"] is True
    assert redis["automatic_failover_enabled"] is True
    assert redis["multi_az_enabled"] is True
    assert redis["auth_token"] == "${random_password.auth_token.result}"
    assert 'redis_url = "rediss://:' in module("").text  # TLS scheme, with the token


def test_buckets_block_public_access_version_and_encrypt() -> None:
    storage = module("modules/storage")
    for bucket in ("store", "logs"):
        block = storage.resource("aws_s3_bucket_public_access_block", bucket)
        for setting in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ):
            assert block[setting] is True, (bucket, setting)
        versioning = storage.resource("aws_s3_bucket_versioning", bucket)
        assert versioning["versioning_configuration"][0]["status"] == "Enabled"
    sse = storage.resource("aws_s3_bucket_server_side_encryption_configuration", "store")
    default = sse["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert default["sse_algorithm"] == "aws:kms"
    assert default["kms_master_key_id"] == "${var.kms_key_arn}"
    policy = storage.data[("aws_iam_policy_document", "store")]["statement"][0]
    assert policy["effect"] == "Deny"
    assert policy["condition"][0]["variable"] == "aws:SecureTransport"
    rules = storage.resource("aws_s3_bucket_lifecycle_configuration", "store")["rule"]
    assert any("noncurrent_version_expiration" in rule for rule in rules)
    assert not any("days" in rule.get("expiration", [{}])[0] for rule in rules), (
        "the product expires its own objects (the audit proof names them)"
    )


def test_kms_keys_rotate_and_the_master_key_is_for_the_app_only() -> None:
    kms = module("modules/kms")
    for key in ("master", "data"):
        assert kms.resource("aws_kms_key", key)["enable_key_rotation"] is True
    task_policy = module("modules/compute").data[("aws_iam_policy_document", "task")]
    master = next(s for s in task_policy["statement"] if s["sid"] == "MasterKey")
    assert set(master["actions"]) >= {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}
    assert master["resources"] == ["${var.kms_master_key_arn}"]
    assert re.search(r"PHANTOM_KMS_KEY_ID\s+= module\.kms\.master_key_arn", module("").text)


# --- the entry ----------------------------------------------------------------------------


def test_only_https_is_public_and_health_checks_use_readyz() -> None:
    alb = module("modules/alb")
    listeners = alb.of_kind("aws_lb_listener")
    assert list(listeners) == ["https"], "no plain-HTTP listener"
    assert listeners["https"]["protocol"] == "HTTPS"
    assert listeners["https"]["port"] == 443
    assert listeners["https"]["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    group = alb.resource("aws_lb_target_group", "api")
    assert group["health_check"][0]["path"] == "/readyz"
    network = module("modules/network")
    public = network.resource("aws_vpc_security_group_ingress_rule", "alb_https")
    assert (public["from_port"], public["to_port"]) == (443, 443)
    ingress = network.of_kind("aws_vpc_security_group_ingress_rule")
    open_to_world = [n for n, rule in ingress.items() if "cidr_ipv4" in rule]
    assert open_to_world == ["alb_https"]
    for tier in ("public", "compute", "data"):
        subnet = network.resource("aws_subnet", tier)
        assert subnet.get("map_public_ip_on_launch", False) is False, tier


# --- the processes ------------------------------------------------------------------------


def container(name: str) -> str:
    return module("modules/compute").resource("aws_ecs_task_definition", name)[
        "container_definitions"
    ]


def test_each_process_runs_the_products_command() -> None:
    assert '"api", "--host", "0.0.0.0"' in container("api")
    assert '"worker", "--queue", "default"' in container("worker")
    assert 'command = ["worker", "--queue", "training"]' in container("training")
    assert 'command = ["migrate"]' in container("migrate")
    assert 'command = ["queues", "--emf-namespace", var.metrics_namespace' in container(
        "queue_metrics"
    )
    services = module("modules/compute").of_kind("aws_ecs_service")
    assert set(services) == {"api", "worker", "training", "queue_metrics"}
    assert "load_balancer" in services["api"]
    for name, service in services.items():
        network = service["network_configuration"][0]
        assert network["assign_public_ip"] == "${local.network.assign_public_ip}", name
    assert re.search(r"assign_public_ip = false", module("modules/compute").text)


def test_each_service_scales_on_its_own_signal() -> None:
    compute = module("modules/compute")
    policies = compute.of_kind("aws_appautoscaling_policy")
    api_metrics = {
        policy["target_tracking_scaling_policy_configuration"][0][
            "predefined_metric_specification"
        ][0]["predefined_metric_type"]
        for name, policy in policies.items()
        if name.startswith("api_")
    }
    assert api_metrics == {"ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"}
    alarms = compute.of_kind("aws_cloudwatch_metric_alarm")
    by_queue = {
        name: (alarm["metric_name"], alarm["dimensions"]["Queue"]) for name, alarm in alarms.items()
    }
    assert by_queue["worker_backlog"] == ("QueueWaiting", "default")
    assert by_queue["training_backlog"] == ("QueueWaiting", "training")
    assert by_queue["training_idle"] == ("QueueDepth", "training")
    # ...which are exactly the metrics and dimension `phantom queues` publishes
    published = json.loads(emf_line(QueueDepth("training", 1, 2), "Phantom/x"))
    directive = published["_aws"]["CloudWatchMetrics"][0]
    names = {metric["Name"] for metric in directive["Metrics"]}
    assert {metric for metric, _ in by_queue.values()} <= names
    assert directive["Dimensions"] == [["Queue"]]
    for name in ("worker", "training"):
        alarm_actions = alarms[f"{name}_backlog"]["alarm_actions"]
        assert alarm_actions == [f"${{aws_appautoscaling_policy.{name}_out.arn}}"]


def test_every_phantom_setting_named_is_one_the_product_reads() -> None:
    """A misspelt PHANTOM_* variable is silently ignored by the product: catch it here."""
    known = {f"PHANTOM_{name}" for name in Settings.model_fields}
    named = set()
    for path in tf_files():
        named |= set(re.findall(r"\bPHANTOM_[A-Z0-9_]+\b", path.read_text()))
    assert named, "the Terraform sets PHANTOM_* settings"
    assert named - known == set()


def test_api_keeps_connections_open_longer_than_the_load_balancer() -> None:
    """An ALB reuses idle connections up to its idle timeout: a backend that closes them
    sooner makes it answer 502 now and then."""
    idle = module("modules/alb").variables["idle_timeout_seconds"]["default"]
    match = re.search(r'"--keep-alive-seconds", tostring\(([^)]+)\)', container("api"))
    assert match
    assert match.group(1) == "var.api_keep_alive_seconds"
    keep_alive = module("modules/compute").variables["api_keep_alive_seconds"]["default"]
    assert keep_alive > idle
