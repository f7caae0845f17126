"""The H2O engine: ``H2OAutoML`` for classification and regression, H2O's isolation forests
for anomaly detection.

One module per concern: ``encoding`` (columns and classes the same way at fit and at
predict time, the model's metadata), ``node`` (the JVM this process starts, the fit's
cluster), ``connection`` (REST calls to a node), ``automl_fit`` and ``anomaly_fit`` (the two
fits), ``scoring`` (loaded models on a scoring node per process) and ``engine``.

The timings in their notes were measured on the 2-core dev machine, h2o 3.46.0.12,
OpenJDK 17; "loaded" means other sessions kept the load average at 4-5.
"""

from phantom.automl.engines.h2o.engine import H2OEngine

__all__ = ["H2OEngine"]
