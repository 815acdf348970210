"""Peer-review reminders with real processes (tests/integration/conftest.py says how the
pieces meet: PostgreSQL shared with a Celery worker and beat, Redis as the broker, an SMTP
sink): beat runs the daily task every two seconds here, and each official of the reviewer
receives exactly one reminder, in their language, however many times it runs."""

from datetime import date, timedelta

import pytest
from django.utils import formats, translation

from tests.integration.conftest import broker, shared_db, smtp_sink, stack  # noqa: F401 - fixtures used by name
from tests.integration.helpers import wait_until

from .review_world import rw  # noqa: F401 - fixture

pytestmark = [pytest.mark.redis, pytest.mark.slow]

TASK = "pledges.learning.tasks.remind_peer_reviewers"


def _schedule_every_two_seconds():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks  # noqa: PLC0415

    interval, _created = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="integration: peer review reminders", defaults={"task": TASK, "interval": interval, "enabled": True}
    )
    PeriodicTasks.update_changed()


def test_beat_and_a_worker_remind_each_reviewer_official_once(stack, smtp_sink, rw):  # noqa: F811
    rw.official_b.preferred_language = "fr"
    rw.official_b.save()
    due = date.today() + timedelta(days=3)
    rw.pair(due_on=due)
    _schedule_every_two_seconds()
    stack.start_worker()
    stack.start_beat()
    wait_until(lambda: smtp_sink.count() >= 1, timeout=60, what="the reminder")
    done = f"Task {TASK}["
    runs = stack.count_in_logs(done)
    wait_until(lambda: stack.count_in_logs(done) >= runs + 3, timeout=60, what="three more runs of the task")
    messages = [m for m in smtp_sink.messages() if m.rcpt == rw.official_b.email]
    assert len(messages) == 1, [m.subject for m in messages]
    with translation.override("fr"):
        assert formats.date_format(due, "DATE_FORMAT") in messages[0].subject
    assert "/fr/learning/reviews/" in messages[0].text
    assert smtp_sink.count() == 1  # nobody else: the reviewed city gets no reminder
