"""Unsubscribe links (RFC 8058 one-click included) and the email preferences page."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from campaign.outbox import delivery
from campaign.outbox.models import EmailCategory, EmailOptOut
from campaign.outbox.services import email_preferences_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(db):
    return UserFactory(email="focal@lyon.fr", full_name="Bruno Official", preferred_language="fr")


def unsubscribe_path(user, category="reminder"):
    return reverse("unsubscribe:confirm", args=[delivery.unsubscribe_token(user.pk, category)])


def test_link_has_no_language_prefix(official):
    assert unsubscribe_path(official).startswith("/unsubscribe/")


def test_get_asks_for_confirmation_and_changes_nothing(client, official):
    response = client.get(unsubscribe_path(official))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post"' in html
    # The page speaks the official's language (French), whatever the browser says.
    with translation.override("fr"):
        assert str(EmailCategory.REMINDER.label) in html
    assert not EmailOptOut.objects.exists()


def test_page_is_in_the_users_language(client, official):
    response = client.get(unsubscribe_path(official), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


def test_confirming_records_the_opt_out(client, official):
    response = client.post(unsubscribe_path(official, "announcement"))
    assert response.status_code == 200
    opt_out = EmailOptOut.objects.get()
    assert (opt_out.user, opt_out.category, opt_out.source) == (official, "announcement", "link")
    # Only that category.
    assert not delivery.has_opted_out(official.pk, "reminder")
    assert delivery.has_opted_out(official.pk, "announcement")
    # Clicking again is harmless.
    assert client.post(unsubscribe_path(official, "announcement")).status_code == 200
    assert EmailOptOut.objects.count() == 1
    # The GET page now says so.
    with translation.override("fr"):
        said = gettext("You no longer receive this kind of email: <strong>%(category)s</strong>.") % {
            "category": EmailCategory.ANNOUNCEMENT.label
        }
    assert said in client.get(unsubscribe_path(official, "announcement")).content.decode()


def test_one_click_post_works_without_csrf_token(official):
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        unsubscribe_path(official, "reminder"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    opt_out = EmailOptOut.objects.get()
    assert (opt_out.category, opt_out.source) == ("reminder", "one_click")


def test_csrf_is_still_enforced_elsewhere(official):
    """csrf_exempt is on the unsubscribe view only: the preferences form still needs the token."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(official)
    response = browser.post(reverse("email_preferences"), {"receive": []})
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_refused(client, official, method):
    token = delivery.unsubscribe_token(official.pk, "reminder")
    other = UserFactory()
    # Replace the payload with another user's, keeping the old signature.
    forged_payload = delivery.unsubscribe_token(other.pk, "reminder").split(":")[0]
    forged = forged_payload + token[token.index(":") :]
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense"):
        response = getattr(client, method)(reverse("unsubscribe:confirm", args=[bad]))
        assert response.status_code == 400
    assert not EmailOptOut.objects.exists()


def test_token_of_another_purpose_is_refused(client, official):
    from django.core import signing

    foreign = signing.dumps({"u": official.pk, "c": "reminder"}, salt="some.other.purpose")
    assert client.post(reverse("unsubscribe:confirm", args=[foreign])).status_code == 400
    transactional = signing.dumps({"u": official.pk, "c": "transactional"}, salt=delivery.UNSUBSCRIBE_SALT)
    assert client.post(reverse("unsubscribe:confirm", args=[transactional])).status_code == 400
    assert not EmailOptOut.objects.exists()


def test_transactional_mail_has_no_token():
    with pytest.raises(ValueError):
        delivery.unsubscribe_token(1, "transactional")


# --- preferences page -------------------------------------------------------------------


def test_preferences_need_login(client):
    response = client.get(reverse("email_preferences"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_preferences_show_and_change_categories(client, official):
    EmailOptOut.objects.create(user=official, category="digest")
    client.force_login(official)
    page = client.get(reverse("email_preferences")).content.decode()
    assert 'value="reminder" class="form-check-input" id="id_receive_0" checked' in page
    assert 'value="digest" class="form-check-input" id="id_receive_1"' in page
    assert 'value="digest" class="form-check-input" id="id_receive_1" checked' not in page

    response = client.post(reverse("email_preferences"), {"receive": ["digest", "announcement"]})
    assert response.status_code == 302
    assert set(EmailOptOut.objects.filter(user=official).values_list("category", flat=True)) == {"reminder"}
    assert EmailOptOut.objects.get(user=official).source == "preferences"


def test_preferences_refuse_unknown_categories(client, official):
    client.force_login(official)
    response = client.post(reverse("email_preferences"), {"receive": ["transactional"]})
    assert response.status_code == 200  # form error, nothing changed
    assert not EmailOptOut.objects.exists()


def test_only_oneself_can_change_preferences(official):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        email_preferences_update(actor=UserFactory(), user=official, receive=set())
    assert not EmailOptOut.objects.exists()
