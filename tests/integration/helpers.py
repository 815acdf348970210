"""Helpers of the integration tests, for their conftest.py and the tests alike: wait for a
condition, and write beat's schedule."""

import time

import pytest

SCAN_TASK = "pledges.tasks.scan_due_reminders"
SWEEP_TASK = "campaign.outbox.tasks.requeue_stale_deliveries"


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(interval)


def schedule(*, scan_every: float = 2, sweep_every: float | None = None):
    """Write beat's schedule: the reminder scan (and the stale-delivery sweep) every few seconds."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

    def every(seconds):
        interval, _created = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
        return interval

    PeriodicTask.objects.update_or_create(
        name="integration: reminder scan",
        defaults={"task": SCAN_TASK, "interval": every(scan_every), "enabled": True, "expire_seconds": None},
    )
    if sweep_every:
        PeriodicTask.objects.update_or_create(
            name="integration: stale-delivery sweep",
            defaults={"task": SWEEP_TASK, "interval": every(sweep_every), "enabled": True},
        )
    PeriodicTasks.update_changed()
