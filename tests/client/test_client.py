"""The client against the real stack (``phantom api`` and ``phantom worker`` processes on
the test database and Redis): upload, train with live progress, predict, batch score and
download; then how every refusal reaches the caller as one ``PhantomError``."""

from __future__ import annotations

import io
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pyarrow.parquet as pq
import pytest

from phantom_client import Client, PhantomError, TrainingEvent
from tests.automl.support import breast_cancer, to_csv
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.servers import api_server, free_port, running, wait_ready

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("client-logs")


@pytest.fixture(scope="module")
def api_url(log_dir: Path) -> Iterator[str]:
    with api_server(log_dir) as url:
        yield url


@pytest.fixture(scope="module")
def worker(log_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    with running(["worker", "--threads", "2"], log=log_dir / "worker.log") as process:
        yield process


def rows_of(frame: pd.DataFrame, n: int) -> list[dict[str, Any]]:
    features = frame.drop(columns=["patient_id", "diagnosis"]).head(n)
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in features.to_dict("records")
    ]


@pytest.fixture(scope="module")
async def trained(
    api_url: str, worker: subprocess.Popen[bytes], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One tenant's flow through the client (blocking calls: the servers are other
    processes), shared by the tests below."""
    tenant = await create_tenant("Client Bank")
    data = breast_cancer()
    path = tmp_path_factory.mktemp("client") / "biopsies.csv"
    path.write_bytes(to_csv(data))
    events: list[TrainingEvent] = []
    with Client(api_url, tenant.token) as client:
        dataset = client.upload_dataset(path, "Biopsies", idempotency_key="upload-1")
        job = client.start_training(
            dataset.id,
            "diagnosis",
            "BINARY",
            30,
            engine="SKLEARN",
            positive_class="malignant",
            model_name="Biopsy classifier",
        )
        ended = client.wait_for_training(job.id, on_progress=events.append)
    return {
        "tenant": tenant,
        "data": data,
        "dataset": dataset,
        "job": job,
        "ended": ended,
        "events": events,
    }


def test_upload_train_with_live_progress(trained: dict[str, Any]) -> None:
    dataset, job, ended = trained["dataset"], trained["job"], trained["ended"]
    assert (dataset.status, dataset.row_count, dataset.name) == ("READY", 569, "Biopsies")
    assert dataset.content_hash.startswith("sha256:")
    assert (job.status, job.task_type, job.engine, job.positive_class) == (
        "QUEUED",
        "BINARY",
        "SKLEARN",
        "malignant",
    )
    assert ended.status == "SUCCEEDED", ended.error
    assert ended.model_version_id is not None
    assert ended.metrics["roc_auc"] > 0.9
    events: list[TrainingEvent] = trained["events"]
    assert len(events) >= 2
    sequences = [e.sequence for e in events]
    assert sequences == sorted(set(sequences)), "each event once, in order"
    assert events[-1].status == "SUCCEEDED"
    assert events[-1].model_version_id == ended.model_version_id
    assert any(e.status == "RUNNING" for e in events)
    assert all(e.job_id == job.id for e in events)


def test_predict_batch_score_and_download(api_url: str, trained: dict[str, Any]) -> None:
    tenant: TenantFixture = trained["tenant"]
    data: pd.DataFrame = trained["data"]
    version = trained["ended"].model_version_id
    with Client(api_url, tenant.token) as client:
        answer = client.predict(version, rows_of(data, 5))
        assert answer.model_version_id == version
        assert answer.positive_class == "malignant"
        assert answer.target == "diagnosis"
        assert len(answer.prediction_ids) == 5
        assert answer.probabilities is not None
        for label, p in zip(answer.predictions, answer.probabilities, strict=True):
            assert abs(sum(p.values()) - 1) < 1e-6
            assert label == ("malignant" if p["malignant"] > 0.5 else "benign")
        truth = data["diagnosis"].head(5).tolist()
        assert sum(p == t for p, t in zip(answer.predictions, truth, strict=True)) >= 4
        # batch: follow it live, then download both formats
        batch = client.start_batch_prediction(version, trained["dataset"].id)
        seen = list(client.batch_prediction_progress(batch.id))
        assert seen[-1].status == "SUCCEEDED", seen[-1].error
        assert [e.sequence for e in seen] == sorted({e.sequence for e in seen})
        done = client.batch_prediction(batch.id)
        assert (done.status, done.rows_scored) == ("SUCCEEDED", len(data))
        csv = client.download_batch_prediction(batch.id, "csv")
        assert csv is not None
        table = pd.read_csv(io.BytesIO(csv))
        assert len(table) == len(data)
        assert "patient_id" in table.columns
        buffer = io.BytesIO()
        assert client.download_batch_prediction(batch.id, "parquet", buffer) is None
        assert pq.read_table(io.BytesIO(buffer.getvalue())).num_rows == len(data)


def test_a_retried_upload_with_its_key_answers_the_first_dataset(
    api_url: str, trained: dict[str, Any]
) -> None:
    """The key is the server's idempotency key: the same upload sent again answers the
    first dataset; the same key with another file is CONFLICT; no key, two datasets."""
    tenant: TenantFixture = trained["tenant"]
    with Client(api_url, tenant.token) as client:
        key = f"upload-{uuid.uuid4()}"
        first = client.upload_dataset(b"a,b\n1,2\n3,4\n", "Tiny", idempotency_key=key)
        again = client.upload_dataset(b"a,b\n1,2\n3,4\n", "Tiny", idempotency_key=key)
        assert again.id == first.id
        error = raised(client.upload_dataset, b"a,b\n5,6\n", "Tiny", idempotency_key=key)
        assert error.code == "CONFLICT"
        plain = [client.upload_dataset(b"a,b\n1,2\n", "Tiny").id for _ in range(2)]
        assert plain[0] != plain[1]


# --- errors ---------------------------------------------------------------------------------


def raised(call: Any, *args: Any, **kwargs: Any) -> PhantomError:
    """The error a call raises (a progress stream's: when iterated)."""

    def run() -> None:
        result = call(*args, **kwargs)
        if hasattr(result, "__next__"):
            list(result)

    with pytest.raises(PhantomError) as caught:
        run()
    return caught.value


def test_a_bad_token_is_unauthenticated_on_every_channel(
    api_url: str, trained: dict[str, Any]
) -> None:
    job_id, version = trained["job"].id, trained["ended"].model_version_id
    with Client(api_url, "phm_not-a-real-token") as client:
        for error in (
            raised(client.training_job, job_id),
            raised(client.predict, version, [{"mean_radius": 1}]),
            raised(client.download_batch_prediction, str(uuid.uuid4()), "csv"),
            raised(client.training_progress, job_id),  # 4403 on the socket, probed over HTTP
        ):
            assert error.code == "UNAUTHENTICATED", error
            assert error.message
            assert "4403" not in error.message
    with Client(api_url, "phm_not-a-real-token") as client:
        error = raised(client.predict, version, [{"mean_radius": 1}])
        assert error.status == 401
        assert error.request_id


def test_not_found_and_another_tenants_objects_look_alike(
    api_url: str, trained: dict[str, Any], other_tenant: TenantFixture
) -> None:
    job_id, version = trained["job"].id, trained["ended"].model_version_id
    unknown = str(uuid.uuid4())
    with Client(api_url, other_tenant.token) as client:
        for target in (job_id, unknown):
            assert raised(client.training_job, target).code == "NOT_FOUND"
            error = raised(client.training_progress, target)
            assert error.code == "NOT_FOUND", error
        for target in (version, unknown):
            error = raised(client.predict, target, rows_of(trained["data"], 1))
            assert (error.code, error.status) == ("NOT_FOUND", 404)
            assert error.request_id
        assert raised(client.predict, "Biopsy classifier", [{}]).code == "NOT_FOUND"
        assert raised(client.dataset, trained["dataset"].id).code == "NOT_FOUND"
        assert raised(client.batch_prediction, unknown).code == "NOT_FOUND"
        error = raised(client.start_batch_prediction, version, trained["dataset"].id)
        assert error.code == "NOT_FOUND"


def test_bad_and_hostile_input_is_bad_user_input(api_url: str, trained: dict[str, Any]) -> None:
    tenant: TenantFixture = trained["tenant"]
    dataset_id, version = trained["dataset"].id, trained["ended"].model_version_id
    with Client(api_url, tenant.token) as client:
        error = raised(
            client.start_training, dataset_id, "diagnosis", "BINARY", 30, positive_class="healthy"
        )
        assert error.code == "BAD_USER_INPUT"
        assert "its classes are 'benign', 'malignant'" in error.message
        error = raised(client.start_training, dataset_id, "nope", "AUTO", 30)
        assert (error.code, error.status) == ("BAD_USER_INPUT", None)
        error = raised(client.predict, version, [{"mean_radius": "not a number"}] * 2)
        assert (error.code, error.status) == ("BAD_USER_INPUT", 400)
        error = raised(client.predict, version, [{"ghost_column": 1}])
        assert error.code == "BAD_USER_INPUT"
        # a path-like model name stays one segment: no other route is reached
        error = raised(client.predict, "../../graphql", [{}])
        assert (error.code, error.status) == ("NOT_FOUND", 404)
        # a body over the route's limit
        big = [{"mean_radius": 1.0, "padding": "x" * 1000}] * 6000
        error = raised(client.predict, version, big)
        assert (error.code, error.status) == ("BAD_USER_INPUT", 413)
        error = raised(client.download_batch_prediction, str(uuid.uuid4()), "xml")  # type: ignore[arg-type]
        assert error.code == "BAD_USER_INPUT"
        error = raised(client.upload_dataset, b"\x00\x01 not a table", "Garbage")
        assert error.code == "BAD_USER_INPUT"
        with Client("ftp://example.com", tenant.token) as odd:
            error = raised(odd.training_progress, str(uuid.uuid4()))
            assert error.code == "BAD_USER_INPUT"
            assert "must start with http" in error.message


def test_rate_limits_raise_with_retry_after_or_are_waited_out(
    log_dir: Path, tenant: TenantFixture
) -> None:
    """A server allowing 60 requests a minute per credential: the 61st is RATE_LIMITED
    with retryAfter; a client asked to honour it waits and succeeds."""
    with api_server(log_dir, {"PHANTOM_RATE_LIMIT_PER_CREDENTIAL": "60"}) as url:
        with Client(url, tenant.token) as client:
            error = None
            for _ in range(80):
                try:
                    client.graphql("query { viewer { id } }")
                except PhantomError as refused:
                    error = refused
                    break
            assert error is not None, "never rate limited"
            assert (error.code, error.status) == ("RATE_LIMITED", 429)
            assert error.retry_after is not None
            assert error.retry_after >= 1
            rest = raised(client.predict, str(uuid.uuid4()), [{}])
            assert rest.code == "RATE_LIMITED"
            assert rest.retry_after is not None
            # a progress stream: the socket is refused (4403), the probe says why
            stream = raised(client.training_progress, str(uuid.uuid4()))
            assert stream.code == "RATE_LIMITED"
            assert stream.retry_after is not None
        with Client(url, tenant.token, retry_rate_limited=True, max_retries=5) as patient:
            assert patient.graphql("query { viewer { id } }")["viewer"]["id"]
            # and a stream gets through once the limit is waited out, to the real answer,
            # within its budget of waits: max_retries waits of retryAfter (1 s here) per
            # refusal streak and max_reconnects backoffs (0.5 + 1 + ... + 8 s), plus slack.
            # (It used to reconnect after each refused subscription: connection_init spent
            # the request the wait had bought, the subscription was refused again, and the
            # reconnect reset the count of retries, for minutes.)
            outcome: list[PhantomError] = []
            stream = threading.Thread(
                target=lambda: outcome.append(raised(patient.training_progress, str(uuid.uuid4())))
            )
            stream.start()
            stream.join(timeout=patient.max_retries * 2 * 1.0 + 15.5 + 20)
            assert not stream.is_alive(), "the stream kept retrying past its budget"
            assert [error.code for error in outcome] == ["NOT_FOUND"]


def test_a_dropped_stream_reconnects_and_repeats_no_event(
    log_dir: Path, worker: subprocess.Popen[bytes], tenant: TenantFixture
) -> None:
    """The API process is killed mid-stream and started again on the same port: the
    client backs off, reconnects, and carries on from the job's current state."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = breast_cancer()
    with ExitStack() as stack:
        first = stack.enter_context(
            running(
                ["api", "--port", str(port)],
                {"PHANTOM_BASE_URL": url},
                log=log_dir / "api-restarted-1.log",
            )
        )
        wait_ready(url, first)
        client = stack.enter_context(Client(url, tenant.token, max_reconnects=10))
        dataset = client.upload_dataset(to_csv(data), "Biopsies again", filename="b.csv")
        job = client.start_training(dataset.id, "diagnosis", "BINARY", 30, engine="SKLEARN")
        events: list[TrainingEvent] = []
        restarted = threading.Event()
        for event in client.training_progress(job.id):
            events.append(event)
            if not restarted.is_set():
                restarted.set()
                first.terminate()
                first.wait(15)
                stack.enter_context(
                    running(
                        ["api", "--port", str(port)],
                        {"PHANTOM_BASE_URL": url},
                        log=log_dir / "api-restarted-2.log",
                    )
                )
    assert restarted.is_set()
    assert client.reconnects >= 1
    assert events[-1].status == "SUCCEEDED"
    sequences = [e.sequence for e in events]
    assert sequences == sorted(set(sequences))
    with httpx.Client() as plain:  # the restarted server is gone with the stack
        with pytest.raises(httpx.HTTPError):
            plain.get(f"{url}/readyz", timeout=1)
