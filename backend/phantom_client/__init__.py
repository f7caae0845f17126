"""A typed Python client for Phantom ML Studio's public API (docs/client.md). It imports
nothing from the server package and needs only httpx and websockets (the ``client``
extra): ``from phantom_client import Client``."""

from phantom_client.client import Client
from phantom_client.errors import PhantomError
from phantom_client.types import (
    BatchPredictionEvent,
    BatchPredictionJob,
    Dataset,
    LeaderboardEntry,
    Prediction,
    TrainingEvent,
    TrainingJob,
)

__all__ = [
    "BatchPredictionEvent",
    "BatchPredictionJob",
    "Client",
    "Dataset",
    "LeaderboardEntry",
    "PhantomError",
    "Prediction",
    "TrainingEvent",
    "TrainingJob",
]
