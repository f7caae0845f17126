"""The H2O engine: ``H2OAutoML`` for classification and regression, H2O's isolation forests
for anomaly detection.

Choices (measured on the 2-core dev machine, h2o 3.46.0.12, OpenJDK 17; "loaded" means
other sessions kept the load average at 4-5):
- The fit runs on an H2O node of its own (a JVM this process starts: ready in 3.7-4.4 s
  idle, 4.3-8.1 s loaded) or, with ``PHANTOM_H2O_URL``, on a shared cluster of exactly the
  client's version, where everything the job created is removed afterwards (checked with
  H2O's own key listing: nothing is left) and the cluster is never shut down.
- A JVM we start dies with the process that started it: it is launched through a tiny
  trampoline that sets ``PR_SET_PDEATHSIG`` (SIGKILL) and then ``exec``s java, from a
  thread that lives exactly as long as the JVM (the kernel ties the signal to the
  launching thread, not the process). It stays in our process group, so the job layer's
  ``killpg`` reaches it too; a SIGKILLed training child leaves no JVM behind (tested).
- ``max_runtime_secs`` is the soft limit, counted once the node is up (its start, the
  upload and the save come on top: the whole fit takes the budget plus 6-11 s).
  ``aml.train`` overran it by 1.4-2.2 s idle and by 3-4.8 s loaded (20 s budget: 22.2 s,
  fit 27.3 s in all). At ``deadline`` a
  still-running AutoML is cancelled (``POST /3/Jobs/{job}/cancel``): the models that
  finished stay on the leaderboard and the leader is kept (cancel to return: ~1.8 s).
- Progress: the fit's own thread polls ``GET /99/Leaderboards/{automl}`` every 2 s (and
  calls ``report``) while a worker thread blocks in ``aml.train``; the h2o client makes one
  plain HTTP request per call, so the two threads share no connection state.
- The leader is saved as an H2O **binary model**, not a MOJO: the h2o 3.46.0.12 client
  refuses MOJO and POJO export ("requires H2O-3 Secure", a commercial tier), and this engine
  does not work around that. A binary model loads only into an H2O of the same version,
  and scoring needs a JVM: ``load`` starts one local scoring node per process, shared by
  every H2O model the process holds and stopped when the last one is closed (the shared
  cluster is for fits only). A StackedEnsemble's binary carries its base models and
  metalearner: identical predictions after loading into a fresh node (tested).
- Scoring goes straight to the REST API (upload a CSV, ``Parse`` with ``blocking``, the
  synchronous ``/3/Predictions``, download the CSV), StackedEnsemble leader: median
  0.06 s for 1 row, 0.11 s for 1,000 rows, 0.35 s for 10,000 rows (loaded machine: 0.09-0.14
  s and 0.17-0.19 s); the h2o client's ``H2OFrame``/``predict`` path polls with 0.2 s
  sleeps and takes 0.5 s at any size. The first ``load`` in a process starts the node
  (4.4 s; 6.6-10.6 s loaded), a further model on the same node loads in 0.07 s.
- Binary classification: our labels come from the probabilities (``p1 >= 0.5``), not from
  H2O's max-F1 threshold; target values go to H2O as ordered codes (``c0``, ``c1``, ...)
  so the probability columns follow ``classes`` and ``classes[1]`` is H2O's positive
  class; feature columns go as ``f0``, ``f1``, ... so no column name can break H2O's CSV
  parsing, and values are encoded the same way at fit and predict time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from phantom.automl.engines.base import (
    FitOutcome,
    FitSpec,
    LeaderboardRow,
    Predictions,
    Reporter,
)
from phantom.automl.environment import clean_environment
from phantom.automl.tasks import METRICS, Outcome, TaskType

log = logging.getLogger(__name__)

META_FILE = "h2o.json"
META_FORMAT = 1
POLL_SECONDS = 2.0
CHECK_ROWS = 20  # training rows whose fit-time predictions are kept to verify a load
JVM_START_SECONDS = 90.0
TARGET = "y"  # the target column's name inside H2O

# The trampoline that starts java: the JVM gets SIGKILL when the thread that launched it
# (ours) goes away, however our process ends.
_TRAMPOLINE = (
    "import ctypes, os, sys\n"
    "if ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0) != 0:\n"  # PR_SET_PDEATHSIG
    "    sys.exit(70)\n"
    "if os.getppid() != int(sys.argv[1]):\n"  # the parent died before prctl
    "    sys.exit(71)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)

Array = np.ndarray[Any, Any]


# --------------------------------------------------------------------------------------
# Metrics: what H2O ranks by, and what the leaderboard's numbers are
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranking:
    """``sort_metric`` for H2OAutoML, the leaderboard column reported, and how that column
    becomes our metric (None: reported as it is, in ``column``'s own units)."""

    sort_metric: str
    column: str
    convert: Callable[[float], float] | None = None


def ranking_for(task: TaskType, metric: str, target_variance: float | None = None) -> Ranking:
    """H2O ranks by AUC, AUCPR, logloss, mean_per_class_error, RMSE, MAE, MSE or deviance.

    - Binary label metrics (accuracy, balanced accuracy, F1, precision, recall): logloss.
      H2O's per-class errors use its max-F1 threshold, but our labels are ``p1 >= 0.5``, so
      well-calibrated probabilities are what those metrics reward.
    - Multiclass accuracy, balanced accuracy and macro F1: mean_per_class_error, which is
      exactly 1 - balanced accuracy for argmax labels (reported as such for
      balanced_accuracy, raw for the other two).
    - r2: ranked by RMSE (the same order: every model is scored on the same rows) and
      reported as 1 - MSE / variance of the training target, which is what R² is on H2O's
      cross-validation predictions.
    """
    if task == TaskType.BINARY:
        native = {"roc_auc": ("AUC", "auc"), "average_precision": ("AUCPR", "aucpr")}
        sort, column = native.get(metric, ("logloss", "logloss"))
        return Ranking(sort, column)
    if task == TaskType.MULTICLASS:
        if metric == "log_loss":
            return Ranking("logloss", "logloss")
        if metric == "balanced_accuracy":
            return Ranking("mean_per_class_error", "mean_per_class_error", lambda e: 1.0 - e)
        return Ranking("mean_per_class_error", "mean_per_class_error")
    if task == TaskType.REGRESSION:
        if metric == "mae":
            return Ranking("MAE", "mae")
        if metric == "r2" and target_variance and target_variance > 0:
            variance = target_variance
            return Ranking("RMSE", "mse", lambda mse: 1.0 - mse / variance)
        return Ranking("RMSE", "rmse")
    raise ValueError(f"H2OAutoML does not handle {task}")


def _reported(ranking: Ranking, metric: str) -> str:
    native = {"auc": "roc_auc", "aucpr": "average_precision", "logloss": "log_loss"}
    native |= {"rmse": "rmse", "mae": "mae"}
    if ranking.convert is not None or native.get(ranking.column) == metric:
        return metric
    return ranking.column


# --------------------------------------------------------------------------------------
# Columns: the same encoding at fit and at predict time
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    kind: str  # "numeric", "bool", "datetime" (sent as epoch ms) or "enum" (as text)

    @property
    def h2o_type(self) -> str:
        return "Enum" if self.kind == "enum" else "Numeric"


def feature_kind(column: pd.Series) -> str:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "enum"


_BOOLS = {True: 1.0, False: 0.0, "True": 1.0, "False": 0.0, "true": 1.0, "false": 0.0}


def encode_features(frame: pd.DataFrame, features: Sequence[Feature]) -> pd.DataFrame:
    """Columns ``f0``, ``f1``, ... as H2O will parse them; a missing column is all-missing,
    a value that does not fit its column's kind is missing."""
    columns: dict[str, pd.Series] = {}
    for i, feature in enumerate(features):
        if feature.name not in frame.columns:
            columns[f"f{i}"] = pd.Series(np.nan, index=frame.index, dtype="float64")
            continue
        column = frame[feature.name]
        if feature.kind == "numeric":
            values = pd.to_numeric(column, errors="coerce").astype("float64")
        elif feature.kind == "bool":
            values = column.astype(object).map(lambda v: _BOOLS.get(v, np.nan)).astype("float64")
        elif feature.kind == "datetime":
            stamps = pd.to_datetime(column, errors="coerce", utc=True)
            values = (stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(milliseconds=1)
        else:
            missing = column.isna().to_numpy()
            values = column.astype(object).map(str)
            values[missing] = None
        columns[f"f{i}"] = values
    return pd.DataFrame(columns, index=frame.index)


def _plain(value: Any) -> Any:
    """A class value as JSON keeps it (numpy scalars become Python ones)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _classes_of(target: pd.Series) -> list[Any]:
    values = list(pd.unique(target.dropna()))
    try:
        return [_plain(v) for v in sorted(values)]
    except TypeError:  # mixed types: first appearance
        return [_plain(v) for v in values]


def _codes(classes: Sequence[Any]) -> list[str]:
    """``c0``, ``c1``, ... zero-padded, so H2O's sorted domain keeps our order."""
    width = len(str(max(len(classes) - 1, 0)))
    return [f"c{i:0{width}d}" for i in range(len(classes))]


def _label_array(values: Sequence[Any]) -> Array:
    array = np.asarray(values)
    if array.dtype.kind in "biuf":
        return array
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


# --------------------------------------------------------------------------------------
# H2O nodes and connections
# --------------------------------------------------------------------------------------


def _h2o() -> Any:
    import h2o

    return h2o


def h2o_version() -> str:
    return str(_h2o().__version__)


def heap_mb(max_mem: str, memory_limit_mb: int | None) -> int:
    """The JVM heap: ``H2O_MAX_MEM`` at most, and 3/4 of the job's memory (the JVM's own
    overhead and the Python side need the rest), never under 256 MB."""
    size = re.fullmatch(r"\s*(\d+)\s*([mgt])b?\s*", max_mem, re.IGNORECASE)
    if size is None:
        raise ValueError(f"PHANTOM_H2O_MAX_MEM must be a size like 4G or 512M, not {max_mem!r}")
    cap = int(size[1]) * {"m": 1, "g": 1024, "t": 1024 * 1024}[size[2].lower()]
    if memory_limit_mb:
        cap = min(cap, memory_limit_mb * 3 // 4)
    return max(cap, 256)


def _free_port() -> int:
    """A port p with p and p + 1 free (H2O listens on both); H2O refuses to start if it
    is taken in the meantime, and the caller tries again."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = int(first.getsockname()[1])
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free port pair for H2O")


MIN_THREADS = 2


class Jvm:
    """An H2O node this process started, and that dies with it."""

    def __init__(self, nthreads: int, heap: int, root: Path | None) -> None:
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="phantom-h2o-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        self.name = f"phantom-{uuid.uuid4().hex[:12]}"
        self._process: subprocess.Popen[bytes] | None = None
        self._launched = threading.Event()
        self._launch_error: BaseException | None = None
        self._thread: threading.Thread | None = None
        started = time.monotonic()
        try:
            for attempt in range(3):
                port = _free_port()
                self._launch(self._command(port, nthreads, heap))
                if self._wait_ready(port):
                    break
                log.warning("H2O did not start on port %d (attempt %d)", port, attempt + 1)
            else:
                raise RuntimeError(f"H2O did not start: {self.log_tail()}")
        except BaseException:
            self.stop()
            raise
        self.url = f"http://127.0.0.1:{port}"
        log.info("H2O node %s up at %s in %.1f s", self.name, self.url, time.monotonic() - started)

    def _command(self, port: int, nthreads: int, heap: int) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("H2O needs Java 8-17 on PATH")
        jar = Path(_h2o().__file__).parent / "backend" / "bin" / "h2o.jar"
        command = [
            java,
            f"-Xmx{heap}m",
            "-Dsys.ai.h2o.telemetry.disabled=true",
            "-jar",
            str(jar),
            "-name",
            self.name,
            "-ip",
            "127.0.0.1",
            "-web_ip",
            "127.0.0.1",
            "-port",
            str(port),
            "-nthreads",
            # at least 2: with one fork/join thread H2O AutoML never finishes (seen here: a
            # 45 s job on a one-CPU training slot hung until its hard bound)
            str(max(nthreads, MIN_THREADS)),
            "-ice_root",
            str(self.root),
            "-log_dir",
            str(self.root / "logs"),
            "-log_level",
            "WARN",
            "-allow_unsupported_java",
        ]
        if sys.platform.startswith("linux"):
            return [sys.executable, "-c", _TRAMPOLINE, str(os.getpid()), *command]
        return command  # elsewhere: stopped by ``stop`` and by the process group only

    def _launch(self, command: list[str]) -> None:
        self._launched.clear()
        self._launch_error = None
        self._thread = threading.Thread(
            target=self._keep, args=(command,), name=f"h2o-{self.name}", daemon=True
        )
        self._thread.start()
        self._launched.wait()
        if self._launch_error is not None:
            raise RuntimeError(f"cannot start java: {self._launch_error}")

    def _keep(self, command: list[str]) -> None:
        """Launches the JVM and lives as long as it does: the JVM's parent-death signal is
        tied to this thread."""
        try:
            with open(self.root / "jvm.out", "ab") as out:
                process = subprocess.Popen(  # noqa: S603 - our own java command line
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=clean_environment(),  # the JVM runs in the API too: no secrets
                )
        except OSError as error:
            self._launch_error = error
            self._launched.set()
            return
        self._process = process
        self._launched.set()
        process.wait()

    def _wait_ready(self, port: int) -> bool:
        import requests

        session = requests.Session()
        session.trust_env = False  # never through a proxy
        deadline = time.monotonic() + JVM_START_SECONDS
        try:
            while time.monotonic() < deadline:
                if self._process is None or self._process.poll() is not None:
                    return False
                try:
                    response = session.get(f"http://127.0.0.1:{port}/3/Cloud", timeout=2)
                    if response.ok and response.json().get("cloud_healthy"):
                        return True
                except (requests.RequestException, ValueError):
                    pass
                time.sleep(0.1)
        finally:
            session.close()
        raise RuntimeError(f"H2O not ready after {JVM_START_SECONDS:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return (self.root / "jvm.out").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """SIGTERM (H2O exits at once), SIGKILL after 10 s; then the scratch directory."""
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if self._thread is not None:
            self._thread.join(10)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def _warnings_logged() -> Iterator[None]:
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
    with _warnings_logged(), contextlib.redirect_stdout(buffer):
        yield
    for line in buffer.getvalue().splitlines():
        if line.strip():
            log.debug("h2o: %s", line)


def _open(url: str, global_client: bool) -> Any:
    """A connection that checks the server runs exactly our client's version (binary
    models and the REST schemas depend on it). ``global_client``: also the connection the
    h2o module's own functions (``H2OAutoML``, estimators) use."""
    h2o = _h2o()
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


def _close(connection: Any) -> None:
    with contextlib.suppress(Exception), _quiet():
        connection.close()


def _delete(connection: Any, key: str, cascade: bool = True) -> None:
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
        _delete(connection, out_key)
    return pd.read_csv(io.StringIO(str(text)))


def _model_keys(connection: Any, model_id: str) -> list[str]:
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
            keys.extend(k for k in _model_keys(connection, name) if k not in keys)
    return keys


def _download(connection: Any, model_id: str, path: Path) -> None:
    connection.request(
        f"GET /3/Models.fetch.bin/{quote(model_id, safe='')}",
        data={"export_cross_validation_predictions": False},
        save_to=str(path),
    )


# --------------------------------------------------------------------------------------
# The fit's cluster
# --------------------------------------------------------------------------------------


class FitCluster:
    """Where a fit runs: a node of its own (stopped at the end) or the shared cluster of
    ``PHANTOM_H2O_URL`` (only what the fit created is removed)."""

    def __init__(self, url: str | None, spec: FitSpec, max_mem: str) -> None:
        self.jvm: Jvm | None = None
        self.created: list[str] = []
        self.remote = url is not None
        if url is None:
            self.jvm = Jvm(
                spec.num_cpus, heap_mb(max_mem, spec.memory_limit_mb), spec.work_dir / "h2o"
            )
            url = self.jvm.url
        try:
            self.connection = _open(url, global_client=True)
        except BaseException:
            if self.jvm is not None:
                self.jvm.stop()
            raise
        self.url = url
        self.version = str(self.connection.cluster.version)

    def upload(self, frame: pd.DataFrame, types: Sequence[str], scratch: Path) -> str:
        key = upload(self.connection, frame, types, scratch)
        self.created.append(key)
        return key

    def close(self) -> None:
        try:
            if self.remote:
                for key in reversed(self.created):
                    _delete(self.connection, key)
                self._remove_derived_frames()
        finally:
            _close(self.connection)
            if self.jvm is not None:
                self.jvm.stop()

    def _remove_derived_frames(self) -> None:
        """AutoML copies the training frame under a key that contains ours."""
        ours = [k for k in self.created if k.startswith("phantom_")]
        try:
            frames = self.connection.request("GET /3/Frames")["frames"]
        except Exception:
            return
        for entry in frames:
            name = entry["frame_id"]["name"]
            if any(k in name for k in ours):
                _delete(self.connection, name)


# --------------------------------------------------------------------------------------
# Fit: H2OAutoML
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Board:
    """The leaderboard as last seen, converted, and which models were already reported."""

    ranking: Ranking
    reported: str
    n_rows: int
    rows: list[LeaderboardRow] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def update(self, table: Any, report: Reporter) -> None:
        header = list(table.col_header)
        records = [dict(zip(header, values, strict=False)) for values in table.cell_values]
        self.rows = [self._row(r) for r in records]
        for row in self.rows:
            if row.model_name in self.seen:
                continue
            self.seen.add(row.model_name)
            score = row.score_validation
            scored = f" ({self.reported} {score:.4g})" if score is not None else ""
            report(f"Trained {row.model_name}{scored}", list(self.rows))

    def _row(self, record: dict[str, Any]) -> LeaderboardRow:
        value = _number(record.get(self.ranking.column))
        if value is not None and self.ranking.convert is not None:
            value = self.ranking.convert(value)
        per_row_ms = _number(record.get("predict_time_per_row_ms"))
        train_ms = _number(record.get("training_time_ms"))
        return LeaderboardRow(
            model_name=str(record["model_id"]),
            score_validation=value,
            fit_time_seconds=train_ms / 1000 if train_ms is not None else None,
            # like AutoGluon's pred_time_val: the time to score the rows it was validated on
            predict_time_seconds=(
                per_row_ms * self.n_rows / 1000 if per_row_ms is not None else None
            ),
        )


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _fit_automl(
    cluster: FitCluster, train: pd.DataFrame, spec: FitSpec, report: Reporter, started: float
) -> tuple[FitOutcome, dict[str, Any]]:
    if spec.target is None:
        raise ValueError(f"{spec.task} needs a target")
    h2o = _h2o()
    from h2o.automl import H2OAutoML
    from h2o.exceptions import H2OJobCancelled

    data = train[train[spec.target].notna()]
    features = [Feature(c, feature_kind(data[c])) for c in data.columns if c != spec.target]
    encoded = encode_features(data, features)
    meta: dict[str, Any] = {"features": [[f.name, f.kind] for f in features]}
    variance = None
    if spec.task == TaskType.REGRESSION:
        target = pd.to_numeric(data[spec.target], errors="coerce").astype("float64")
        encoded[TARGET] = target
        variance = float(np.nanvar(target))
        types = [*(f.h2o_type for f in features), "Numeric"]
    else:
        classes = _classes_of(data[spec.target])
        if len(classes) < 2 or (spec.task == TaskType.BINARY and len(classes) != 2):
            raise ValueError(f"{spec.task} with {len(classes)} classes in the target")
        codes = _codes(classes)
        lookup = {c: code for c, code in zip(classes, codes, strict=True)}
        encoded[TARGET] = data[spec.target].map(lambda v: lookup[_plain(v)])
        meta |= {"classes": classes, "codes": codes}
        types = [*(f.h2o_type for f in features), "Enum"]
    frame_key = cluster.upload(encoded, types, spec.work_dir)

    ranking = ranking_for(spec.task, spec.metric, variance)
    board = _Board(ranking, _reported(ranking, spec.metric), len(encoded))
    budget = min(spec.time_limit_seconds - (time.time() - started), spec.deadline - time.time())
    project = f"phantom_{uuid.uuid4().hex[:16]}"
    aml = H2OAutoML(
        max_runtime_secs=max(1, round(budget)),
        seed=spec.seed,
        sort_metric=ranking.sort_metric,
        project_name=project,
    )
    failure: list[BaseException] = []
    stopping = threading.Event()

    def train_automl() -> None:
        try:
            aml.train(
                x=[f"f{i}" for i in range(len(features))],
                y=TARGET,
                training_frame=h2o.get_frame(frame_key),
            )
        except H2OJobCancelled:
            pass
        except BaseException as error:
            # once we cancelled, the client's poll may also fail with "Polling finished while
            # the job has status CANCEL_PENDING" (seen in CI): that is our stop, not a failure
            if not stopping.is_set():
                failure.append(error)

    worker = threading.Thread(target=train_automl, name="h2o-automl", daemon=True)
    cancelled = False
    with _warnings_logged():
        automl_started = time.monotonic()
        worker.start()
        try:
            while worker.is_alive():
                wait = spec.deadline - time.time()
                worker.join(POLL_SECONDS if cancelled else min(max(wait, 0.05), POLL_SECONDS))
                job = getattr(aml, "_job", None)
                if job is None:
                    continue
                _poll(cluster.connection, job.dest_key, board, report)
                if worker.is_alive() and time.time() >= spec.deadline and not cancelled:
                    log.info("h2o: deadline reached, stopping AutoML %s", project)
                    stopping.set()
                    cluster.connection.request(f"POST /3/Jobs/{job.job_key}/cancel")
                    cancelled = True
        finally:
            job = getattr(aml, "_job", None)
            if worker.is_alive() and job is not None and not cancelled:
                stopping.set()
                with contextlib.suppress(Exception):
                    cluster.connection.request(f"POST /3/Jobs/{job.job_key}/cancel")
            worker.join(30)
            automl_seconds = time.monotonic() - automl_started
            if job is not None:  # removing the AutoML removes its models (on a shared cluster)
                cluster.created.append(job.dest_key)
                for suffix in ("_leaderboard", "_eventlog"):  # the client's copies
                    cluster.created.append(project + suffix)
        if failure:
            raise failure[0]
        job = getattr(aml, "_job", None)
        if job is None:
            raise RuntimeError("H2O AutoML did not start")
        _poll(cluster.connection, job.dest_key, board, report)  # models of the last 2 s
        cluster.created.extend(r.model_name for r in board.rows)
        if not board.rows:
            raise RuntimeError("H2O AutoML finished no model before the deadline")
        leader = board.rows[0].model_name
        check_rows = np.flatnonzero(train[spec.target].notna().to_numpy())[:CHECK_ROWS]
        check = train.iloc[check_rows]
        check_key = cluster.upload(encode_features(check, features), types[:-1], spec.work_dir)
        checked = predict_frame(cluster.connection, leader, check_key)
        keys = _model_keys(cluster.connection, leader)
        _download(cluster.connection, leader, spec.model_dir / "leader.bin")
    meta |= {
        "members": [{"file": "leader.bin", "model_id": leader, "keys": keys}],
        "check": _check_values(spec.task, checked, meta),
        "check_rows": [int(i) for i in check_rows],
    }
    details = {
        "leader": leader,
        "sort_metric": ranking.sort_metric,
        "leaderboard_metric": board.reported,
        "models_trained": len(board.rows),
        "stopped_at_deadline": cancelled,
        "max_runtime_secs": aml.max_runtime_secs,
        "automl_seconds": round(automl_seconds, 2),
    }
    if board.reported != spec.metric:
        details["note"] = (
            f"H2O has no {spec.metric} leaderboard column: the scores are {board.reported}"
        )
    return FitOutcome(leaderboard=board.rows, best_model=leader, details=details), meta


def _poll(connection: Any, automl_key: str, board: _Board, report: Reporter) -> None:
    try:
        response = connection.request(
            f"GET /99/Leaderboards/{quote(automl_key, safe='')}", data={"extensions": "ALL"}
        )
    except Exception as error:
        log.debug("h2o: leaderboard not available: %s", error)
        return
    board.update(response["table"], report)


def _check_values(task: TaskType, predicted: pd.DataFrame, meta: dict[str, Any]) -> list[Any]:
    if task == TaskType.REGRESSION:
        return [float(v) for v in predicted["predict"]]
    return predicted[meta["codes"]].to_numpy(dtype=np.float64).tolist()  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------
# Fit: anomaly detection
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Member:
    name: str
    model_id: str
    fit_seconds: float
    train_scores: Array
    predict_seconds: float
    valid_scores: Array | None = None

    @property
    def mean(self) -> float:
        return float(np.mean(self.train_scores))

    @property
    def std(self) -> float:
        std = float(np.std(self.train_scores))
        return std if std > 0 else 1.0


def _scores(predicted: pd.DataFrame) -> Array:
    """Higher is more anomalous: the negated mean path length (shorter paths isolate
    outliers), the one output both isolation forests share."""
    return -np.asarray(predicted["mean_length"], dtype=np.float64)


def _labels_of(column: pd.Series) -> Array:
    """The label column as the metrics read it (``astype(bool)``)."""
    return np.asarray(column.to_numpy().astype(bool), dtype=bool)


def _split(n: int, labels: Array, seed: int) -> tuple[Array, Array]:
    """A stratified 80/20 split: indices to train on and to validate on."""
    rng = np.random.default_rng(seed)
    valid: list[int] = []
    for value in (False, True):
        members = np.flatnonzero(labels == value)
        rng.shuffle(members)
        valid.extend(members[: max(1, len(members) // 5)] if len(members) >= 2 else [])
    mask = np.zeros(n, dtype=bool)
    mask[valid] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def _fit_anomaly(
    cluster: FitCluster, train: pd.DataFrame, spec: FitSpec, report: Reporter, started: float
) -> tuple[FitOutcome, dict[str, Any]]:
    from h2o.estimators import (
        H2OExtendedIsolationForestEstimator,
        H2OIsolationForestEstimator,
    )

    contamination = float(spec.options.get("contamination", 0.05))
    if not 0 < contamination < 0.5:
        raise ValueError("contamination must be between 0 and 0.5")
    features = [Feature(c, feature_kind(train[c])) for c in train.columns if c != spec.target]
    types = [f.h2o_type for f in features]
    fit_rows, valid_rows = np.arange(len(train)), np.arange(0)
    labels: Array | None = None
    if spec.target is not None:
        labelled = train[spec.target].notna().to_numpy()
        labels = _labels_of(train[spec.target])
        _, inner_valid = _split(int(labelled.sum()), labels[labelled], spec.seed)
        labelled_rows = np.flatnonzero(labelled)
        valid_rows = labelled_rows[inner_valid]
        fit_rows = np.setdiff1d(np.arange(len(train)), valid_rows)
    fit_part = train.iloc[fit_rows]
    fit_key = cluster.upload(encode_features(fit_part, features), types, spec.work_dir)
    valid_key = None
    if len(valid_rows):
        valid_part = train.iloc[valid_rows]
        valid_key = cluster.upload(encode_features(valid_part, features), types, spec.work_dir)
    h2o = _h2o()
    run = uuid.uuid4().hex[:12]
    x = [f"f{i}" for i in range(len(features))]
    end = min(started + spec.time_limit_seconds, spec.deadline)
    candidates: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("IsolationForest", lambda s: H2OIsolationForestEstimator(**s)),
        (
            "ExtendedIsolationForest",
            lambda s: H2OExtendedIsolationForestEstimator(
                extension_level=max(len(features) - 1, 0), **s
            ),
        ),
    ]
    members: list[_Member] = []
    rows: list[LeaderboardRow] = []
    valid_labels = labels[valid_rows] if labels is not None and len(valid_rows) else None
    with _warnings_logged():
        for name, build in candidates:
            remaining = end - time.time()
            if members and remaining < members[0].fit_seconds:  # about as long again
                log.info("h2o: no time left for %s", name)
                break
            model_id = f"phantom_{name.lower()}_{run}"
            params: dict[str, Any] = {"model_id": model_id, "seed": spec.seed}
            if name == "IsolationForest":  # the extended one has no time limit (and is quick)
                params["max_runtime_secs"] = max(int(remaining), 1)
            model = build(params)
            cluster.created.append(model_id)
            began = time.monotonic()
            model.train(x=x, training_frame=h2o.get_frame(fit_key))
            fitted = time.monotonic() - began
            began = time.monotonic()
            scores = _scores(predict_frame(cluster.connection, model_id, fit_key))
            member = _Member(name, model_id, fitted, scores, time.monotonic() - began)
            if valid_key is not None:
                member.valid_scores = _scores(
                    predict_frame(cluster.connection, model_id, valid_key)
                )
            members.append(member)
            rows = _anomaly_board(members, valid_labels, spec.metric, contamination)
            score = next(r.score_validation for r in rows if r.model_name == name)
            scored = f" ({spec.metric} {score:.4g})" if score is not None else ""
            report(f"Trained {name}{scored}", rows)
        if not members:
            raise RuntimeError("no isolation forest finished before the deadline")
        chosen = [m for m in members if m.name in rows[0].model_name.split("+")]
        for member in chosen:
            path = spec.model_dir / f"{member.name}.bin"
            _download(cluster.connection, member.model_id, path)
    combined = _combine(chosen, [m.train_scores for m in chosen])
    threshold = float(np.quantile(combined, 1 - contamination))
    meta = {
        "features": [[f.name, f.kind] for f in features],
        "threshold": threshold,
        "contamination": contamination,
        "members": [
            {
                "file": f"{m.name}.bin",
                "model_id": m.model_id,
                "keys": [m.model_id],
                "mean": m.mean,
                "std": m.std,
            }
            for m in chosen
        ],
        "check": [float(v) for v in combined[:CHECK_ROWS]],
        "check_rows": [int(i) for i in fit_rows[:CHECK_ROWS]],
    }
    details = {
        "leader": rows[0].model_name,
        "threshold": threshold,
        "contamination": contamination,
        "validation_rows": len(valid_rows),
    }
    return FitOutcome(leaderboard=rows, best_model=rows[0].model_name, details=details), meta


def _combine(members: Sequence[_Member], scores: Sequence[Array]) -> Array:
    """Each member's scores standardised on its training scores, then averaged."""
    scaled = [(s - m.mean) / m.std for m, s in zip(members, scores, strict=True)]
    return np.asarray(np.mean(np.vstack(scaled), axis=0), dtype=np.float64)


def _anomaly_board(
    members: Sequence[_Member], valid_labels: Array | None, metric: str, contamination: float
) -> list[LeaderboardRow]:
    """One row per member and one for their average; with validation labels, best first by
    the metric, else the average first (nothing to choose by)."""
    groups: list[list[_Member]] = [[m] for m in members]
    if len(members) > 1:
        groups.insert(0, list(members))
    rows = []
    for group in groups:
        score = None
        if valid_labels is not None and len(np.unique(valid_labels)) == 2:
            valid = _combine(group, [m.valid_scores for m in group if m.valid_scores is not None])
            train = _combine(group, [m.train_scores for m in group])
            threshold = float(np.quantile(train, 1 - contamination))
            outcome = Outcome(valid_labels, valid > threshold, None, None, valid)
            with contextlib.suppress(ValueError, ZeroDivisionError):
                score = METRICS[metric].compute(outcome)
        rows.append(
            LeaderboardRow(
                model_name="+".join(m.name for m in group),
                score_validation=score,
                fit_time_seconds=sum(m.fit_seconds for m in group),
                predict_time_seconds=sum(m.predict_seconds for m in group),
            )
        )
    if valid_labels is not None and all(r.score_validation is not None for r in rows):
        sign = -1.0 if METRICS[metric].higher_is_better else 1.0
        rows.sort(key=lambda r: sign * (r.score_validation or 0.0))
    return rows


# --------------------------------------------------------------------------------------
# Load: a scoring node per process
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Artifact:
    path: Path
    model_id: str
    keys: tuple[str, ...]
    digest: str


class _ScoringNode:
    def __init__(self, num_cpus: int, max_mem: str) -> None:
        self.jvm = Jvm(num_cpus, heap_mb(max_mem, None), None)
        try:
            self.connection = _open(self.jvm.url, global_client=False)
        except BaseException:
            self.jvm.stop()
            raise
        self.held: dict[str, tuple[str, int]] = {}  # model key -> (file digest, users)

    def fits(self, artifacts: Sequence[_Artifact]) -> bool:
        """AutoML names models by algorithm and start second, so two jobs' models can share
        a key: such models must not share a node."""
        return all(
            self.held.get(key, (a.digest, 0))[0] == a.digest for a in artifacts for key in a.keys
        )

    def stop(self) -> None:
        _close(self.connection)
        self.jvm.stop()


class ScoringPool:
    """The process's scoring nodes: one in practice; another only for a model whose keys
    clash with one already loaded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nodes: list[_ScoringNode] = []

    def acquire(self, artifacts: Sequence[_Artifact], num_cpus: int, max_mem: str) -> _ScoringNode:
        with self._lock:
            node = next((n for n in self._nodes if n.fits(artifacts)), None)
            if node is None:
                node = _ScoringNode(num_cpus, max_mem)
                self._nodes.append(node)
            held: list[_Artifact] = []
            try:
                for artifact in artifacts:
                    if artifact.model_id not in node.held:
                        _upload_model(node.connection, artifact)
                    for key in artifact.keys:
                        digest, users = node.held.get(key, (artifact.digest, 0))
                        node.held[key] = (digest, users + 1)
                    held.append(artifact)
            except BaseException:
                self._release(node, held)
                raise
            return node

    def release(self, node: _ScoringNode, artifacts: Sequence[_Artifact]) -> None:
        with self._lock:
            self._release(node, artifacts)

    def _release(self, node: _ScoringNode, artifacts: Sequence[_Artifact]) -> None:
        for artifact in artifacts:
            for key in artifact.keys:
                digest, users = node.held.get(key, (artifact.digest, 1))
                if users > 1:
                    node.held[key] = (digest, users - 1)
                else:
                    node.held.pop(key, None)
                    _delete(node.connection, key, cascade=False)
        if not node.held and node in self._nodes:
            self._nodes.remove(node)
            node.stop()

    def nodes(self) -> int:
        return len(self._nodes)


POOL = ScoringPool()


def _upload_model(connection: Any, artifact: _Artifact) -> None:
    raw = connection.request("POST /3/PostFile.bin", filename=str(artifact.path))
    connection.request("POST /99/Models.upload.bin/", data={"dir": raw["destination_frame"]})


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


class H2OModel:
    """A loaded H2O model: its binary models on this process's scoring node."""

    def __init__(self, model_dir: Path, num_cpus: int, max_mem: str) -> None:
        meta = json.loads((model_dir / META_FILE).read_text())
        if meta.get("format") != META_FORMAT:
            raise ValueError(f"unknown H2O model format {meta.get('format')!r}")
        if meta["h2o_version"] != h2o_version():
            raise RuntimeError(
                f"this model was trained with H2O {meta['h2o_version']} and binary models "
                f"load only into the same version (installed: {h2o_version()})"
            )
        self.meta = meta
        self.task = TaskType(meta["task"])
        self.features = [Feature(name, kind) for name, kind in meta["features"]]
        self._artifacts = [
            _Artifact(
                model_dir / m["file"],
                m["model_id"],
                tuple(m["keys"]),
                _digest(model_dir / m["file"]),
            )
            for m in meta["members"]
        ]
        self._node: _ScoringNode | None = POOL.acquire(self._artifacts, num_cpus, max_mem)
        try:
            self.predict(pd.DataFrame({f.name: [None] for f in self.features}))  # warm-up
        except BaseException:
            self.close()
            raise

    def raw(self, frame: pd.DataFrame) -> list[pd.DataFrame]:
        """H2O's own output, one frame per member model."""
        node = self._node
        if node is None:
            raise RuntimeError("the model is closed")
        encoded = encode_features(frame, self.features)
        key = upload(node.connection, encoded, [f.h2o_type for f in self.features], None)
        try:
            return [predict_frame(node.connection, a.model_id, key) for a in self._artifacts]
        finally:
            _delete(node.connection, key)

    def predict(self, frame: pd.DataFrame) -> Predictions:
        if len(frame) == 0:
            return self._empty()
        outputs = self.raw(frame)
        if self.task == TaskType.ANOMALY_DETECTION:
            scores = np.mean(
                np.vstack(
                    [
                        (_scores(out) - m["mean"]) / m["std"]
                        for out, m in zip(outputs, self.meta["members"], strict=True)
                    ]
                ),
                axis=0,
            )
            return Predictions(labels=scores > self.meta["threshold"], scores=scores)
        out = outputs[0]
        if self.task == TaskType.REGRESSION:
            return Predictions(labels=out["predict"].to_numpy(dtype=np.float64))
        classes: list[Any] = self.meta["classes"]
        proba = out[self.meta["codes"]].to_numpy(dtype=np.float64)
        proba = proba / proba.sum(axis=1, keepdims=True)
        if self.task == TaskType.BINARY:
            index = (proba[:, 1] >= 0.5).astype(int)
        else:
            index = proba.argmax(axis=1)
        labels = _label_array(classes)[index]
        return Predictions(labels=labels, probabilities=proba, classes=list(classes))

    def _empty(self) -> Predictions:
        if self.task == TaskType.ANOMALY_DETECTION:
            return Predictions(labels=np.zeros(0, dtype=bool), scores=np.zeros(0))
        if self.task == TaskType.REGRESSION:
            return Predictions(labels=np.zeros(0))
        classes = list(self.meta["classes"])
        return Predictions(
            labels=_label_array(classes)[:0],
            probabilities=np.zeros((0, len(classes))),
            classes=classes,
        )

    def close(self) -> None:
        node, self._node = self._node, None
        if node is not None:
            POOL.release(node, self._artifacts)


# --------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------


class H2OEngine:
    name = "h2o"
    reserve_seconds = 20.0  # two node start-ups (fit, holdout scoring): 4-8 s each, ~15 on 1 CPU

    def __init__(self, url: str | None = None, max_mem: str | None = None) -> None:
        from phantom.config import settings

        self.url = url if url is not None else settings.H2O_URL
        self.max_mem = max_mem or settings.H2O_MAX_MEM

    def fit(self, train: pd.DataFrame, spec: FitSpec, report: Reporter) -> FitOutcome:
        h2o = _h2o()
        h2o.no_progress()
        spec.model_dir.mkdir(parents=True, exist_ok=True)
        spec.work_dir.mkdir(parents=True, exist_ok=True)
        cluster = FitCluster(self.url, spec, self.max_mem)
        started = time.time()  # the budget is for training: the node's start comes on top
        try:
            if spec.task == TaskType.ANOMALY_DETECTION:
                outcome, meta = _fit_anomaly(cluster, train, spec, report, started)
            elif spec.task in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.REGRESSION):
                outcome, meta = _fit_automl(cluster, train, spec, report, started)
            else:
                raise ValueError(f"the H2O engine does not handle {spec.task}")
        finally:
            cluster.close()
        meta |= {"format": META_FORMAT, "h2o_version": cluster.version, "task": spec.task.value}
        (spec.model_dir / META_FILE).write_text(json.dumps(meta))
        details = {
            **outcome.details,
            "h2o_version": cluster.version,
            "cluster": "remote" if cluster.remote else "local",
        }
        return FitOutcome(outcome.leaderboard, outcome.best_model, details)

    def load(self, model_dir: Path, num_cpus: int) -> H2OModel:
        return H2OModel(model_dir, num_cpus, self.max_mem)
