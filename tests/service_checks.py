"""Whether a real service the tests need is there: shared by tests/conftest.py and
tests/integration/conftest.py (a conftest file is not imported by another).

Where the service is missing, a test skips with the reason; with REQUIRE_SERVICES=1 (as CI
sets) the skip becomes a failure, so a missing service cannot pass silently.
"""

import os

import pytest
import redis

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def require_service(available: bool, reason: str):
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_is_up(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False
