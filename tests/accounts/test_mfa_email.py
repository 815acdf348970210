"""With a second factor on, allauth refuses new email addresses (they could not be trusted yet)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

BLOCKED = "You cannot add an email address to an account protected by two-factor authentication."


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


def test_an_account_with_totp_cannot_add_an_address(client, mailoutbox, verified_user):
    TOTP.activate(verified_user, generate_totp_secret())
    client.force_login(verified_user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "other@example.org"})

    assert response.status_code == 200
    body = response.content.decode()
    assert BLOCKED in body
    # The reason sits under the field, which keeps what was typed (and in the error summary above).
    assert body.index('id="id_email"') < body.rindex(BLOCKED)
    assert f'<a class="alert-link" href="#id_email">{BLOCKED}</a>' in body
    assert 'value="other@example.org"' in body
    assert not EmailAddress.objects.filter(email="other@example.org").exists()
    assert mailoutbox == []


def test_an_account_without_totp_can_add_an_address(client, mailoutbox, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "other@example.org"})

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=verified_user, email="other@example.org", verified=False).exists()
    assert len(mailoutbox) == 1
