"""Outages as the site sees them, for the tests of this folder: a database that refuses
every statement, a Redis that is stopped (nothing listens) or frozen (it accepts and never
answers)."""

import contextlib
import socket
from unittest import mock

from django.core.cache import caches
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from campaign.settings import redis_cache_settings


@contextlib.contextmanager
def database_down():
    """Every statement of every thread fails as it does when PostgreSQL is stopped."""

    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(CursorWrapper, "execute", refuse), mock.patch.object(CursorWrapper, "executemany", refuse):
        yield


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def frozen_server():
    """A port that accepts connections (the kernel does) and never answers: a SIGSTOPped server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def use_redis_cache(settings, location: str) -> None:
    """Point Django's cache at ``location`` with production's options."""
    settings.CACHES = {"default": redis_cache_settings(location)}
    caches._settings = None
    for alias in list(caches):
        caches[alias].close()
