"""One change, one refresh: work that saves ask for, gathered while a change runs and done
once at its end, still inside its transaction.

A save of a pledge, of each of its commitments, of a report and of its version each asks
the read model to recompute that pledge (campaign/public/projection.py). Outside a batch
that happens at once, for every save. Inside ``write_batch()`` (the services and the demo
loader open one) the keys are gathered and each ``flush`` runs once with all of them, just
before the batch's transaction ends, so the read model still moves in the same commit.

Flushes must be idempotent and compute from the database's truth: a key gathered in a
savepoint that was rolled back is flushed anyway, which changes nothing.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

Flush = Callable[[set], None]

_pending: ContextVar[dict[Flush, set] | None] = ContextVar("write_batch_pending", default=None)


@contextmanager
def write_batch() -> Iterator[None]:
    """A transaction whose asked-for work runs once, at its end. Nested batches join the
    outermost one. Usable as a decorator."""
    if _pending.get() is not None:
        with transaction.atomic():
            yield
        return
    pending: dict[Flush, set] = {}
    token = _pending.set(pending)
    try:
        with transaction.atomic():
            yield
            while pending:  # a flush may ask for more work
                flush, keys = pending.popitem()
                flush(keys)
    finally:
        _pending.reset(token)


def after_writes(flush: Flush, keys: Iterable[Hashable]) -> None:
    """Ask for ``flush(keys)``: at the end of the current batch, or now when there is none."""
    pending = _pending.get()
    if pending is None:
        flush(set(keys))
    else:
        pending.setdefault(flush, set()).update(keys)
