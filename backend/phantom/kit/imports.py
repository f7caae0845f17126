"""One lock for imports that worker threads may start at the same time.

Two threads importing overlapping package trees (a model's unpickling imports
scikit-learn modules; ``import shap`` does too) can fail with ``KeyError`` on a module
half-imported by the other thread: a training job failed with
``KeyError: 'sklearn.neighbors._quad_tree'`` while shap was imported beside its fit.
Loading a model and importing shap hold this lock."""

from __future__ import annotations

import threading

IMPORTS = threading.Lock()
