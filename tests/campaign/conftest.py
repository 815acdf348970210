"""The private storage's two backends, for tests that must hold on both.

``private_backend`` is parametrized: "filesystem" (PRIVATE_MEDIA_ROOT, a temporary folder)
and "s3" (django-storages against a moto S3 server started once per session on a free
port, with its bucket; each test writes under its own prefix). It switches the "private"
storage of STORAGES, so ask for it before any fixture that uploads a file. Without moto the
S3 half skips with the reason; with REQUIRE_SERVICES=1 it fails.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from tests.service_checks import require_service

try:
    from moto.server import ThreadedMotoServer
except ImportError:  # moto is a test requirement; the S3 tests say so when it is missing
    ThreadedMotoServer = None

S3_BUCKET = "pledges-private-test"
S3_REGION = "us-east-1"
# moto accepts any credentials; these must never be real ones.
S3_KEYS = {"access_key": "testing", "secret_key": "testing"}


@dataclass
class S3Server:
    endpoint_url: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=S3_REGION,
            aws_access_key_id=S3_KEYS["access_key"],
            aws_secret_access_key=S3_KEYS["secret_key"],
        )


@dataclass
class PrivateBackend:
    kind: str
    # Names of the files the private storage holds, wherever it keeps them.
    stored_names: Callable[[], list[str]]
    s3: S3Server | None = None
    bucket: str = ""
    prefix: str = ""


@pytest.fixture(scope="session")
def s3_server():
    require_service(
        ThreadedMotoServer is not None,
        "moto is not installed (requirements.txt, Tests): the S3 private storage is not tested",
    )
    # Each request of the server would be logged at INFO.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    s3 = S3Server(endpoint_url=f"http://{host}:{port}")
    s3.client().create_bucket(Bucket=S3_BUCKET)
    yield s3
    server.stop()


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(params=["filesystem", "s3"])
def private_backend(request, settings, private_media):
    if request.param == "filesystem":
        return PrivateBackend("filesystem", lambda: _files_under(private_media))
    s3 = request.getfixturevalue("s3_server")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "campaign.storage_s3.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": s3.endpoint_url,
                "region_name": S3_REGION,
                "location": prefix,
                **S3_KEYS,
            },
        },
    }

    def names():
        listed = s3.client().list_objects_v2(Bucket=S3_BUCKET, Prefix=f"{prefix}/")
        return sorted(item["Key"].removeprefix(f"{prefix}/") for item in listed.get("Contents", []))

    return PrivateBackend("s3", names, s3=s3, bucket=S3_BUCKET, prefix=prefix)
