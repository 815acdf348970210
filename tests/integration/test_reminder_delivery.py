"""Reminders end to end with real processes: beat's scan fans out to a real worker, which
sends through a real SMTP server (conftest.py says how the pieces meet).

1. A batch of a few hundred pledges across twelve time zones: each due reminder arrives once,
   in its recipient's language, with List-Unsubscribe; nothing for the others; beat scanning
   again sends nothing new.
2. Faults in the middle of the batch: the worker SIGKILLed (its unacknowledged tasks come back
   after the broker's visibility timeout), then the broker's database flushed (the queued
   tasks vanish; the scan's stale-claim recovery and the stale-delivery sweep bring them back).
   Nothing is lost and no reminder becomes two deliveries. The one window the design accepts
   (a kill after the SMTP server accepted a message and before its row was marked sent) can
   deliver the same delivery id twice: the test counts it and prints the figures.
3. SMTP replies: 451 at RCPT or DATA is retried with backoff and delivered; 550 fails at once,
   after one attempt, with the reply recorded, and staff see it on the deliveries page.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from campaign.outbox.models import EmailDelivery
from pledges.models import ReminderLog
from tests.factories import StaffFactory
from tests.integration.helpers import SCAN_TASK, schedule, wait_until

from .batch import Batch, build_batch

pytestmark = [pytest.mark.redis, pytest.mark.slow]

SCAN_DONE = f"Task {SCAN_TASK}["


def received_by_rcpt(sink) -> dict[str, list]:
    by_rcpt: dict[str, list] = {}
    for item in sink.messages():
        by_rcpt.setdefault(item.rcpt, []).append(item)
    return by_rcpt


def check_batch(batch: Batch, sink, *, moments: list[datetime], allow_same_id_repeats: int = 0) -> dict:
    """Everything the batch expects arrived, once per reminder, right; nothing else. Returns figures."""
    by_rcpt = received_by_rcpt(sink)
    unexpected = sorted(set(by_rcpt) - set(batch.expected))
    assert not unexpected, [(a, batch.silent.get(a, "not in the batch")) for a in unexpected[:10]]
    missing = sorted(set(batch.expected) - set(by_rcpt))
    assert not missing, f"{len(missing)} expected reminders never arrived, e.g. {missing[:5]}"

    deliveries = {d.pk: d for d in EmailDelivery.objects.filter(template="reminder")}
    logs = {r.recipient_id: r for r in ReminderLog.objects.filter(pledge__campaign=batch.campaign)}
    same_id_repeats = 0
    for address, items in by_rcpt.items():
        expected = batch.expected[address]
        ids = {item.delivery_id for item in items}
        # The reminder layer is exactly once: never two deliveries for one reminder.
        assert len(ids) == 1, f"{address} got {len(ids)} different deliveries: {sorted(ids)}"
        same_id_repeats += len(items) - 1
        message = items[0]
        delivery = deliveries[int(message.delivery_id)]
        assert delivery.recipient_id == expected.user_id
        assert delivery.status == EmailDelivery.Status.SENT
        assert delivery.language == expected.language
        log = logs[expected.user_id]
        assert log.kind == "before_7" and log.status == ReminderLog.Status.SENT
        assert delivery.idempotency_key == log.idempotency_key
        # The recipient's language: subject as rendered in it, the date and the link in it.
        assert message.subject in batch.expected_subjects(expected, moments), (address, message.subject)
        if expected.language != "en":
            assert message.subject not in batch.expected_subjects(expected, moments, language="en"), "not translated"
        text = message.text
        assert batch.due_date_display(expected.language) in text, (expected.language, text[:400])
        assert f"/{expected.language}/reports/{expected.pledge_id}/{batch.period.pk}/" in text
        # Non-essential mail: one-click unsubscribe (RFC 8058).
        unsubscribe = str(message.message["List-Unsubscribe"]).strip()  # a long header comes folded
        assert unsubscribe and unsubscribe.startswith(f"<{settings.SITE_URL}/"), unsubscribe
        assert str(message.message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    assert same_id_repeats <= allow_same_id_repeats, f"{same_id_repeats} messages sent twice under one delivery id"

    # The log: one "sent" row per expected reminder and none for anyone else.
    assert set(logs) == {e.user_id for e in batch.expected.values()}
    assert Counter(r.status for r in logs.values()) == {ReminderLog.Status.SENT: len(batch.expected)}
    assert len(deliveries) == len(batch.expected)
    return {
        "expected": len(batch.expected),
        "received": sum(len(items) for items in by_rcpt.values()),
        "same_id_repeats": same_id_repeats,
        "languages": dict(Counter(e.language for e in batch.expected.values())),
        "due_zones": batch.due_zones,
        "later_zones": batch.later_zones,
    }


def all_done(sink, total: int) -> bool:
    """Every delivery of the batch reached the sink and its row says so; no claim left."""
    return (
        sink.distinct_deliveries() >= total
        and not EmailDelivery.objects.exclude(status=EmailDelivery.Status.SENT).exists()
        and not ReminderLog.objects.filter(status=ReminderLog.Status.CLAIMED).exists()
    )


def unfinished_tasks(log: str) -> set[str]:
    """Ids of the tasks a worker's log shows received and never finished."""
    received = set(re.findall(r"Task \S+\[([0-9a-f-]+)\] received", log))
    finished = set(re.findall(r"Task \S+\[([0-9a-f-]+)\] (?:succeeded|retry|raised)", log))
    return received - finished


def swept(stack) -> int:
    """How many deliveries the stale-delivery sweep handed out again (some may have been waiting, not lost)."""
    return sum(int(n) for n in re.findall(r"handed (\d+) stale email deliveries", stack.logs()))


def settle(stack, sink, *, scans: int = 2, timeout: float = 20):
    """Let beat scan `scans` more times; return the number of messages then."""
    done = stack.count_in_logs(SCAN_DONE)
    wait_until(lambda: stack.count_in_logs(SCAN_DONE) >= done + scans, timeout=timeout, what=f"{scans} more scans")
    time.sleep(1)
    return sink.count()


def test_beat_and_worker_send_each_due_reminder_once(stack, smtp_sink):
    batch = build_batch(verified=300)
    schedule(scan_every=2)
    started = time.monotonic()
    moments = [timezone.now()]
    stack.start_worker()
    stack.start_beat()
    total = len(batch.expected)
    wait_until(lambda: all_done(smtp_sink, total), timeout=90, what=f"{total} deliveries sent")
    all_in = time.monotonic() - started
    # Beat keeps scanning: everything is claimed already, nothing more goes out.
    assert settle(stack, smtp_sink, scans=2) == total
    moments.append(timezone.now())
    figures = check_batch(batch, smtp_sink, moments=moments)
    assert set(EmailDelivery.objects.values_list("attempts", flat=True)) == {1}
    print(f"batch: {figures}; all mail in {all_in:.1f} s after starting worker and beat")


def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(stack, smtp_sink):
    batch = build_batch(verified=300)
    schedule(scan_every=2, sweep_every=2)
    moments = [timezone.now()]
    stack.env.update(
        # Redis hands a dead worker's unacknowledged tasks to another after 8 s, and a worker
        # looks for such tasks every second (kombu: every 10 x 10 s)...
        CELERY_VISIBILITY_TIMEOUT=8,
        CELERY_UNACKED_RESTORE_INTERVAL=1,
        CELERY_UNACKED_RESTORE_THROTTLE=1,
        # ... but a task Redis handed out (BRPOP) that the worker had not yet recorded as
        # unacknowledged dies with it: the sweeps, as in production, find those rows.
        REMINDER_STALE_CLAIM_MINUTES=0.25,
        EMAIL_STALE_QUEUED_MINUTES=0.25,
    )
    first = stack.start_worker("worker-a")
    stack.start_beat()
    total = len(batch.expected)
    wait_until(lambda: smtp_sink.count() >= total // 5, timeout=60, interval=0.02, what="the first fifth of the mail")
    stack.kill(first)  # SIGKILL to the whole process group: the parent and its pool children
    at_kill = smtp_sink.count()
    claimed = ReminderLog.objects.filter(status=ReminderLog.Status.CLAIMED).count()
    queued = set(EmailDelivery.objects.filter(status=EmailDelivery.Status.QUEUED).values_list("pk", flat=True))
    # The window: the SMTP server has the message, the row still says "queued".
    in_window = {int(m.delivery_id) for m in smtp_sink.messages()} & queued
    assert at_kill < total, "the batch finished before the kill: nothing was tested"
    killed_at = time.monotonic()
    second = stack.start_worker("worker-b")
    wait_until(lambda: all_done(smtp_sink, total), timeout=90, what=f"{total} deliveries sent")
    recovered_in = time.monotonic() - killed_at
    settle(stack, smtp_sink, scans=2)
    moments.append(timezone.now())
    # The accepted window (delivery.py): a kill between SMTP acceptance and the commit can
    # send one delivery twice; at most as many as the worker had tasks in hand (2 processes).
    figures = check_batch(batch, smtp_sink, moments=moments, allow_same_id_repeats=2)
    # Every repeat comes from that window, and every message caught in it was sent again.
    assert figures["same_id_repeats"] == len(in_window), (figures["same_id_repeats"], sorted(in_window))
    held = unfinished_tasks(first.log())
    # Usually Redis hands them to the new worker (acks_late); when the dead worker held kombu's
    # restore lock (unacked_mutex, 300 s) or died between BRPOP and recording the task as
    # unacknowledged, the sweep is what finds the rows: counted, not asserted.
    restored = {task for task in held if f"[{task}] received" in second.log()}
    print(
        f"kill: {at_kill}/{total} messages in when killed, {claimed} reminders claimed and {len(queued)} deliveries "
        f"queued at that moment, {len(in_window)} of them already accepted by the SMTP server "
        f"(the duplicate window); {len(held)} tasks in the dead worker's hands, {len(restored)} handed over again; "
        f"{swept(stack)} deliveries handed out by the sweep; all sent {recovered_in:.1f} s after the kill; {figures}"
    )


def test_broker_flushed_mid_batch_everything_recovered_once(stack, smtp_sink, broker):
    batch = build_batch(verified=300)
    schedule(scan_every=2, sweep_every=2)
    moments = [timezone.now()]
    # Claims and queued deliveries older than 6 s count as lost (defaults: 15 and 10 minutes).
    stack.env.update(REMINDER_STALE_CLAIM_MINUTES=0.1, EMAIL_STALE_QUEUED_MINUTES=0.1)
    stack.start_worker()
    stack.start_beat()
    total = len(batch.expected)
    # Flush while the worker is still turning claims into deliveries: both kinds of task are lost.
    sent_logs = ReminderLog.objects.filter(status=ReminderLog.Status.SENT)
    wait_until(lambda: sent_logs.count() >= total // 8, timeout=60, interval=0.02, what="an eighth of the reminders")
    queued_tasks = broker.llen("celery")
    broker.flushdb()
    flushed_at = time.monotonic()
    at_flush = smtp_sink.count()
    claimed = ReminderLog.objects.filter(status=ReminderLog.Status.CLAIMED).count()
    queued = EmailDelivery.objects.filter(status=EmailDelivery.Status.QUEUED).count()
    assert claimed and queued, f"nothing to lose at the flush ({claimed} claimed, {queued} queued)"
    wait_until(lambda: all_done(smtp_sink, total), timeout=90, what=f"{total} deliveries sent")
    recovered_in = time.monotonic() - flushed_at
    settle(stack, smtp_sink, scans=2)
    moments.append(timezone.now())
    figures = check_batch(batch, smtp_sink, moments=moments)
    requeued = ReminderLog.objects.filter(attempts__gt=1).count()
    assert requeued >= claimed - 2, "the scan did not recover the lost claims"  # 2: in the worker's hands
    assert swept(stack) >= 1, "the stale-delivery sweep did not recover the lost deliveries"
    print(
        f"flush: {at_flush}/{total} messages in, {claimed} reminders claimed, {queued} deliveries queued and "
        f"{queued_tasks} tasks waiting in Redis when flushed; {requeued} reminders recovered by the scan, "
        f"{swept(stack)} deliveries handed out by the sweep; all sent {recovered_in:.1f} s later; {figures}"
    )


def test_smtp_451_is_retried_and_550_fails_once_and_shows_to_staff(stack, smtp_sink, client):
    batch = build_batch(verified=24, submitted_every=0, later=2, extras=0)
    addresses = sorted(batch.expected)
    temporary_rcpt = set(addresses[0:12:3])  # 451 to the first RCPT
    temporary_data = set(addresses[1:12:3])  # 451 to the first DATA
    permanent = set(addresses[2:12:3])  # 550, always

    def policy(rcpt, stage, attempt):
        if rcpt in permanent and stage == "RCPT":
            return "550 5.1.1 Mailbox unavailable"
        if rcpt in temporary_rcpt and stage == "RCPT" and attempt == 1:
            return "451 4.3.0 Try again later"
        if rcpt in temporary_data and stage == "DATA" and attempt == 1:
            return "451 4.3.2 Not now"
        return None

    smtp_sink.set_policy(policy)
    schedule(scan_every=2)
    stack.env.update(EMAIL_RETRY_BASE_SECONDS=0.5)
    stack.start_worker()
    stack.start_beat()
    delivered = set(addresses) - permanent

    def settled():
        received = {m.rcpt for m in smtp_sink.messages()}
        failed = EmailDelivery.objects.filter(status=EmailDelivery.Status.FAILED).count()
        return received >= delivered and failed >= len(permanent)

    started = time.monotonic()
    wait_until(settled, timeout=60, what="the retried mail and the failures")
    took = time.monotonic() - started
    settle(stack, smtp_sink, scans=2)  # a few seconds more: a 550 must not be tried again

    by_rcpt = received_by_rcpt(smtp_sink)
    assert set(by_rcpt) == delivered
    assert all(len(items) == 1 for items in by_rcpt.values())
    refusals = Counter((r.rcpt, r.reply[:3]) for r in smtp_sink.refusals())
    deliveries = {d.recipient.email: d for d in EmailDelivery.objects.select_related("recipient")}
    for address in temporary_rcpt | temporary_data:
        assert refusals[(address, "451")] == 1
        row = deliveries[address]
        assert (row.status, row.attempts) == (EmailDelivery.Status.SENT, 2), (address, row.status, row.attempts)
        assert "451" in row.last_error  # the temporary failure stays on record
    for address in permanent:
        assert refusals[(address, "550")] == 1, "a permanent failure was tried again"
        row = deliveries[address]
        assert (row.status, row.attempts) == (EmailDelivery.Status.FAILED, 1), (address, row.status, row.attempts)
        assert "550" in row.last_error and "Mailbox unavailable" in row.last_error
    for address in delivered - temporary_rcpt - temporary_data:
        assert (deliveries[address].status, deliveries[address].attempts) == (EmailDelivery.Status.SENT, 1)
    # The reminder itself was handed over: its log says sent, the delivery says failed.
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {ReminderLog.Status.SENT}

    client.force_login(StaffFactory())
    page = client.get("/en/staff/announcements/deliveries/")
    assert page.status_code == 200
    html = page.content.decode()
    for address in permanent:
        assert address in html
    for address in delivered:
        assert address not in html  # retried and sent: no longer a problem
    failed_only = client.get("/en/staff/announcements/deliveries/?status=failed").content.decode()
    assert all(address in failed_only for address in permanent)
    print(
        f"smtp: {len(delivered)} delivered ({len(temporary_rcpt)} after a 451 to RCPT, {len(temporary_data)} after "
        f"a 451 to DATA), {len(permanent)} failed on 550 after one attempt; settled {took:.1f} s after start"
    )
