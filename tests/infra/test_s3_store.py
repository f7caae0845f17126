"""The object store on S3 as the Terraform configures it (PHANTOM_STORAGE_URL =
s3://<bucket>/phantom, SSE-KMS by bucket default, versioning), against a real local S3:
moto in server mode on 127.0.0.1. Objects land under the prefix the lifecycle rule
names, encrypted without the product asking, and a delete leaves an old version (the
reason noncurrent versions must expire: docs/deploy.md)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from phantom.kit.storage import ObjectStore, tenant_key
from tests.infra.terraform import module
from tests.support.servers import free_port

BUCKET = "phantom-test-store"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_ENDPOINT_URL": endpoint,  # botocore (and so s3fs) send everything here
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-central-1")
    kms = boto3.client("kms", endpoint_url=endpoint, region_name="eu-central-1")
    key = kms.create_key(Description="data key")["KeyMetadata"]["Arn"]
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    try:
        yield client
    finally:
        server.stop()


def test_store_writes_encrypted_objects_under_the_lifecycle_prefix(s3: Any) -> None:
    url = module("modules/storage").outputs["storage_url"]["value"]
    assert url == "s3://${aws_s3_bucket.store.id}/phantom"
    store = ObjectStore(url.replace("${aws_s3_bucket.store.id}", BUCKET))
    key = tenant_key(uuid.uuid4(), "datasets", uuid.uuid4(), ".parquet")
    payload = b"PAR1" + bytes(range(256)) * 4096 + b"PAR1"  # 1 MiB
    store.write(key, io.BytesIO(payload))
    assert store.exists(key)
    with store.open(key) as stream:
        assert stream.read() == payload

    (stored,) = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    rules = module("modules/storage").resource("aws_s3_bucket_lifecycle_configuration", "store")
    tiering = next(r for r in rules["rule"] if "transition" in r)
    assert stored["Key"].startswith(tiering["filter"][0]["prefix"])
    head = s3.head_object(Bucket=BUCKET, Key=stored["Key"])
    assert head["ServerSideEncryption"] == "aws:kms", "encrypted by the bucket's default"

    store.delete(key)
    assert not store.exists(key)
    versions = s3.list_object_versions(Bucket=BUCKET)
    assert len(versions["Versions"]) == 1, "the deleted object's data stays as an old version"
    assert len(versions["DeleteMarkers"]) == 1
