"""How every email is delivered: after commit only, once, not to those who opted out,
with List-Unsubscribe on non-essential mail, retried on 4xx and failed on 5xx."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.test import TestCase

import campaign.outbox.rendering
from campaign.outbox import delivery, tasks
from campaign.outbox.emails import queue_email
from campaign.outbox.models import EmailDelivery, EmailOptOut
from campaign.outbox.tasks import send_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANNOUNCEMENT_CONTEXT = {
    "subject": "Peer exchange in Mechelen",
    "body": "Dear colleagues,\n\nJoin us on 3 June. Details: https://example.org/exchange",
    "announcement_language": "en",
    "campaign_title": "Cities for the rights of migrants",
}


# --- fake SMTP backends: each raises what a real server would answer --------------------


class FailingBackend(LocmemBackend):
    """Raises `error` (a class attribute set by the fixture) instead of sending."""

    error: BaseException | None = None

    def send_messages(self, messages):
        if FailingBackend.error is not None:
            raise FailingBackend.error
        return super().send_messages(messages)


@pytest.fixture
def smtp_fails(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_email_delivery.FailingBackend"

    def fail_with(error):
        FailingBackend.error = error

    yield fail_with
    FailingBackend.error = None


@pytest.fixture
def official(db):
    return UserFactory(email="focal@mechelen.be", full_name="Anna Official", preferred_language="en")


def queue(user, *, category="announcement", template="announcement", key="", send=False, **context):
    """queue_email as a service calls it; with send=True, as if its transaction committed."""
    with TestCase.captureOnCommitCallbacks(execute=send):
        return queue_email(
            template=template,
            to_user_id=user.pk,
            context={**ANNOUNCEMENT_CONTEXT, **context},
            category=category,
            idempotency_key=key,
        )


# --- after commit, never on rollback ---------------------------------------------------


def test_queued_row_is_sent_only_after_commit(official, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            row = queue(official, category="transactional")
        assert EmailDelivery.objects.get(pk=row.pk).status == EmailDelivery.Status.QUEUED
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    row.refresh_from_db()
    assert row.status == EmailDelivery.Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.language == "en"
    assert [m.to for m in mailoutbox] == [["focal@mechelen.be"]]
    assert mailoutbox[0].subject == "Peer exchange in Mechelen"


def test_rollback_leaves_no_row_and_sends_nothing(official, mailoutbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue(official, category="transactional")
        raise RuntimeError("the service failed after queueing")
    assert callbacks == []
    assert not EmailDelivery.objects.exists()
    assert mailoutbox == []


def test_existing_services_still_mail_through_queue_email(official, mailoutbox, django_capture_on_commit_callbacks):
    """Old call style (template, to_email, context) keeps working: a bare address, transactional."""
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(template="announcement", to_email="someone@example.org", context=ANNOUNCEMENT_CONTEXT)
    row = EmailDelivery.objects.get()
    assert (row.category, row.status, row.to_email, row.recipient_id) == (
        "transactional",
        "sent",
        "someone@example.org",
        None,
    )
    assert mailoutbox[0].to == ["someone@example.org"]


def test_non_essential_mail_needs_a_user_and_a_known_category(official):
    with pytest.raises(ValueError, match="bare address"):
        queue_email(template="announcement", to_email="x@example.org", category="reminder")
    with pytest.raises(ValueError, match="category"):
        queue_email(template="announcement", to_user_id=official.pk, category="newsletter")
    with pytest.raises(ValueError, match="needs"):
        queue_email(template="announcement")


# --- idempotency ------------------------------------------------------------------------


def test_running_the_task_twice_sends_once(official, mailoutbox):
    row = queue(official, category="transactional", send=True)
    assert len(mailoutbox) == 1
    assert send_email.apply(args=[row.pk]).get() == "sent"
    assert send_email.apply(args=[row.pk]).get() == "sent"
    row.refresh_from_db()
    assert row.attempts == 1
    assert len(mailoutbox) == 1


def test_same_idempotency_key_queues_one_row(official, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(official, category="reminder", key="reminder:17")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = queue(official, category="reminder", key="reminder:17")
    assert first.pk == second.pk
    assert callbacks == []  # already sent: not handed to Celery again
    assert EmailDelivery.objects.count() == 1
    assert len(mailoutbox) == 1


def test_missing_row_is_ignored():
    assert send_email.apply(args=[987654]).get() == "missing"


# --- opt-outs ---------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["reminder", "announcement", "digest"])
def test_opted_out_user_gets_no_non_essential_mail_but_still_transactional(
    official, mailoutbox, category, django_capture_on_commit_callbacks
):
    EmailOptOut.objects.create(user=official, category=category)
    with django_capture_on_commit_callbacks(execute=True):
        stopped = queue(official, category=category)
        kept = queue(official, category="transactional", subject="Your pledge is verified")
    stopped.refresh_from_db()
    kept.refresh_from_db()
    assert stopped.status == EmailDelivery.Status.SUPPRESSED
    assert stopped.attempts == 0
    assert kept.status == EmailDelivery.Status.SENT
    assert [m.subject for m in mailoutbox] == ["Your pledge is verified"]


def test_opting_out_of_one_category_keeps_the_others(official, mailoutbox, django_capture_on_commit_callbacks):
    EmailOptOut.objects.create(user=official, category="reminder")
    with django_capture_on_commit_callbacks(execute=True):
        queue(official, category="announcement", subject="An announcement")
        queue(official, category="reminder", subject="A reminder")
    assert [m.subject for m in mailoutbox] == ["An announcement"]


def test_inactive_user_gets_no_non_essential_mail(official, mailoutbox):
    official.is_active = False
    official.save()
    row = queue(official, category="announcement", send=True)
    row.refresh_from_db()
    assert row.status == EmailDelivery.Status.SUPPRESSED
    assert mailoutbox == []


# --- headers and footer -----------------------------------------------------------------


def test_list_unsubscribe_headers_only_on_non_essential_mail(official, mailoutbox, settings):
    settings.SITE_URL = "https://pledge.example.org"
    queue(official, category="announcement", subject="Non-essential", send=True)
    queue(official, category="transactional", subject="Essential", send=True)
    by_subject = {m.subject: m.message() for m in mailoutbox}
    optional, essential = by_subject["Non-essential"], by_subject["Essential"]

    header = optional["List-Unsubscribe"]
    assert header.startswith("<https://pledge.example.org/unsubscribe/") and header.endswith("/>")
    assert optional["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = header.removeprefix("<https://pledge.example.org/unsubscribe/").removesuffix("/>")
    assert delivery.read_unsubscribe_token(token) == (official.pk, "announcement")

    assert essential["List-Unsubscribe"] is None
    assert essential["List-Unsubscribe-Post"] is None

    # A visible link in both parts of the non-essential message, none in the essential one.
    link = header[1:-1]
    optional_message = next(m for m in mailoutbox if m.subject == "Non-essential")
    essential_message = next(m for m in mailoutbox if m.subject == "Essential")
    assert link in optional_message.body
    html = optional_message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert "/unsubscribe/" not in essential_message.body
    assert "/unsubscribe/" not in essential_message.alternatives[0][0]


def test_footer_is_added_to_templates_without_the_shared_layout(official, mailoutbox, settings, tmp_path):
    """A template written as a whole document (not extending emails/base_message.html) still
    gets the visible unsubscribe link, once, before </body>."""
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "plain_subject.txt").write_text("Plain reminder")
    (folder / "plain_message.txt").write_text("Your report is due.")
    (folder / "plain_message.html").write_text("<!DOCTYPE html><html><body><p>Your report is due.</p></body></html>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with TestCase.captureOnCommitCallbacks(execute=True):
        queue_email(template="plain", to_user_id=official.pk, category="reminder")
    message = mailoutbox[0]
    link = message.message()["List-Unsubscribe"][1:-1]
    assert message.body.startswith("Your report is due.")
    assert message.body.count(link) == 1
    html = message.alternatives[0][0]
    assert html.count(link) == 1
    assert html.index(link) < html.index("</body>")


def test_shared_layout_shows_the_link_once(official, mailoutbox):
    queue(official, category="announcement", send=True)
    html = mailoutbox[0].alternatives[0][0]
    link = mailoutbox[0].message()["List-Unsubscribe"][1:-1]
    assert html.count(f'href="{link}"') == 1
    assert '<html lang="en"' in html
    assert "<main>" in html
    assert '<a href="https://example.org/exchange"' in html  # the body's address became a link


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_rendered_in_the_recipients_language(official, mailoutbox, monkeypatch, language):
    official.preferred_language = language
    official.save()
    seen = []
    real_render = campaign.outbox.rendering.render_email

    def spy(*, template, language, context):
        seen.append(language)
        return real_render(template=template, language=language, context=context)

    monkeypatch.setattr(campaign.outbox.rendering, "render_email", spy)
    row = queue(official, category="announcement", send=True)
    row.refresh_from_db()
    assert seen == [language]
    assert row.language == language
    html = mailoutbox[0].alternatives[0][0]
    assert f'<html lang="{language}"' in html
    # The preferences page is linked in the recipient's language.
    assert f"/{language}/email-preferences/" in mailoutbox[0].body
    # The announcement keeps its own language, marked for screen readers.
    assert '<div lang="en" dir="auto">' in html


def test_address_is_read_when_sending(official, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        queue(official, category="transactional")
    official.email = "new-address@mechelen.be"
    official.save()
    callbacks[0]()
    assert mailoutbox[0].to == ["new-address@mechelen.be"]
    assert EmailDelivery.objects.get().to_email == "new-address@mechelen.be"


# --- temporary and permanent failures ---------------------------------------------------


@pytest.fixture
def worker_request(monkeypatch):
    """Run the task's body as a worker would (not eagerly), recording what retry schedules."""
    scheduled = []

    def fake_apply_async(*args, **kwargs):
        scheduled.append(kwargs)

    monkeypatch.setattr(send_email, "apply_async", fake_apply_async)

    def run(delivery_id, retries=0):
        send_email.push_request(id=f"task-{retries}", retries=retries, is_eager=False, called_directly=False)
        try:
            return send_email.run(delivery_id)
        finally:
            send_email.pop_request()

    run.scheduled = scheduled
    return run


def queued_row(user, category="transactional"):
    return EmailDelivery.objects.create(
        idempotency_key=f"test:{category}:{user.pk}",
        recipient=user,
        template="announcement",
        category=category,
        context=ANNOUNCEMENT_CONTEXT,
    )


def test_smtp_4xx_is_retried_with_backoff(official, smtp_fails, worker_request, settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 10
    smtp_fails(smtplib.SMTPResponseException(451, b"4.3.0 Try again later"))
    row = queued_row(official)

    with pytest.raises(Retry) as first:
        worker_request(row.pk, retries=0)
    row.refresh_from_db()
    assert row.status == EmailDelivery.Status.RETRYING
    assert row.attempts == 1
    assert "451" in row.last_error
    assert 10 <= first.value.when <= 20

    with pytest.raises(Retry) as third:
        worker_request(row.pk, retries=2)
    row.refresh_from_db()
    assert row.attempts == 2
    assert 40 <= third.value.when <= 50
    assert [call["countdown"] for call in worker_request.scheduled] == [first.value.when, third.value.when]
    assert mail.outbox == []

    # The server recovers: the next retry sends it.
    smtp_fails(None)
    assert worker_request(row.pk, retries=3) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailDelivery.Status.SENT, 3)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),  # what socket.timeout is
        smtplib.SMTPRecipientsRefused({"focal@mechelen.be": (450, b"4.2.1 Mailbox busy")}),
    ],
)
def test_network_trouble_is_temporary(official, smtp_fails, worker_request, error):
    smtp_fails(error)
    row = queued_row(official)
    with pytest.raises(Retry):
        worker_request(row.pk)
    row.refresh_from_db()
    assert row.status == EmailDelivery.Status.RETRYING


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(550, b"5.1.1 No such user"),
        smtplib.SMTPRecipientsRefused({"focal@mechelen.be": (550, b"5.1.1 No such user")}),
        smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"),
    ],
)
def test_smtp_5xx_fails_without_retry(official, smtp_fails, worker_request, error):
    smtp_fails(error)
    row = queued_row(official)
    assert worker_request(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == EmailDelivery.Status.FAILED
    assert row.attempts == 1
    assert "55" in row.last_error
    assert worker_request.scheduled == []
    # A redelivered task does not try a failed row again.
    assert worker_request(row.pk) == "failed"
    row.refresh_from_db()
    assert row.attempts == 1


def test_last_retry_gives_up_as_failed(official, smtp_fails, worker_request):
    smtp_fails(smtplib.SMTPResponseException(421, b"4.7.0 Too busy"))
    row = queued_row(official)
    assert worker_request(row.pk, retries=send_email.max_retries) == "failed"
    row.refresh_from_db()
    assert row.status == EmailDelivery.Status.FAILED
    assert row.last_error.startswith("Gave up after 1 attempts.")
    assert worker_request.scheduled == []


def test_eager_mode_leaves_temporary_failures_for_the_sweep(
    official, smtp_fails, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """Without a broker the request must not loop on a down server: the row stays
    "retrying" and `manage.py send_queued_emails` sends it later."""
    smtp_fails(smtplib.SMTPResponseException(451, b"4.3.0 Try again later"))
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(official, category="transactional")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailDelivery.Status.RETRYING, 1)

    smtp_fails(None)
    settings.EMAIL_STALE_RETRYING_MINUTES = 0
    from django.core.management import call_command

    call_command("send_queued_emails")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailDelivery.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_sweep_leaves_fresh_rows_alone(official, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        queue(official, category="transactional")  # callbacks captured, not run: the task was "lost"
    assert tasks.requeue_stale_deliveries() == 0
    settings.EMAIL_STALE_QUEUED_MINUTES = 0
    assert tasks.requeue_stale_deliveries() == 1
    assert EmailDelivery.objects.get().status == EmailDelivery.Status.SENT


def test_retry_countdown_grows_exponentially():
    for retries in range(7):
        countdown = delivery.retry_countdown(retries, base=60)
        assert 60 * 2**retries <= countdown <= 60 * 2**retries + 60
    assert delivery.retry_countdown(5, base=60) < 3600  # below Redis's visibility timeout


def test_database_trouble_is_retried_and_records_nothing(official, worker_request, monkeypatch):
    from django.db import OperationalError

    row = queued_row(official)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(delivery, "deliver", locked)
    with pytest.raises(Retry):
        worker_request(row.pk)
    assert len(worker_request.scheduled) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailDelivery.Status.QUEUED, 0)
