"""Announcements: staff only, exactly the right recipients, batches that never duplicate,
progress counts, preview and confirmation over HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from campaign.outbox.models import EmailDelivery, EmailOptOut
from pledges import tasks
from pledges.announcements import fanout, services
from pledges.models import Announcement, Pledge
from tests.factories import CampaignFactory, MunicipalityFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def official_of(municipality, *, status=Membership.Status.APPROVED, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, municipality=municipality, role="focal_point", status=status)
    return user


@pytest.fixture
def staff(db):
    return StaffFactory(email="admin@campaign.org", full_name="Carla Admin")


@pytest.fixture
def world(db):
    """One campaign; cities with pledges in every state; officials approved or not."""
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities for the rights of migrants")
    other_campaign = CampaignFactory(slug="other-pledge")
    cities = {name: MunicipalityFactory(name=name) for name in ["Verified", "Submitted", "Draft", "Rejected", "Other"]}
    for name, status in [
        ("Verified", "verified"),
        ("Submitted", "submitted"),
        ("Draft", "draft"),
        ("Rejected", "rejected"),
    ]:
        Pledge.objects.create(campaign=campaign, municipality=cities[name], status=status)
    Pledge.objects.create(campaign=other_campaign, municipality=cities["Other"], status="verified")
    people = {
        "verified_fr": official_of(cities["Verified"], preferred_language="fr", email="maire@verified.fr"),
        "verified_es": official_of(cities["Verified"], preferred_language="es", email="alcalde@verified.es"),
        "submitted": official_of(cities["Submitted"], email="focal@submitted.org"),
        "requested": official_of(cities["Verified"], status=Membership.Status.REQUESTED, email="asks@verified.org"),
        "revoked": official_of(cities["Submitted"], status=Membership.Status.REVOKED, email="former@submitted.org"),
        "draft": official_of(cities["Draft"], email="focal@draft.org"),
        "rejected": official_of(cities["Rejected"], email="focal@rejected.org"),
        "other": official_of(cities["Other"], email="focal@other.org"),
        "inactive": official_of(cities["Verified"], is_active=False, email="gone@verified.org"),
    }
    # One person for two signatory cities gets one message.
    Membership.objects.create(
        user=people["submitted"], municipality=cities["Verified"], role="staff", status=Membership.Status.APPROVED
    )
    return {"campaign": campaign, "cities": cities, "people": people}


@pytest.fixture
def draft(world, staff):
    return services.announcement_create(
        actor=staff,
        campaign=world["campaign"],
        language="en",
        subject="Peer exchange in Mechelen",
        body="Dear colleagues,\n\nJoin us on 3 June.",
    )


EXPECTED = {"maire@verified.fr", "alcalde@verified.es", "focal@submitted.org"}


def test_recipients_are_the_approved_officials_of_submitted_and_verified_signatories(world):
    emails = set(services.announcement_recipients(world["campaign"].pk).values_list("email", flat=True))
    assert emails == EXPECTED


def test_only_staff_write_and_send(world, draft):
    official = world["people"]["verified_fr"]
    with pytest.raises(PermissionDenied):
        services.announcement_create(actor=official, campaign=world["campaign"], language="en", subject="x", body="y")
    with pytest.raises(PermissionDenied):
        services.announcement_send(actor=official, announcement=draft)
    draft.refresh_from_db()
    assert draft.status == Announcement.Status.DRAFT
    assert not EmailDelivery.objects.exists()


def test_empty_subject_or_body_is_refused(world, staff):
    with pytest.raises(ValidationError) as error:
        services.announcement_create(actor=staff, campaign=world["campaign"], language="en", subject=" ", body="")
    assert set(error.value.message_dict) == {"subject", "body"}


def send(staff, announcement):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.announcement_send(actor=staff, announcement=announcement)


def test_sending_mails_each_recipient_once_in_their_language(world, staff, draft, mailoutbox):
    announcement = send(staff, draft)
    assert announcement.status == Announcement.Status.SENDING
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(EXPECTED)
    rows = EmailDelivery.objects.filter(group_key=draft.delivery_group)
    assert {r.language for r in rows} == {"fr", "es", "en"}
    assert {r.category for r in rows} == {"announcement"}
    assert {r.idempotency_key for r in rows} == {f"announcement:{draft.pk}:{r.recipient_id}" for r in rows}
    assert all(m.subject == "Peer exchange in Mechelen" for m in mailoutbox)
    assert all(m.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mailoutbox)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert '<html lang="fr"' in by_address["maire@verified.fr"].alternatives[0][0]

    # Each settled delivery updated the stored record; reading the progress writes nothing.
    draft.refresh_from_db()
    assert (draft.status, draft.sent_count, draft.failed_count) == (Announcement.Status.SENT, 3, 0)
    progress = services.announcement_progress(draft)
    assert progress == {
        "status": "sent",
        "total": 3,
        "queued": 0,
        "retrying": 0,
        "sent": 3,
        "failed": 0,
        "suppressed": 0,
        "done": 3,
        "percent": 100,
        "finished": True,
    }
    draft.refresh_from_db()
    assert (draft.status, draft.total, draft.sent_count, draft.failed_count) == ("sent", 3, 3, 0)


def test_sending_twice_is_refused(world, staff, draft, mailoutbox):
    send(staff, draft)
    with pytest.raises(ValidationError):
        send(staff, draft)
    assert len(mailoutbox) == 3


def test_rerunning_batches_and_fan_out_never_duplicates(world, staff, draft, mailoutbox, settings):
    send(staff, draft)
    ids = fanout.announcement_recipient_ids(world["campaign"].pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.announcement_send_batch.apply(args=[draft.pk, ids]).get() == 0
        tasks.announcement_fan_out.apply(args=[draft.pk]).get()
    assert EmailDelivery.objects.filter(group_key=draft.delivery_group).count() == 3
    assert len(mailoutbox) == 3


def test_batches_split_the_recipients(world, staff, draft, mailoutbox, monkeypatch):
    monkeypatch.setattr(tasks, "ANNOUNCEMENT_BATCH_SIZE", 2)
    batches = []
    real = fanout.queue_announcement_batch

    def spy(announcement_id, user_ids):
        batches.append(list(user_ids))
        return real(announcement_id, user_ids)

    monkeypatch.setattr(fanout, "queue_announcement_batch", spy)
    send(staff, draft)
    assert [len(b) for b in batches] == [2, 1]
    assert sorted(sum(batches, [])) == sorted(fanout.announcement_recipient_ids(world["campaign"].pk))
    assert len(mailoutbox) == 3


def test_progress_counts_while_sending_and_opt_outs(world, staff, draft, mailoutbox):
    EmailOptOut.objects.create(user=world["people"]["verified_es"], category="announcement")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.announcement_send(actor=staff, announcement=draft)
    # Not started yet: everything waits.
    progress = services.announcement_progress(draft)
    assert (progress["total"], progress["queued"], progress["done"], progress["finished"]) == (3, 3, 0, False)
    # The fan-out queues the rows; their tasks are "lost" for now.
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        for callback in callbacks:
            callback()
    assert EmailDelivery.objects.filter(group_key=draft.delivery_group, status="queued").count() == 3
    progress = services.announcement_progress(draft)
    assert (progress["queued"], progress["sent"], progress["status"]) == (3, 0, "sending")
    for callback in queued:
        callback()
    progress = services.announcement_progress(draft)
    assert (progress["sent"], progress["suppressed"], progress["queued"], progress["finished"]) == (2, 1, 0, True)
    assert len(mailoutbox) == 2


# --- over HTTP --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "new", "deliveries"])
def test_pages_are_staff_only(client, world, name):
    url = reverse(f"announcements:{name}")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world["people"]["verified_fr"])
    assert client.get(url).status_code == 403


def test_official_cannot_send_or_read_progress(client, world, draft):
    client.force_login(world["people"]["verified_fr"])
    assert client.post(reverse("announcements:send", args=[draft.pk]), {"confirm": "yes"}).status_code == 403
    assert client.get(reverse("announcements:progress", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_write_preview_confirm_and_follow_progress(
    client, world, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    response = client.post(
        reverse("announcements:new"),
        {
            "campaign": world["campaign"].pk,
            "language": "fr",
            "subject": "Rencontre à Malines",
            "body": "Chers collègues,\n\nRendez-vous le 3 juin : https://example.org/rencontre",
        },
    )
    announcement = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("announcements:detail", args=[announcement.pk])
    assert mailoutbox == []

    preview = client.get(response["Location"]).content.decode()
    assert "3 approved officials will receive this announcement." in preview
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in preview  # the email is escaped into the attribute
    assert "Rencontre à Malines" in preview
    assert 'name="confirm"' in preview
    assert "/unsubscribe/" in preview  # the preview shows the List-Unsubscribe header
    spanish = client.get(response["Location"] + "?preview_language=es").content.decode()
    assert "/es/email-preferences/" in spanish

    # Without ticking the confirmation nothing is sent.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("announcements:send", args=[announcement.pk]))
    announcement.refresh_from_db()
    assert announcement.status == "draft"
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("announcements:send", args=[announcement.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    assert sorted(a for m in mailoutbox for a in m.to) == sorted(EXPECTED)

    data = client.get(reverse("announcements:progress", args=[announcement.pk])).json()
    assert (data["total"], data["sent"], data["failed"], data["finished"]) == (3, 3, 0, True)
    page = client.get(reverse("announcements:detail", args=[announcement.pk])).content.decode()
    assert 'aria-valuenow="100"' in page
    assert 'name="confirm"' not in page
    listing = client.get(reverse("announcements:list")).content.decode()
    assert "Rencontre à Malines" in listing


def test_edit_only_drafts(client, world, staff, draft, django_capture_on_commit_callbacks):
    client.force_login(staff)
    url = reverse("announcements:edit", args=[draft.pk])
    client.post(url, {"language": "es", "subject": "Intercambio", "body": "Hola"})
    draft.refresh_from_db()
    assert (draft.language, draft.subject, draft.campaign) == ("es", "Intercambio", world["campaign"])
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_send(actor=staff, announcement=draft)
    client.post(url, {"language": "en", "subject": "Changed after sending", "body": "No"})
    draft.refresh_from_db()
    assert draft.subject == "Intercambio"


def test_failed_deliveries_page_lists_and_resends(client, world, staff, draft, mailoutbox):
    failed = EmailDelivery.objects.create(
        idempotency_key="test:failed",
        recipient=world["people"]["submitted"],
        to_email="focal@submitted.org",
        template="announcement",
        category="announcement",
        context=services.announcement_context(draft),
        status="failed",
        attempts=1,
        last_error="SMTPRecipientsRefused: 550 5.1.1 No such user",
    )
    EmailDelivery.objects.create(
        idempotency_key="test:sent", to_email="ok@example.org", template="announcement", status="sent"
    )
    client.force_login(staff)
    page = client.get(reverse("announcements:deliveries")).content.decode()
    assert "550 5.1.1 No such user" in page
    assert "ok@example.org" not in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("announcements:delivery_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert failed.attempts == 2
    assert [m.to for m in mailoutbox] == [["focal@submitted.org"]]


def test_admin_lists_deliveries_with_filters(client, staff, world):
    EmailDelivery.objects.create(
        idempotency_key="test:x", to_email="x@example.org", template="announcement", status="failed"
    )
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(reverse("admin:outbox_emaildelivery_changelist"), {"status__exact": "failed", "q": "x@"})
    assert response.status_code == 200
    assert "x@example.org" in response.content.decode()


def test_a_sending_whose_fan_out_was_lost_is_resumed_by_the_sweep(world, staff, draft, mailoutbox):
    """The broker was down when the fan-out was queued: the announcement says "sending" and
    nobody gets it, until the sweep starts it again (ten minutes on), once."""
    services.announcement_send(actor=staff, announcement=draft)  # its on_commit never runs here
    assert not EmailDelivery.objects.filter(group_key=draft.delivery_group).exists()
    assert tasks.resume_stalled_announcements.apply().get() == 0  # too recent to be stalled
    Announcement.objects.filter(pk=draft.pk).update(send_started_at=timezone.now() - timedelta(minutes=11))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.resume_stalled_announcements.apply().get() == 1
    assert EmailDelivery.objects.filter(group_key=draft.delivery_group).count() == 3
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(EXPECTED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.resume_stalled_announcements.apply().get() == 0  # complete: left alone
    assert len(mailoutbox) == 3


def test_beat_resumes_stalled_announcements_every_ten_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="pledges.tasks.resume_stalled_announcements")
    assert task.enabled and (task.interval.every, task.interval.period) == (10, "minutes")
