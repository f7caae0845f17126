"""The environment of processes that run third-party code on tenant data: the training
child (``automl/runner.py``) and the H2O nodes (JVMs) started for training and scoring.

They get an allow-list of variables, never the parent's whole environment: the master
key, the database and Redis URLs (with their passwords), SSO and cloud credentials stay in
the processes that need them. Only the names below pass; a deployment that needs another
(a proxy, a CA bundle) adds it here, after deciding it is not a secret."""

from __future__ import annotations

import os
from collections.abc import Mapping

ALLOWED = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "TEMP",
        "TMP",
        "PYTHONPATH",
        "PYTHONHASHSEED",
        "VIRTUAL_ENV",
        "LD_LIBRARY_PATH",
        "JAVA_HOME",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CUDA_VISIBLE_DEVICES",
    }
)
ALLOWED_PREFIXES = ("LC_",)


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allowed part of this process's environment, plus ``extra``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name in ALLOWED or name.startswith(ALLOWED_PREFIXES)
    }
    return {**environment, **(extra or {})}
