"""The one settings object. Nothing else reads ``os.environ``."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


def _env_file() -> str:
    return ".env.testing" if os.environ.get("PHANTOM_ENV") == "testing" else ".env"


class Settings(BaseSettings):
    """``PHANTOM_*`` variables. The defaults are production's (no introspection, SSRF
    checks on); ``PHANTOM_ENV=development`` opts in to the conveniences. Storage and
    database default to the embedded standalone mode under ``./var``."""

    model_config = SettingsConfigDict(
        env_prefix="PHANTOM_", env_file=_env_file(), extra="ignore", frozen=True
    )

    ENV: Literal["development", "testing", "production"] = "production"
    DATABASE_URL: str = "sqlite+aiosqlite:///var/phantom.db"
    # The owner role that runs migrations; the application role (DATABASE_URL) then gets
    # only DML, so it cannot alter tables or their row-level security. Default: the same.
    MIGRATION_DATABASE_URL: str | None = None
    DATABASE_POOL_SIZE: int = Field(default=10, ge=1, le=200)
    REDIS_URL: str | None = None
    # per process: past it, callers wait for a connection (at most the timeout) rather
    # than fail (redis-py's default pool raises at 100: finding W9-1's 500s)
    REDIS_MAX_CONNECTIONS: int = Field(default=100, ge=1, le=10_000)
    REDIS_POOL_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, le=60)
    STORAGE_URL: str = "file://./var/store"
    MASTER_KEY: str | None = None
    MASTER_KEY_PREVIOUS: list[str] = Field(
        default_factory=list
    )  # still readable, never used to seal
    # Where the master key comes from (docs/security.md, "Key management"): "env" is
    # PHANTOM_MASTER_KEY above (or standalone's key file); "aws-kms" keeps data keys in the
    # database wrapped by the KMS key KMS_KEY_ID (its ARN, alias ARN or alias/name) and
    # unwraps them with KMS Decrypt, keeping each in memory for KMS_CACHE_SECONDS at most.
    # KMS_REGION: None takes the region from the key's ARN, else AWS_REGION. KMS_ENDPOINT_URL:
    # a VPC endpoint, or a local KMS-compatible server (the tests' moto).
    KEY_PROVIDER: Literal["env", "aws-kms"] = "env"
    KMS_KEY_ID: str | None = None
    KMS_REGION: str | None = None
    KMS_ENDPOINT_URL: str | None = None
    KMS_CACHE_SECONDS: float = Field(default=300.0, gt=0, le=24 * 3600)
    VAR_DIR: Path = Path("var")

    BASE_URL: str = "http://127.0.0.1:8000"
    ALLOWED_ORIGINS: list[str] = Field(default_factory=list)
    GRAPHIQL: bool = False
    INTROSPECTION: bool = True  # outside production only
    FRONTEND_DIST: Path = REPO_ROOT / "frontend" / "dist"

    SESSION_TTL_HOURS: int = Field(default=12, ge=1, le=24 * 30)
    SESSION_COOKIE: str = "phantom_session"
    CSRF_COOKIE: str = "phantom_csrf"
    AUTH_CACHE_SECONDS: float = Field(default=5.0, ge=0, le=60)
    STREAM_REVALIDATE_SECONDS: float = Field(default=30.0, gt=0, le=60)
    LOGIN_MAX_FAILURES: int = Field(default=5, ge=1)
    LOGIN_FAILURE_WINDOW_SECONDS: int = Field(default=900, ge=1)

    GRAPHQL_MAX_DEPTH: int = 10
    GRAPHQL_MAX_ALIASES: int = 15
    GRAPHQL_MAX_TOKENS: int = 1000
    GRAPHQL_MAX_BODY_BYTES: int = 100_000
    GRAPHQL_MAX_LIST_ITEMS: int = 250

    WORKER_PROCESSES: int = Field(default=1, ge=1, le=64)
    WORKER_THREADS: int = Field(default=4, ge=1, le=64)
    HOUSEKEEPING_INTERVAL_SECONDS: int = Field(default=900, ge=5)
    # A request whose Idempotency-Key another request is using waits this long for it
    # to finish (then answers its result), else CONFLICT "in progress" (kit/idempotency.py)
    IDEMPOTENCY_WAIT_SECONDS: float = Field(default=10.0, gt=0, le=60)
    # On SIGTERM (docs/operations.md, "Stopping and restarting"): an API process finishes
    # its requests in flight for at most this long, a worker its jobs or hands them back;
    # the orchestrator's stop timeout must be longer (ECS stopTimeout 60)
    SHUTDOWN_GRACE_SECONDS: int = Field(default=30, ge=1, le=600)

    # Datasets: the upload cap is enforced while the request body streams in
    DATASET_MAX_BYTES: int = Field(default=200 * 1024 * 1024, ge=1)
    DATASET_MAX_COLUMNS: int = Field(default=1000, ge=1)
    # Judged from a Parquet file's footer before reading, and counted while reading (any
    # format): a small compressed file can decode to billions of rows or gigabytes
    DATASET_MAX_ROWS: int = Field(default=10_000_000, ge=1)
    DATASET_MAX_UNCOMPRESSED_BYTES: int = Field(default=1024 * 1024 * 1024, ge=1024)
    DATASET_INLINE_PROFILE_BYTES: int = Field(default=5 * 1024 * 1024, ge=0)
    # PROFILING this long after upload with no job profiling it: its message was lost, resend
    DATASET_REPROFILE_AFTER_SECONDS: int = Field(default=120, ge=10)

    # Training (docs/automl.md). A tenant's own limits (``phantom tenant limits``) override
    # the two TRAINING_MAX_* defaults.
    TRAINING_MIN_BUDGET_SECONDS: int = Field(default=5, ge=1)
    TRAINING_MAX_BUDGET_SECONDS: int = Field(default=4 * 3600, ge=1)
    TRAINING_MAX_CONCURRENT_JOBS: int = Field(default=2, ge=1)  # per tenant; the rest wait
    TRAINING_MAX_ATTEMPTS: int = Field(default=3, ge=1, le=10)  # lost worker, crashed fit
    TRAINING_SLOTS: int = Field(default=1, ge=1, le=64)  # concurrent fits per worker host
    TRAINING_CPUS: int | None = Field(default=None, ge=1)  # per fit; None: cores / slots
    TRAINING_MEMORY_MB: int | None = Field(default=None, ge=256)  # per fit; None: 70 % / slots
    TRAINING_LEASE_SECONDS: int = Field(default=30, ge=5)
    TRAINING_HEARTBEAT_SECONDS: float = Field(default=2.0, gt=0)  # also how fast cancels land
    TRAINING_REQUEUE_AFTER_SECONDS: int = Field(default=60, ge=5)  # QUEUED this long: resend
    TRAINING_RECONCILE_SECONDS: int = Field(default=15, ge=1)
    TRAINING_CANCEL_GRACE_SECONDS: float = Field(default=5.0, ge=0)  # SIGTERM, then SIGKILL
    TRAINING_MIN_ROWS: int = Field(default=20, ge=2)
    TRAINING_MIN_ROWS_PER_CLASS: int = Field(default=5, ge=2)
    # a group with fewer holdout rows is marked too small and left out of the disparities
    FAIRNESS_MIN_GROUP_ROWS: int = Field(default=30, ge=1)
    # Tests only: the training child hangs this long after its fit, deaf to SIGTERM and
    # with a helper process in its group (a fit stuck in native code, as a JVM would be),
    # so tests can prove the hard bound and fencing on real processes. 0 (off) by
    # default; refused in production.
    TRAINING_TEST_STALL_SECONDS: float = Field(default=0, ge=0)
    # Tests only: AutoGluon's model zoo for every fit (e.g. {"GBM": {}}), so a test knows
    # which kind of model serves (tree SHAP or not). Unset by default; refused in production.
    TRAINING_TEST_HYPERPARAMETERS: dict[str, Any] | None = None
    H2O_URL: str | None = None  # an H2O cluster to train on; unset: a local H2O per fit
    H2O_MAX_MEM: str = "4G"  # the local H2O's Java heap
    # batch scoring (batch/): rows read, scored and written per step (memory is bounded by
    # it), attempts after a lost worker, and the hard bound on one job; leases, heartbeats
    # and the reconciler use the TRAINING_* lease settings above
    BATCH_CHUNK_ROWS: int = Field(default=50_000, ge=100, le=1_000_000)
    BATCH_MAX_ATTEMPTS: int = Field(default=3, ge=1, le=10)
    BATCH_TIME_LIMIT_SECONDS: int = Field(default=6 * 3600, ge=60)
    MODEL_CACHE_SIZE: int = Field(default=8, ge=1)  # loaded models per serving process
    # per predict call (GraphQL and REST); at most 10,000 so one call's prediction ids
    # come from one random draw (kit/ids.py)
    PREDICT_MAX_ROWS: int = Field(default=1000, ge=1, le=10_000)
    PREDICT_MAX_BODY_BYTES: int = Field(default=5 * 1024 * 1024, ge=1024)  # REST predict
    # Micro-batching (serving/batching.py): concurrent calls for one model version share
    # one engine call of at most this many rows; a call waits this long for company when
    # the engine is idle (0: never waits; calls that arrive while the engine is busy are
    # batched anyway). Defaults measured in docs/benchmarks.md ("Serving").
    PREDICT_BATCH_MAX_ROWS: int = Field(default=4096, ge=1, le=100_000)
    PREDICT_BATCH_WAIT_MS: float = Field(default=0.0, ge=0, le=1000)
    PREDICT_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0)  # queued + scoring, per call
    # a model whose batches take less than this on average is called on the event loop,
    # not a thread (serving/batching.py; 0: always a thread)
    PREDICT_INLINE_MS: float = Field(default=5.0, ge=0, le=50)
    # Explanations (explain/): per call, the time the SHAP values may take after scoring
    # (over it: UNAVAILABLE, nothing hangs) and the rows one explained call may have
    EXPLAIN_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0, le=300)
    EXPLAIN_MAX_ROWS: int = Field(default=20, ge=1, le=1000)
    # How long a serving process trusts what it read of a version (stage, schema) and which
    # version a model name serves; a promotion made by this process is seen at once.
    SERVING_CACHE_SECONDS: float = Field(default=2.0, ge=0, le=60)
    # The prediction log (monitoring/predictionlog.py): rows are written in batches every
    # FLUSH seconds; at most MAX_PENDING rows wait in memory per process, then callers
    # wait (back-pressure, never loss). A crash loses at most one flush interval.
    PREDICTION_LOG_FLUSH_SECONDS: float = Field(default=1.0, gt=0, le=60)
    PREDICTION_LOG_MAX_PENDING_ROWS: int = Field(default=200_000, ge=1000)
    # and at most this much memory of them (text by its length), whichever comes first
    PREDICTION_LOG_MAX_PENDING_MB: int = Field(default=256, ge=16)
    PREDICTION_LOG_RETENTION_DAYS: int = Field(default=90, ge=1)  # a tenant may set less

    # Monitoring (docs/monitoring.md): drift thresholds a tenant has not set, the window
    # size below which drift is "insufficient data", the health refresh period, outcomes
    MONITORING_PSI_WARN: float = Field(default=0.1, gt=0)
    MONITORING_PSI_ALERT: float = Field(default=0.25, gt=0)
    MONITORING_MIN_ROWS: int = Field(default=200, ge=1)
    MONITORING_REFRESH_SECONDS: int = Field(default=300, ge=5)
    OUTCOMES_MAX_ROWS: int = Field(default=10_000, ge=1)  # per recordOutcomes call / upload
    OUTCOMES_MAX_BODY_BYTES: int = Field(default=2 * 1024 * 1024, ge=1024)  # REST outcomes

    # Four-eyes promotion (docs/governance.md): how long a promotion request waits for a
    # decision when the tenant's policy does not say
    PROMOTION_REQUEST_TTL_HOURS: int = Field(default=168, ge=1, le=24 * 90)

    # Tests only: tenant-influenced outbound URLs (an IdP's endpoints) may be loopback,
    # over plain http. Ignored in production. Private and link-local stay refused.
    OUTBOUND_ALLOW_LOOPBACK: bool = False

    # Webhooks (docs/alerts.md). Deliveries go only to public addresses over https unless
    # WEBHOOK_ALLOW_PRIVATE (an operator's choice: receivers on the private network, and
    # the tests' receiver on 127.0.0.1); then http and private, loopback and link-local
    # addresses are allowed too.
    WEBHOOK_ALLOW_PRIVATE: bool = False
    WEBHOOK_MAX_ATTEMPTS: int = Field(default=8, ge=1, le=20)  # then the delivery FAILED
    WEBHOOK_RETRY_BASE_SECONDS: float = Field(default=10.0, gt=0)  # doubled per attempt
    WEBHOOK_RETRY_MAX_SECONDS: float = Field(default=3600.0, gt=0)  # the backoff's cap
    WEBHOOK_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0, le=60)  # per attempt
    WEBHOOKS_PER_TENANT: int = Field(default=20, ge=1, le=1000)
    WEBHOOK_DELIVERY_RETENTION_DAYS: int = Field(default=30, ge=1, le=3650)  # finished ones

    # `phantom standalone`'s demo organization (docs/operations.md, "The demo"): at first
    # start, fill it with a trained model in production, a month of predictions and
    # outcomes, a pending approval... in the background; false keeps it empty. The
    # training budget of each of its two models.
    DEMO: bool = True
    DEMO_TRAINING_SECONDS: int = Field(default=25, ge=5, le=600)

    LOG_LEVEL: str = "INFO"
    LOG_JSON: bool | None = None  # None: JSON unless stderr is a terminal

    RATE_LIMIT_PER_CREDENTIAL: int = Field(default=1200, ge=1)  # requests per minute
    RATE_LIMIT_PER_TENANT: int = Field(default=6000, ge=1)  # requests per minute

    @field_validator("DATABASE_URL", "MIGRATION_DATABASE_URL")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("postgresql+asyncpg://", "sqlite+aiosqlite://")
        ):
            raise ValueError(
                "PHANTOM_DATABASE_URL must start with postgresql+asyncpg:// or sqlite+aiosqlite://"
            )
        return value

    @field_validator("TRAINING_TEST_HYPERPARAMETERS")
    @classmethod
    def _no_test_zoo_in_production(
        cls, value: dict[str, Any] | None, info: ValidationInfo
    ) -> dict[str, Any] | None:
        if value is not None and info.data.get("ENV", "production") == "production":
            raise ValueError(
                "PHANTOM_TRAINING_TEST_HYPERPARAMETERS is a test hook: refused in production"
            )
        return value

    @field_validator("TRAINING_TEST_STALL_SECONDS")
    @classmethod
    def _no_stalls_in_production(cls, value: float, info: ValidationInfo) -> float:
        if value and info.data.get("ENV", "production") == "production":
            raise ValueError(
                "PHANTOM_TRAINING_TEST_STALL_SECONDS is a test hook: refused in production"
            )
        return value

    @field_validator("STREAM_REVALIDATE_SECONDS")
    @classmethod
    def _streams_end_within_a_minute(cls, value: float, info: ValidationInfo) -> float:
        """A stream outlives its revoked credential by at most the cache's lifetime plus
        one re-check interval: keep that within a minute (docs/security.md)."""
        cache = info.data.get("AUTH_CACHE_SECONDS", 0.0)
        if cache + value > 60:
            raise ValueError(
                "PHANTOM_AUTH_CACHE_SECONDS + PHANTOM_STREAM_REVALIDATE_SECONDS must be at "
                "most 60, so streams end within a minute of a revocation"
            )
        return value

    def migration_database_url(self) -> str:
        return self.MIGRATION_DATABASE_URL or self.DATABASE_URL

    def is_production(self) -> bool:
        return self.ENV == "production"

    def outbound_loopback_allowed(self) -> bool:
        return self.OUTBOUND_ALLOW_LOOPBACK and not self.is_production()

    def uses_tls(self) -> bool:
        return self.BASE_URL.startswith("https://")

    @cached_property
    def previous_master_keys(self) -> tuple[bytes, ...]:
        """Old master keys kept during a rotation: they open what they sealed."""
        return tuple(
            _decode_key(k, "PHANTOM_MASTER_KEY_PREVIOUS") for k in self.MASTER_KEY_PREVIOUS
        )

    @property
    def master_key_file(self) -> Path:
        return self.VAR_DIR / "master.key"

    def serve_at(self, url: str) -> None:
        """Standalone learns its address from ``--host/--port`` after settings are read:
        links it prints (invitations, SSO callbacks) must point there unless
        ``PHANTOM_BASE_URL`` says otherwise. Called before anything reads ``BASE_URL``."""
        if "BASE_URL" not in self.model_fields_set:
            object.__setattr__(self, "BASE_URL", url)  # frozen for everyone else

    def create_master_key_file(self) -> None:
        """A generated key beside the data it protects (``VAR_DIR``), once: what
        ``phantom standalone`` chooses, and development does on first use. Production
        never invents a key by itself (each host would invent its own)."""
        path = self.master_key_file
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)

    @cached_property
    def master_key(self) -> bytes:
        """The key-encryption key: ``PHANTOM_MASTER_KEY``, else the key file in
        ``VAR_DIR`` (standalone's; generated on first use outside production)."""
        if self.MASTER_KEY:
            return _decode_key(self.MASTER_KEY, "PHANTOM_MASTER_KEY")
        path = self.master_key_file
        if not path.exists():
            if self.is_production():
                raise ValueError(
                    "PHANTOM_MASTER_KEY is required in production, the default: set it, or "
                    "PHANTOM_ENV=development to generate one into PHANTOM_VAR_DIR"
                )
            self.create_master_key_file()
        return _decode_key(path.read_text().strip(), f"the key in {path}")


def _decode_key(value: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise ValueError(f"{name} must be 32 bytes, base64-encoded")
    return raw


settings = Settings()
