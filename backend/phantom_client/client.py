"""A thin, typed wrapper over Phantom's public API: GraphQL over HTTP for uploads, jobs and
models, ``graphql-transport-ws`` for live progress, and the REST routes for predict and
batch downloads. Synchronous (one ``httpx.Client``); safe to share across threads as
httpx's client is. Every refusal raises ``PhantomError``."""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal
from urllib.parse import quote

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from phantom_client import operations as ops
from phantom_client.errors import PhantomError, from_graphql, from_rest
from phantom_client.types import (
    BatchPredictionEvent,
    BatchPredictionJob,
    Dataset,
    Prediction,
    TrainingEvent,
    TrainingJob,
)

TaskType = Literal["AUTO", "BINARY", "MULTICLASS", "REGRESSION", "ANOMALY_DETECTION"]
EngineName = Literal["AUTOGLUON", "H2O", "SKLEARN"]
DownloadFormat = Literal["csv", "parquet"]
# close codes after which reconnecting cannot help (graphql-transport-ws and ours)
FINAL_CLOSES = {
    4400: "BAD_USER_INPUT",  # a message the server could not read
    4401: "UNAUTHENTICATED",  # subscribed before the connection was acknowledged
    4403: "UNAUTHENTICATED",  # credential refused or ended (the reason is probed over HTTP)
    4409: "CONFLICT",  # an operation id reused on the socket
    4429: "RATE_LIMITED",  # connection_init sent twice
}


class Client:
    """``Client("https://phantom.example.com", "phm_...")``.

    ``retry_rate_limited``: on ``RATE_LIMITED`` wait the server's ``retryAfter`` (at most
    ``max_retry_wait`` seconds) and try again, up to ``max_retries`` times; a rate-limited
    request never ran, so this is safe for mutations too. Off by default: the error is
    raised with ``retry_after`` set. ``max_reconnects``: how often a progress stream
    reconnects (exponential backoff with jitter, from ``backoff_seconds`` up to 30 s)
    after the socket dropped, before raising ``UNAVAILABLE``."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 60.0,
        retry_rate_limited: bool = False,
        max_retries: int = 3,
        max_retry_wait: float = 60.0,
        max_reconnects: int = 5,
        backoff_seconds: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self.retry_rate_limited = retry_rate_limited
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.max_reconnects = max_reconnects
        self.backoff_seconds = backoff_seconds
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "phantom-client/0.1"},
            timeout=timeout,
            transport=transport,
        )
        self.reconnects = 0  # progress streams reconnected after a drop (for logs, tests)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- datasets ---------------------------------------------------------------------

    def upload_dataset(
        self,
        source: str | Path | bytes,
        name: str,
        *,
        filename: str | None = None,
        idempotency_key: str | None = None,
    ) -> Dataset:
        """Upload a CSV or Parquet file (a path, or its bytes). Small files come back
        READY with their profile; large ones PROFILING (poll ``dataset``)."""
        if isinstance(source, bytes):
            content, filename = source, filename or "upload.csv"
        else:
            path = Path(source)
            content, filename = path.read_bytes(), filename or path.name

        def send(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            files = {"0": (filename, content, "application/octet-stream")}
            form = {
                "operations": json.dumps({"query": query, "variables": variables}),
                "map": json.dumps({"0": ["variables.file"]}),
            }
            return self._graphql_request(
                lambda: self._http.post("/graphql", data=form, files=files)
            )

        data = send(
            ops.UPLOAD_DATASET, {"name": name, "file": None, "idempotencyKey": idempotency_key}
        )
        return Dataset.from_json(_field(data, "uploadDataset"))

    def dataset(self, dataset_id: str) -> Dataset:
        data = self.graphql(ops.DATASET, {"id": dataset_id})
        return Dataset.from_json(_field(data, "dataset", dataset_id))

    # --- training ---------------------------------------------------------------------

    def start_training(
        self,
        dataset_id: str,
        target: str | None,
        task_type: TaskType = "AUTO",
        budget_seconds: int = 60,
        *,
        metric: str | None = None,
        engine: EngineName = "AUTOGLUON",
        model_name: str | None = None,
        excluded_columns: Sequence[str] = (),
        protected_attributes: Sequence[str] | None = None,
        positive_class: str | None = None,
        serving_choice: Literal["FIT_TO_SERVE", "BEST_SCORE"] = "FIT_TO_SERVE",
        idempotency_key: str | None = None,
    ) -> TrainingJob:
        """Validated before a job exists: BAD_USER_INPUT says what to change.
        ``positive_class``: binary only, one of the target's two values (default: the
        second of the sorted values)."""
        fields: dict[str, Any] = {
            "datasetId": dataset_id,
            "target": target,
            "taskType": task_type,
            "timeBudgetSeconds": budget_seconds,
            "metric": metric,
            "engine": engine,
            "modelName": model_name,
            "excludedColumns": list(excluded_columns),
            "servingChoice": serving_choice,
        }
        if protected_attributes is not None:
            fields["protectedAttributes"] = list(protected_attributes)
        if positive_class is not None:
            fields["positiveClass"] = positive_class
        data = self._post(ops.START_TRAINING, {"input": fields, "idempotencyKey": idempotency_key})
        return TrainingJob.from_json(_field(data, "startTraining"))

    def training_job(self, job_id: str) -> TrainingJob:
        data = self.graphql(ops.TRAINING_JOB, {"id": job_id})
        return TrainingJob.from_json(_field(data, "trainingJob", job_id))

    def training_progress(self, job_id: str) -> Iterator[TrainingEvent]:
        """The job's current state, then each change, until it ends (SUCCEEDED, FAILED or
        CANCELLED). Reconnects after a dropped socket and skips events already seen (by
        ``sequence``); NOT_FOUND and a refused token raise at once."""
        for payload in self._subscribe(
            ops.TRAINING_PROGRESS, {"jobId": job_id}, "trainingProgress"
        ):
            event = TrainingEvent.from_json(payload)
            yield event
            if event.done:
                return

    def wait_for_training(
        self,
        job_id: str,
        on_progress: Callable[[TrainingEvent], None] | None = None,
    ) -> TrainingJob:
        """Follow the job live until it ends, then return it (check ``status``: a FAILED
        job is returned, with ``error``, not raised)."""
        for event in self.training_progress(job_id):
            if on_progress is not None:
                on_progress(event)
        return self.training_job(job_id)

    # --- predictions ------------------------------------------------------------------

    def predict(
        self, model: str, rows: Sequence[Mapping[str, Any]], *, explain: bool = False
    ) -> Prediction:
        """REST predict: ``model`` is a model version's id, or a registered model's name
        (its PRODUCTION version; CONFLICT when it has none)."""
        path = f"/api/v1/models/{quote(model, safe='')}/predict"
        params = {"explain": "true"} if explain else None
        response = self._send(
            lambda: self._http.post(path, json={"rows": list(rows)}, params=params)
        )
        return Prediction.from_json(_json(response))

    def start_batch_prediction(
        self, model_version_id: str, dataset_id: str, *, idempotency_key: str | None = None
    ) -> BatchPredictionJob:
        variables = {"input": {"modelVersionId": model_version_id, "datasetId": dataset_id}}
        data = self._post(
            ops.START_BATCH_PREDICTION, {**variables, "idempotencyKey": idempotency_key}
        )
        return BatchPredictionJob.from_json(_field(data, "startBatchPrediction"))

    def batch_prediction(self, job_id: str) -> BatchPredictionJob:
        data = self.graphql(ops.BATCH_PREDICTION, {"id": job_id})
        return BatchPredictionJob.from_json(_field(data, "batchPrediction", job_id))

    def batch_prediction_progress(self, job_id: str) -> Iterator[BatchPredictionEvent]:
        """As ``training_progress``, for a batch prediction job."""
        for payload in self._subscribe(
            ops.BATCH_PREDICTION_PROGRESS, {"jobId": job_id}, "batchPredictionProgress"
        ):
            event = BatchPredictionEvent.from_json(payload)
            yield event
            if event.done:
                return

    def download_batch_prediction(
        self,
        job_id: str,
        format: DownloadFormat = "parquet",
        destination: str | Path | BinaryIO | None = None,
    ) -> bytes | None:
        """A SUCCEEDED job's output, streamed: into ``destination`` (a path or a binary
        file; returns None), else returned as bytes. CONFLICT while it has not
        succeeded."""
        path = f"/api/v1/batch-predictions/{quote(job_id, safe='')}/download"
        for attempt in range(self.max_retries + 1):
            with self._http.stream("GET", path, params={"format": format}) as response:
                if response.status_code != 200:
                    response.read()
                    error = _rest_error(response)
                    if self._wait_before_retry(error, attempt):
                        continue
                    raise error
                if destination is None:
                    return response.read()
                if isinstance(destination, str | Path):
                    with Path(destination).open("wb") as sink:
                        for chunk in response.iter_bytes():
                            sink.write(chunk)
                else:
                    for chunk in response.iter_bytes():
                        destination.write(chunk)
                return None
        raise AssertionError("unreachable")  # pragma: no cover

    # --- GraphQL ----------------------------------------------------------------------

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Any operation: its ``data``, or ``PhantomError`` for the first error."""
        return self._post(query, dict(variables or {}))

    def _post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        body = {"query": query, "variables": variables}
        return self._graphql_request(lambda: self._http.post("/graphql", json=body))

    def _graphql_request(self, send: Callable[[], httpx.Response]) -> dict[str, Any]:
        for attempt in range(self.max_retries + 1):
            response = send()
            try:
                body = response.json()
            except ValueError:
                body = response.text
            request_id = response.headers.get("x-request-id")
            retry_header = response.headers.get("retry-after")
            errors = body.get("errors") if isinstance(body, dict) else None
            if isinstance(errors, list) and errors:
                error = from_graphql(
                    errors[0],
                    request_id,
                    retry_header,
                    response.status_code if response.status_code != 200 else None,
                )
            elif response.status_code != 200 or not isinstance(body, dict):
                error = from_rest(body, response.status_code, request_id, retry_header)
            else:
                data = body.get("data")
                if not isinstance(data, dict):
                    raise PhantomError("INTERNAL", "The answer had no data.", request_id)
                return data
            if self._wait_before_retry(error, attempt):
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, send: Callable[[], httpx.Response]) -> httpx.Response:
        """A REST call: the response on 2xx, else its error (rate limits retried if
        asked)."""
        for attempt in range(self.max_retries + 1):
            response = send()
            if response.is_success:
                return response
            error = _rest_error(response)
            if self._wait_before_retry(error, attempt):
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_before_retry(self, error: PhantomError, attempt: int) -> bool:
        if not (self.retry_rate_limited and error.code == "RATE_LIMITED"):
            return False
        if attempt >= self.max_retries:
            return False
        wait = error.retry_after if error.retry_after is not None else 1.0
        if wait > self.max_retry_wait:
            return False
        time.sleep(max(wait, 0.0))
        return True

    # --- subscriptions ----------------------------------------------------------------

    def _ws_url(self) -> str:
        if self.url.startswith("https://"):
            return "wss://" + self.url[len("https://") :] + "/graphql"
        if self.url.startswith("http://"):
            return "ws://" + self.url[len("http://") :] + "/graphql"
        raise PhantomError(
            "BAD_USER_INPUT", f"The URL must start with http:// or https://: {self.url}"
        )

    def _subscribe(
        self, query: str, variables: dict[str, Any], field: str
    ) -> Iterator[dict[str, Any]]:
        """One operation's results over graphql-transport-ws, reconnecting on drops.
        Each (re)subscription starts with the current state, so events at or below the
        last sequence seen are skipped. A subscription refused for the rate limit is sent
        again on the same socket after ``retryAfter`` (a new connection would spend the
        request the wait bought on ``connection_init``), at most ``max_retries`` times in a
        row: only a result resets that count, not a connection."""
        seen = -1
        failures = 0  # lost connections in a row: reset once a socket is acknowledged
        refusals = 0  # rate-limited subscriptions in a row: reset by a result
        while True:
            try:
                with connect(
                    self._ws_url(),
                    subprotocols=[Subprotocol("graphql-transport-ws")],
                    open_timeout=self.timeout,
                    user_agent_header="phantom-client/0.1",
                ) as ws:
                    self._init(ws)
                    failures = 0  # a working connection resets the backoff
                    for operation_id in itertools.count(1):
                        ws.send(
                            json.dumps(
                                {
                                    "id": str(operation_id),
                                    "type": "subscribe",
                                    "payload": {"query": query, "variables": variables},
                                }
                            )
                        )
                        try:
                            for payload in _results(ws, field, str(operation_id)):
                                refusals = 0
                                sequence = int(payload.get("sequence", seen + 1))
                                if sequence <= seen:
                                    continue
                                seen = sequence
                                yield payload
                            return
                        except _Resubscribe as rate_limited:
                            refusals += 1
                            if not self._wait_before_retry(rate_limited.error, refusals - 1):
                                raise rate_limited.error from None
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd is not None else None
                if code is not None and code in FINAL_CLOSES:
                    refusal = self._refused(code, closed.rcvd.reason if closed.rcvd else "")
                    if refusal is not None:
                        raise refusal from None
                cause: Exception = closed
            except InvalidStatus as refused:  # the HTTP handshake answered 4xx/5xx
                status = refused.response.status_code
                if status < 500:
                    body = refused.response.body or b""
                    raise from_rest(
                        _decoded(body), status, refused.response.headers.get("x-request-id")
                    ) from None
                cause = refused
            except (OSError, TimeoutError, InvalidHandshake) as dropped:
                cause = dropped
            failures += 1
            if failures > self.max_reconnects:
                raise PhantomError(
                    "UNAVAILABLE",
                    f"Lost the progress stream {failures} times in a row ({cause}); "
                    "the job keeps running: follow it again or poll it.",
                ) from cause
            delay = min(self.backoff_seconds * 2 ** (failures - 1), 30.0)
            time.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not security
            self.reconnects += 1

    def _init(self, ws: ClientConnection) -> None:
        ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {self._token}"}}
            )
        )
        while True:
            message = _message(ws.recv(timeout=self.timeout))
            if message.get("type") == "connection_ack":
                return
            if message.get("type") == "ping":
                ws.send(json.dumps({"type": "pong"}))
                continue
            raise PhantomError("INTERNAL", f"Unexpected message before connection_ack: {message}")

    def _refused(self, code: int, reason: str) -> PhantomError | None:
        """Why a socket was closed for good. graphql-transport-ws gives a refused
        connection only "Forbidden": the same token over HTTP says why (unknown, expired,
        revoked, rate limited). None: the token works now (a rate limit waited out by
        ``retry_rate_limited``), so connecting again may."""
        if code == 4403:
            try:
                self.graphql(ops.VIEWER)
            except PhantomError as error:
                return error
            return None
        return PhantomError(
            FINAL_CLOSES[code],
            f"The server closed the progress stream ({code}{': ' + reason if reason else ''}).",
        )


class _Resubscribe(Exception):
    """The subscription was rate limited: subscribe again after ``retry_after``."""

    def __init__(self, error: PhantomError) -> None:
        super().__init__(error.message)
        self.error = error


def _results(ws: ClientConnection, field: str, operation_id: str) -> Iterator[dict[str, Any]]:
    while True:
        message = _message(ws.recv())
        kind = message.get("type")
        if kind == "ping":
            ws.send(json.dumps({"type": "pong"}))
        elif message.get("id") != operation_id:  # an earlier subscription's last word
            continue
        elif kind == "next":
            payload = message.get("payload") or {}
            errors = payload.get("errors")
            if errors:
                raise _subscription_error(errors)
            data = payload.get("data") or {}
            value = data.get(field)
            if not isinstance(value, dict):
                raise PhantomError("INTERNAL", f"The stream sent no {field}.")
            yield value
        elif kind == "error":
            raise _subscription_error(message.get("payload"))
        elif kind == "complete":
            return


def _subscription_error(errors: Any) -> Exception:
    first = errors[0] if isinstance(errors, list) and errors else errors
    error = from_graphql(first)
    if error.code == "RATE_LIMITED":
        return _Resubscribe(error)
    return error


def _message(raw: str | bytes) -> dict[str, Any]:
    try:
        message = json.loads(raw)
    except ValueError:
        raise PhantomError("INTERNAL", "The server sent a message that is not JSON.") from None
    if not isinstance(message, dict):
        raise PhantomError("INTERNAL", "The server sent a message that is not an object.")
    return message


def _decoded(body: bytes | bytearray) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise PhantomError(
            "INTERNAL", "The answer was not JSON.", response.headers.get("x-request-id")
        ) from None
    if not isinstance(body, dict):
        raise PhantomError("INTERNAL", "The answer was not a JSON object.")
    return body


def _rest_error(response: httpx.Response) -> PhantomError:
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return from_rest(
        body,
        response.status_code,
        response.headers.get("x-request-id"),
        response.headers.get("retry-after"),
    )


def _field(data: dict[str, Any], name: str, object_id: str | None = None) -> dict[str, Any]:
    """A root field's object; null (another organization's id, or none) is NOT_FOUND."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise PhantomError(
            "NOT_FOUND", f"No {name} with id {object_id}." if object_id else f"No {name}."
        )
    return value
