"""Signing up: an account exists at once, but it opens only once its email is verified."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def confirm_path(message):
    match = CONFIRM_LINK.search(message.body)
    assert match, f"no confirmation link in:\n{message.body}"
    return urlparse(match.group(0)).path


def sign_up(client, email, password, full_name="Élodie Fontaine"):
    return client.post(
        reverse("account_signup"),
        {"full_name": full_name, "email": email, "password1": password, "password2": password},
    )


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_creates_an_unverified_account_and_emails_a_link(client, mailoutbox, password):
    response = sign_up(client, "New.Official@Example.org", password)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.official@example.org")
    assert user.check_password(password)
    address = EmailAddress.objects.get(user=user)
    assert address.email == "new.official@example.org"
    assert address.verified is False
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.official@example.org"]
    assert message.subject.startswith("[Cities for Migration] ")
    assert confirm_path(message).startswith("/en/accounts/confirm-email/")


def test_unverified_account_cannot_reach_protected_pages(client, mailoutbox, password):
    sign_up(client, "pending@example.org", password)

    response = log_in(client, "pending@example.org", password)

    # The right password is not enough: allauth shows the "verify your email" page instead.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 302
    assert urlparse(profile["Location"]).path == reverse("account_login")


def test_signup_in_french_remembers_the_language_and_sends_a_french_link(client, mailoutbox, password):
    response = client.post(
        "/fr/accounts/signup/",
        {"full_name": "Élodie Fontaine", "email": "maire@example.fr", "password1": password, "password2": password},
    )

    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/confirm-email/"
    assert User.objects.get(email="maire@example.fr").preferred_language == "fr"
    assert confirm_path(mailoutbox[0]).startswith("/fr/accounts/confirm-email/")


def test_following_the_emailed_link_verifies_and_then_login_works(client, mailoutbox, password):
    sign_up(client, "verify.me@example.org", password)
    path = confirm_path(mailoutbox[0])

    page = client.get(path)
    # ACCOUNT_CONFIRM_EMAIL_ON_GET is off: the GET only shows a button.
    assert page.status_code == 200
    assert "verify.me@example.org" in page.content.decode()
    assert EmailAddress.objects.get(email="verify.me@example.org").verified is False

    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="verify.me@example.org").verified is True
    assert "_auth_user_id" not in client.session  # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION is off

    response = log_in(client, "verify.me@example.org", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert "verify.me@example.org" in profile.content.decode()


def test_a_wrong_confirmation_key_does_not_verify(client, mailoutbox, password):
    sign_up(client, "typo@example.org", password)

    url = reverse("account_confirm_email", args=["not-a-real-key"])

    page = client.get(url)
    assert page.status_code == 200
    assert "This email confirmation link expired or is invalid" in page.content.decode()
    assert client.post(url).status_code == 404
    assert EmailAddress.objects.get(email="typo@example.org").verified is False


def test_signup_with_a_taken_email_does_not_create_a_second_account(client, mailoutbox, verified_user, password):
    response = sign_up(client, verified_user.email, password)

    # allauth does not reveal that the address is taken: it answers as for a new signup
    # and emails the owner instead.
    assert User.objects.filter(email=verified_user.email).count() == 1
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [verified_user.email]


# --- the person's name ----------------------------------------------------------------


def test_signup_asks_the_name_first(client):
    html = client.get("/fr/accounts/signup/").content.decode()

    name = html.index('id="id_full_name"')
    assert name < html.index('id="id_email"') < html.index('id="id_password1"')
    field = html[html.rindex("<input", 0, name) : html.index(">", name)]
    assert 'name="full_name"' in field
    assert 'autocomplete="name"' in field
    assert "required" in field
    assert 'maxlength="200"' in field


def test_signup_without_a_name_says_so_in_the_visitor_language(client, mailoutbox, password):
    response = client.post(
        "/fr/accounts/signup/",
        {"full_name": "   ", "email": "sans.nom@ville.example", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    html = response.content.decode()
    errors = html[html.index('id="id_full_name_errors"') :][:300]
    assert "Saisissez votre nom." in errors
    assert 'value="sans.nom@ville.example"' in html  # what was typed stays
    assert not User.objects.filter(email="sans.nom@ville.example").exists()
    assert mailoutbox == []


def test_signup_refuses_a_name_over_200_characters(client, password):
    response = client.post(
        "/es/accounts/signup/",
        {"full_name": "A" * 201, "email": "largo@ciudad.example", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert "Su nombre no puede tener más de 200 caracteres." in response.content.decode()
    assert not User.objects.filter(email="largo@ciudad.example").exists()


def test_signup_keeps_a_name_in_any_script_trimmed(client, mailoutbox, password):
    sign_up(client, "official@tunis.example", password, full_name="  ليلى   بن علي ")

    assert User.objects.get(email="official@tunis.example").full_name == "ليلى بن علي"
