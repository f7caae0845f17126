"""What ``monitoring.windows.observe`` costs per flushed batch, without the database: a
5,000-row batch of a binary classifier with 8 numeric and 2 categorical features, in 50
calls (50 distinct times), counted into one hour's bins. Run:
``.venv/bin/python bench/monitoring_observe.py`` (docs/monitoring.md has the figure)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from phantom.monitoring import reference as ref
from phantom.monitoring.types import LoggedBatch, ServedRequest
from phantom.monitoring.windows import aggregate_rows, hours_of_rows, latency_counts

ROWS, REPEATS = 5_000, 50


def main() -> None:
    rng = np.random.default_rng(0)
    train = pd.DataFrame({f"x{i}": rng.normal(size=20_000) for i in range(8)})
    train["c1"] = rng.choice(list("abcdefghij"), 20_000)
    train["c2"] = rng.choice(["u", "v", "w"], 20_000)
    p = rng.random(4_000)
    reference = ref.build_reference(
        train,
        list(train.columns),
        [],
        "BINARY",
        ["no", "yes"],
        np.where(p > 0.5, "yes", "no"),
        np.column_stack([1 - p, p]),
        None,
        np.where(rng.random(4_000) < p, "yes", "no"),
    )
    frame = pd.DataFrame({f"x{i}": rng.normal(size=ROWS) for i in range(8)})
    frame["c1"] = rng.choice(list("abcdefghijk"), ROWS)
    frame["c2"] = rng.choice(["u", "v", "w"], ROWS)
    q = rng.random(ROWS)
    now = datetime.now(UTC).replace(minute=0, microsecond=0)
    batch = LoggedBatch(
        tenant_id=uuid.uuid4(),
        model_version_id=uuid.uuid4(),
        batch_id=uuid.uuid4(),
        prediction_ids=[uuid.uuid4() for _ in range(ROWS)],
        times=[now.replace(microsecond=i // 100) for i in range(ROWS)],
        features=frame,
        labels=list(np.where(q > 0.5, "yes", "no")),
        probabilities=np.column_stack([1 - q, q]),
        classes=["no", "yes"],
        scores=None,
        requests=[ServedRequest(now, 3.0, 100, False)] * (ROWS // 100),
    )
    started = time.perf_counter()
    for _ in range(REPEATS):
        starts, _ = hours_of_rows(batch.times)
        aggregate_rows(reference, batch, np.ones(ROWS, dtype=bool))
        latency_counts([r.latency_ms for r in batch.requests])
    elapsed = (time.perf_counter() - started) / REPEATS
    print(f"{ROWS:,} rows x 10 features: {elapsed * 1000:.1f} ms per batch ({len(starts)} hour)")


if __name__ == "__main__":
    main()
