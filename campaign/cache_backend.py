"""The Redis cache client, for when Redis is stopped or frozen.

settings.py sets django-redis's IGNORE_EXCEPTIONS: a command that fails is a miss (a read
returns nothing, a write is dropped), so no page answers 500 because of the cache; what
each user of the cache then does is written where it reads (public pages: computed from
the database; allauth's rate limits: refuse, see campaign/errors.py; health: reports the
cache down).

Alone, that would still cost every cache command its socket time-out while Redis is frozen
(a page makes several). So after a failure this process leaves Redis alone for
``SKIP_SECONDS``: commands fail at once, as misses, and the first one after that tries
Redis again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

SKIP_SECONDS = 5.0

# The commands of django-redis's client that talk to Redis and that Django's cache API uses.
GUARDED_COMMANDS = (
    "get",
    "set",
    "add",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "delete_pattern",
    "incr",
    "decr",
    "incr_version",
    "has_key",
    "touch",
    "ttl",
    "expire",
    "persist",
    "keys",
    "clear",
)


class SkippingClient(DefaultClient):
    """One per cache object: Django keeps one per thread, so each thread of a worker finds
    out once per ``SKIP_SECONDS`` that Redis is gone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._skip_until = 0.0

    def _skipping(self) -> bool:
        return time.monotonic() < self._skip_until

    def _failed(self, exc: ConnectionInterrupted) -> None:
        first = not self._skipping()
        self._skip_until = time.monotonic() + SKIP_SECONDS
        if first:
            logger.warning("Redis cache unreachable (%s): treated as empty for %.0f s", exc, SKIP_SECONDS)


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(command)
    def guarded(self: SkippingClient, *args: Any, **kwargs: Any) -> Any:
        if self._skipping():
            raise ConnectionInterrupted(connection=None)
        try:
            return command(self, *args, **kwargs)
        except ConnectionInterrupted as exc:
            self._failed(exc)
            raise

    return guarded


for _name in GUARDED_COMMANDS:
    setattr(SkippingClient, _name, _guarded(getattr(DefaultClient, _name)))
