"""The engine: a fit on its cluster, the model directory's metadata, and loading."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from phantom.automl.engines.base import FitOutcome, FitSpec, Reporter
from phantom.automl.engines.h2o.anomaly_fit import fit_anomaly
from phantom.automl.engines.h2o.automl_fit import fit_automl
from phantom.automl.engines.h2o.connection import h2o_module
from phantom.automl.engines.h2o.encoding import META_FILE, META_FORMAT
from phantom.automl.engines.h2o.node import FitCluster
from phantom.automl.engines.h2o.scoring import H2OModel
from phantom.automl.tasks import TaskType


class H2OEngine:
    name = "h2o"
    reserve_seconds = 20.0  # two node start-ups (fit, holdout scoring): 4-8 s each, ~15 on 1 CPU

    def __init__(self, url: str | None = None, max_mem: str | None = None) -> None:
        from phantom.config import settings

        self.url = url if url is not None else settings.H2O_URL
        self.max_mem = max_mem or settings.H2O_MAX_MEM

    def fit(self, train: pd.DataFrame, spec: FitSpec, report: Reporter) -> FitOutcome:
        h2o = h2o_module()
        h2o.no_progress()
        spec.model_dir.mkdir(parents=True, exist_ok=True)
        spec.work_dir.mkdir(parents=True, exist_ok=True)
        cluster = FitCluster(self.url, spec, self.max_mem)
        started = time.time()  # the budget is for training: the node's start comes on top
        try:
            if spec.task == TaskType.ANOMALY_DETECTION:
                outcome, meta = fit_anomaly(cluster, train, spec, report, started)
            elif spec.task in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.REGRESSION):
                outcome, meta = fit_automl(cluster, train, spec, report, started)
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
            "cluster_nodes": cluster.nodes,
        }
        return FitOutcome(outcome.leaderboard, outcome.best_model, details)

    def load(self, model_dir: Path, num_cpus: int) -> H2OModel:
        return H2OModel(model_dir, num_cpus, self.max_mem)
