"""The officials hear about each step of their pledge, in their language, with a link to act."""

import pytest

from pledges import services
from tests.factories import UserFactory, approve_official

pytestmark = pytest.mark.django_db


def test_submitted_email_goes_to_every_official(
    ready_pledge_a, official_a, city_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    colleague = UserFactory(preferred_language="fr", email="collegue@mechelen.be")
    approve_official(colleague, city_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_submit(actor=official_a, pledge=ready_pledge_a)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {official_a.email, colleague.email}
    english = by_address[official_a.email]
    assert english.subject == "We received the pledge of Mechelen"
    assert f"{settings.SITE_URL}/en/pledges/{ready_pledge_a.pk}/preview/" in english.body
    assert "checks it" in english.body
    html = english.alternatives[0][0]
    assert f"/en/pledges/{ready_pledge_a.pk}/preview/" in html
    french = by_address[colleague.email]
    assert f"/fr/pledges/{ready_pledge_a.pk}/preview/" in french.body


def test_verified_email_links_the_public_profile(
    submitted_pledge_a, staff_admin, official_a, city_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [official_a.email]
    assert message.subject == "The pledge of Mechelen is verified and public"
    assert f"{settings.SITE_URL}/en/cities/{city_a.slug}/" in message.body
    assert f"{settings.SITE_URL}/en/cities/{city_a.slug}/" in message.alternatives[0][0]


def test_rejected_email_gives_the_reason_and_the_link_to_correct(
    submitted_pledge_a, staff_admin, official_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_reject(actor=staff_admin, pledge=submitted_pledge_a, reason="The PDF is not <signed>.")
    message = mailoutbox[0]
    assert message.subject == "The pledge of Mechelen needs a correction"
    assert "The PDF is not <signed>." in message.body  # plain text, not escaped
    assert "The PDF is not &lt;signed&gt;." in message.alternatives[0][0]  # HTML, escaped
    assert f"{settings.SITE_URL}/en/pledges/{submitted_pledge_a.pk}/edit/" in message.body


def test_withdrawn_email(verified_pledge_a, official_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_withdraw(actor=official_a, pledge=verified_pledge_a, reason="New council")
    message = mailoutbox[0]
    assert message.subject == "The pledge of Mechelen has been withdrawn"
    assert f"/en/pledges/{verified_pledge_a.pk}/preview/" in message.body


def test_nothing_is_sent_when_the_transition_is_refused(
    draft_pledge_a, official_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ValidationError):
        services.pledge_submit(actor=official_a, pledge=draft_pledge_a)
    assert mailoutbox == []
