"""The signed-in user's own page: name and preferred language."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.services import user_update_preferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_profile_shows_the_signed_in_email(client, verified_user):
    client.force_login(verified_user)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    body = response.content.decode()
    assert verified_user.email in body
    assert f'value="{verified_user.full_name}"' in body


def test_profile_saves_name_and_language_and_answers_in_that_language(client, verified_user):
    client.force_login(verified_user)

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "  Amina Diallo  ", "preferred_language": "fr"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/profile/"
    verified_user.refresh_from_db()
    assert verified_user.full_name == "Amina Diallo"
    assert verified_user.preferred_language == "fr"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<html lang="fr" dir="ltr">' in page.content.decode()


def test_profile_rejects_an_unknown_language_and_keeps_what_was_typed(client, verified_user):
    client.force_login(verified_user)
    before = (verified_user.full_name, verified_user.preferred_language)

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Typed But Not Saved", "preferred_language": "xx"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice. xx is not one of the available choices." in body
    assert 'value="Typed But Not Saved"' in body
    assert "is-invalid" in body
    verified_user.refresh_from_db()
    assert (verified_user.full_name, verified_user.preferred_language) == before


def test_preferences_are_changed_only_by_their_owner():
    owner = UserFactory(full_name="Owner", preferred_language="en")
    intruder = UserFactory()

    with pytest.raises(PermissionDenied):
        user_update_preferences(actor=intruder, user=owner, full_name="Hacked", preferred_language="es")

    owner.refresh_from_db()
    assert (owner.full_name, owner.preferred_language) == ("Owner", "en")
    assert User.objects.get(pk=owner.pk).full_name == "Owner"


# --- the person's name ----------------------------------------------------------------


def test_an_account_without_a_name_is_invited_to_add_it(client):
    nameless = UserFactory(full_name="", preferred_language="en")
    client.force_login(nameless)

    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="add-your-name"' in html
    assert "Please add your name: our emails will greet you by it" in html

    response = client.post(reverse("accounts:profile"), {"full_name": "Élodie Fontaine", "preferred_language": "en"})
    assert response.status_code == 302
    nameless.refresh_from_db()
    assert nameless.full_name == "Élodie Fontaine"
    assert 'id="add-your-name"' not in client.get(reverse("accounts:profile")).content.decode()


def test_the_name_cannot_be_emptied_and_the_error_says_why(client, verified_user):
    client.force_login(verified_user)
    before = verified_user.full_name

    response = client.post("/fr/accounts/profile/", {"full_name": "  ", "preferred_language": "fr"})

    assert response.status_code == 200
    html = response.content.decode()
    # In the summary, linking to the field, and beside the field itself.
    assert '<a class="alert-link" href="#id_full_name">Saisissez votre nom.</a>' in html
    field = html[html.index('id="div_id_full_name"') : html.index('id="div_id_preferred_language"')]
    assert "Saisissez votre nom." in field
    assert "is-invalid" in field
    verified_user.refresh_from_db()
    assert verified_user.full_name == before
    assert verified_user.preferred_language == "en"


def test_the_service_trims_the_name_refuses_an_empty_one_and_logs_a_change(caplog):
    user = UserFactory(full_name="Amina Diallo", preferred_language="en")

    with pytest.raises(ValidationError) as empty:
        user_update_preferences(actor=user, user=user, full_name=" \t ", preferred_language="en")
    assert empty.value.message_dict == {"full_name": ["Enter your name."]}
    with pytest.raises(ValidationError):
        user_update_preferences(actor=user, user=user, full_name="x" * 201, preferred_language="en")
    assert User.objects.get(pk=user.pk).full_name == "Amina Diallo"

    with caplog.at_level(logging.INFO, logger="accounts.services"):
        user_update_preferences(actor=user, user=user, full_name="  Amina   Diallo-Sow ", preferred_language="en")
    assert User.objects.get(pk=user.pk).full_name == "Amina Diallo-Sow"
    assert f"user {user.pk} changed their name" in caplog.text

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="accounts.services"):
        user_update_preferences(actor=user, user=user, full_name="Amina Diallo-Sow", preferred_language="fr")
    assert "changed their name" not in caplog.text
