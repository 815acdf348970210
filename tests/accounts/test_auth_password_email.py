"""Password reset by email, and changing the email address of an account."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Long-passphrase-for-2025"


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


def link_path(message, pattern):
    match = re.search(rf"https?://\S+{pattern}\S*", message.body)
    assert match, f"no link matching {pattern} in:\n{message.body}"
    return urlparse(match.group(0)).path


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_reset_emails_a_link_that_sets_a_new_password(client, mailoutbox, verified_user, password):
    response = client.post(reverse("account_reset_password"), {"email": verified_user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [verified_user.email]

    key_path = link_path(mailoutbox[0], "/accounts/password/reset/key/")
    # allauth moves the key into the session and redirects to a URL without it.
    step = client.get(key_path)
    assert step.status_code == 302
    form_path = step["Location"]
    assert form_path.endswith("-set-password/")
    form_page = client.get(form_path)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()

    done = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")

    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD)
    assert not verified_user.check_password(password)
    assert "The email address and/or password" in log_in(client, verified_user.email, password).content.decode()
    assert log_in(client, verified_user.email, NEW_PASSWORD)["Location"] == reverse("accounts:profile")


def test_a_password_reset_link_works_only_once(client, mailoutbox, verified_user):
    client.post(reverse("account_reset_password"), {"email": verified_user.email})
    key_path = link_path(mailoutbox[0], "/accounts/password/reset/key/")
    form_path = client.get(key_path)["Location"]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client.get(key_path, follow=True)

    assert "Bad Token" in again.content.decode()
    verified_user.refresh_from_db()
    assert verified_user.check_password(NEW_PASSWORD)


def test_password_reset_rejects_mismatched_passwords(client, mailoutbox, verified_user, password):
    client.post(reverse("account_reset_password"), {"email": verified_user.email})
    form_path = client.get(link_path(mailoutbox[0], "/accounts/password/reset/key/"))["Location"]

    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    verified_user.refresh_from_db()
    assert verified_user.check_password(password)


def test_email_change_adds_an_address_that_needs_verification(client, mailoutbox, verified_user, password):
    old_email = verified_user.email
    assert log_in(client, old_email, password).status_code == 302

    response = client.post(reverse("account_email"), {"action_add": "", "email": "New.Address@example.org"})

    assert response.status_code == 302
    new = EmailAddress.objects.get(user=verified_user, email="new.address@example.org")
    assert new.verified is False
    assert new.primary is False
    # Until it is verified, the account keeps its old address.
    verified_user.refresh_from_db()
    assert verified_user.email == old_email
    assert EmailAddress.objects.get(user=verified_user, email=old_email).primary is True
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.address@example.org"]

    page = client.get(reverse("account_email")).content.decode()
    assert "new.address@example.org" in page
    assert "Your email address is still pending verification." in page

    confirm = link_path(mailoutbox[0], "/accounts/confirm-email/")
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302

    verified_user.refresh_from_db()
    assert verified_user.email == "new.address@example.org"
    assert EmailAddress.objects.get(user=verified_user, email="new.address@example.org").verified is True
    # ACCOUNT_CHANGE_EMAIL: the new address replaces the old one.
    assert not EmailAddress.objects.filter(user=verified_user, email=old_email).exists()


def test_an_address_of_another_account_can_be_requested_but_never_confirmed(
    client, mailoutbox, verified_user, password
):
    from tests.factories import UserFactory

    other = UserFactory()
    log_in(client, verified_user.email, password)

    response = client.post(reverse("account_email"), {"action_add": "", "email": other.email})

    # To not reveal which addresses have accounts, allauth accepts the request as for a
    # free address: the address is recorded, unverified, and a link is sent to it.
    assert response.status_code == 302
    requested = EmailAddress.objects.get(user=verified_user, email=other.email)
    assert requested.verified is False
    assert mailoutbox[-1].to == [other.email]

    confirm = link_path(mailoutbox[-1], "/accounts/confirm-email/")
    page = client.get(confirm)
    assert "already confirmed by a different account" in page.content.decode()
    client.post(confirm)

    requested.refresh_from_db()
    assert requested.verified is False
    verified_user.refresh_from_db()
    assert verified_user.email != other.email
    owner = EmailAddress.objects.get(email=other.email, verified=True)
    assert owner.user == other
