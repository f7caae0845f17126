"""Every GraphQL operation the client sends. tests/client/test_operations.py parses and
validates each against the checked-in schema.graphql, so a renamed field fails CI, not an
integrator."""

from __future__ import annotations

DATASET_FIELDS = "id name status rowCount columnCount contentHash error"
JOB_FIELDS = (
    "id status progress message error errorCode taskType metric engine modelName "
    "positiveClass modelVersion { id } metrics { name value }"
)
BATCH_FIELDS = (
    "id status progress rowsScored rowsTotal message error errorCode modelVersionId datasetId"
)

UPLOAD_DATASET = f"""
mutation UploadDataset($name: String!, $file: Upload!, $idempotencyKey: String) {{
  uploadDataset(name: $name, file: $file, idempotencyKey: $idempotencyKey) {{ {DATASET_FIELDS} }}
}}
"""
DATASET = f"""
query Dataset($id: ID!) {{ dataset(id: $id) {{ {DATASET_FIELDS} }} }}
"""
START_TRAINING = f"""
mutation StartTraining($input: StartTrainingInput!, $idempotencyKey: String) {{
  startTraining(input: $input, idempotencyKey: $idempotencyKey) {{ {JOB_FIELDS} }}
}}
"""
TRAINING_JOB = f"""
query TrainingJob($id: ID!) {{ trainingJob(id: $id) {{ {JOB_FIELDS} }} }}
"""
TRAINING_PROGRESS = """
subscription TrainingProgress($jobId: ID!) {
  trainingProgress(jobId: $jobId) {
    jobId sequence status progress message error modelVersionId occurredAt
    leaderboard { rank modelName scoreValidation }
  }
}
"""
START_BATCH_PREDICTION = f"""
mutation StartBatchPrediction($input: StartBatchPredictionInput!, $idempotencyKey: String) {{
  startBatchPrediction(input: $input, idempotencyKey: $idempotencyKey) {{ {BATCH_FIELDS} }}
}}
"""
BATCH_PREDICTION = f"""
query BatchPrediction($id: ID!) {{ batchPrediction(id: $id) {{ {BATCH_FIELDS} }} }}
"""
BATCH_PREDICTION_PROGRESS = """
subscription BatchPredictionProgress($jobId: ID!) {
  batchPredictionProgress(jobId: $jobId) {
    jobId sequence status progress rowsScored rowsTotal message error
  }
}
"""
VIEWER = "query Viewer { viewer { id } }"

# every operation, validated against schema.graphql by tests/client/test_operations.py
CURRENT = {
    "UPLOAD_DATASET": UPLOAD_DATASET,
    "DATASET": DATASET,
    "START_TRAINING": START_TRAINING,
    "TRAINING_JOB": TRAINING_JOB,
    "TRAINING_PROGRESS": TRAINING_PROGRESS,
    "START_BATCH_PREDICTION": START_BATCH_PREDICTION,
    "BATCH_PREDICTION": BATCH_PREDICTION,
    "BATCH_PREDICTION_PROGRESS": BATCH_PREDICTION_PROGRESS,
    "VIEWER": VIEWER,
}
