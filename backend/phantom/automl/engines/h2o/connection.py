"""Talking to an H2O node: connections of exactly our client's version, and the REST calls
that move frames and models without the h2o client's 0.2 s job polling."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import uuid
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

log = logging.getLogger(__name__)


def h2o_module() -> Any:
    """The h2o client, imported when first used: it is an optional extra."""
    import h2o

    return h2o


def h2o_version() -> str:
    return str(h2o_module().__version__)


@contextlib.contextmanager
def warnings_logged() -> Iterator[None]:
    """The h2o client reports job and parse warnings through ``warnings``: they go to our
    log, not through the caller's filters (which may turn them into errors)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        log.info("h2o warning: %s", warning.message)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Connecting prints a version-age banner on stdout (the job's output): to our log."""
    buffer = io.StringIO()
    with warnings_logged(), contextlib.redirect_stdout(buffer):
        yield
    for line in buffer.getvalue().splitlines():
        if line.strip():
            log.debug("h2o: %s", line)


def connect(url: str, global_client: bool) -> Any:
    """A connection that checks the server runs exactly our client's version (binary
    models and the REST schemas depend on it). ``global_client``: also the connection the
    h2o module's own functions (``H2OAutoML``, estimators) use."""
    h2o = h2o_module()
    from h2o import telemetry

    telemetry.set_enabled(False)
    with _quiet():
        if global_client:
            connection = h2o.connect(
                url=url, verbose=False, strict_version_check=True, telemetry=False
            )
        else:
            from h2o.backend.connection import H2OConnection

            connection = H2OConnection.open(url=url, verbose=False, strict_version_check=True)
    return connection


def get_json(
    url: str, path: str, params: dict[str, str], timeout: float, method: str = "GET"
) -> Any:
    """A REST call with a timeout, outside the h2o client (whose requests have none): for
    the calls that must not hang when a cluster breaks."""
    import requests

    with requests.Session() as session:
        session.trust_env = False  # never through a proxy
        response = session.request(method, f"{url}{path}", params=params, timeout=timeout)
        response.raise_for_status()
        return response.json()


def disconnect(connection: Any) -> None:
    with contextlib.suppress(Exception), _quiet():
        connection.close()


def delete_key(connection: Any, key: str, cascade: bool = True) -> None:
    """Remove a key; one that is already gone is fine."""
    try:
        connection.request(f"DELETE /3/DKV/{quote(key, safe='')}", data={"cascade": cascade})
    except Exception as error:
        log.debug("h2o: could not remove %s: %s", key, error)


def upload(connection: Any, frame: pd.DataFrame, types: Sequence[str], scratch: Path | None) -> str:
    """A pandas frame (safe column names) into a new H2O frame, without the h2o client's
    0.2 s job polling: ``PostFile`` then a blocking ``Parse``."""
    key = f"phantom_{uuid.uuid4().hex}"
    handle, name = tempfile.mkstemp(suffix=".csv", dir=scratch)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            frame.to_csv(out, index=False, na_rep="")
        raw = connection.request("POST /3/PostFile", filename=name)["destination_frame"]
    finally:
        os.unlink(name)
    setup = connection.request(
        "POST /3/ParseSetup", data={"source_frames": [f'"{raw}"'], "check_header": 1}
    )
    names = [f'"{c}"' for c in frame.columns]
    connection.request(
        "POST /3/Parse",
        data={
            "destination_frame": key,
            "source_frames": [f'"{raw}"'],
            "parse_type": setup["parse_type"],
            "separator": setup["separator"],
            "single_quotes": False,
            "check_header": 1,
            "number_columns": len(names),
            "column_names": names,
            "column_types": [f'"{t}"' for t in types],
            "chunk_size": setup["chunk_size"],
            "delete_on_done": True,
            "blocking": True,
            "force_col_types": True,
        },
    )
    return key


def predict_frame(connection: Any, model_id: str, frame_key: str) -> pd.DataFrame:
    """Scores an uploaded frame with the synchronous REST call; the output frame is removed."""
    out_key = f"phantom_{uuid.uuid4().hex}"
    try:
        connection.request(
            f"POST /3/Predictions/models/{quote(model_id, safe='')}/frames/{frame_key}",
            data={"predictions_frame": out_key},
        )
        text = connection.request(
            "GET /3/DownloadDataset", data={"frame_id": out_key, "hex_string": False}
        )
    finally:
        delete_key(connection, out_key)
    return pd.read_csv(io.StringIO(str(text)))


def model_keys(connection: Any, model_id: str) -> list[str]:
    """The model keys a binary model brings along: a StackedEnsemble's base models (a
    parameter) and metalearner (an output), recursively."""
    keys = [model_id]
    models = connection.request(f"GET /3/Models/{quote(model_id, safe='')}")["models"]
    if not models:
        return keys
    parameters = {p["name"]: p.get("actual_value") for p in models[0]["parameters"]}
    parts = [*(parameters.get("base_models") or []), models[0]["output"].get("metalearner")]
    for part in parts:
        name = part.get("name") if isinstance(part, dict) else part
        if isinstance(name, str) and name and name not in keys:
            keys.extend(k for k in model_keys(connection, name) if k not in keys)
    return keys


def model_parameters(connection: Any, model_id: str) -> dict[str, Any]:
    """The model's parameters that differ from H2O's defaults (the reproducibility
    record): the values it actually trained with, references as their names."""
    models = connection.request(f"GET /3/Models/{quote(model_id, safe='')}")["models"]
    chosen: dict[str, Any] = {}
    for parameter in models[0]["parameters"] if models else []:
        value = parameter.get("actual_value")
        if value == parameter.get("default_value"):
            continue
        if isinstance(value, dict):
            value = value.get("name", value)
        elif isinstance(value, list):
            value = [v.get("name", v) if isinstance(v, dict) else v for v in value]
        chosen[str(parameter["name"])] = value
    return chosen


def download_model(connection: Any, model_id: str, path: Path) -> None:
    connection.request(
        f"GET /3/Models.fetch.bin/{quote(model_id, safe='')}",
        data={"export_cross_validation_predictions": False},
        save_to=str(path),
    )
