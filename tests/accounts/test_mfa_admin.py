"""Staff must have a second factor before the admin opens (accounts/middleware.py)."""

import time
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

MFA_MESSAGE = "Staff accounts must set up two-factor authentication before using the administration pages."


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_anonymous_admin_goes_to_the_allauth_login(client):
    response = client.get("/en/admin/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain, "the admin should redirect anonymous visitors"
    final = urlparse(response.redirect_chain[-1][0])
    assert final.path == reverse("account_login") == "/en/accounts/login/"
    assert "next=" in final.query
    assert response.templates[0].name == "account/login.html"


def test_staff_without_totp_is_sent_to_totp_activation(client, settings):
    settings.STAFF_REQUIRE_MFA = True
    staff = StaffFactory()
    client.force_login(staff)

    response = client.get("/en/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp") == "/en/accounts/2fa/totp/activate/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [MFA_MESSAGE]
    # Every admin page, not only the index.
    assert client.get("/en/admin/accounts/user/")["Location"] == reverse("mfa_activate_totp")
    assert client.get("/fr/admin/")["Location"] == "/fr/accounts/2fa/totp/activate/"


def test_staff_with_only_recovery_codes_is_still_sent_to_totp_activation(client, settings):
    settings.STAFF_REQUIRE_MFA = True
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"})
    client.force_login(staff)

    assert client.get("/en/admin/")["Location"] == reverse("mfa_activate_totp")


def test_staff_with_totp_gets_the_admin(client, settings):
    settings.STAFF_REQUIRE_MFA = True
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    response = client.get("/en/admin/")

    assert response.status_code == 200
    assert response.templates[0].name == "admin/index.html"


def test_without_the_requirement_staff_get_in_without_mfa(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    staff = StaffFactory()
    client.force_login(staff)

    response = client.get("/en/admin/")

    assert response.status_code == 200
    assert response.templates[0].name == "admin/index.html"


def test_the_requirement_does_not_touch_non_staff_or_public_pages(client, settings, verified_user):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(verified_user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    # A non-staff user is not sent to set up TOTP; the admin just does not open for them.
    response = client.get("/en/admin/")
    assert response["Location"] != reverse("mfa_activate_totp")

    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_staff_sets_up_totp_through_the_pages_and_then_opens_the_admin(client, settings, password):
    """The whole way a new staff member goes: log in, be sent to set up TOTP, scan, confirm."""
    settings.STAFF_REQUIRE_MFA = True
    staff = StaffFactory(password=password)
    log_in(client, staff.email, password)

    sent = client.get("/en/admin/", follow=True)
    assert sent.redirect_chain[0][0] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor is set up.
    reauth_url = sent.redirect_chain[-1][0]
    assert urlparse(reauth_url).path == reverse("account_reauthenticate")
    assert MFA_MESSAGE in sent.content.decode()
    again = client.post(reauth_url, {"password": password})
    assert again.status_code == 302
    assert again["Location"] == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml' in body  # the QR code
    secret = client.session[SECRET_SESSION_KEY]
    assert f'value="{secret}"' in body

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000" if current_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    codes = client.get(done["Location"])
    assert codes.status_code == 200
    assert 'id="recovery_codes"' in codes.content.decode()

    assert client.get("/en/admin/").status_code == 200


def test_staff_with_totp_logs_in_with_a_code_and_reaches_the_admin(client, settings, password):
    settings.STAFF_REQUIRE_MFA = True
    staff = StaffFactory(password=password)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    first = log_in(client, staff.email, password)
    assert first.status_code == 302
    assert first["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    # Half-way through the login, the admin stays shut: allauth asks for the code.
    halfway = client.get("/en/admin/", follow=True)
    assert halfway.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert "admin/index.html" not in [t.name for t in halfway.templates]

    second = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert second.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/en/admin/").status_code == 200


def test_a_verified_non_staff_user_has_no_admin(client, settings):
    settings.STAFF_REQUIRE_MFA = True
    user = UserFactory()
    client.force_login(user)

    response = client.get("/en/admin/", follow=True)

    assert "admin/index.html" not in [t.name for t in response.templates]


def test_the_admin_login_form_cannot_skip_the_second_factor(client, settings, password):
    settings.STAFF_REQUIRE_MFA = True
    staff = StaffFactory(password=password)
    TOTP.activate(staff, generate_totp_secret())
    official = UserFactory(password=password)
    client.force_login(official)

    # Django's own admin login form would log into the staff account with its password
    # alone, skipping TOTP and allauth's rate limits; allauth's secure_admin_login refuses.
    form = client.get("/en/admin/login/")
    assert form.status_code == 403
    response = client.post("/en/admin/login/?next=/en/admin/", {"username": staff.email, "password": password})

    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(official.pk)
    assert client.get("/en/admin/").status_code != 200


def test_staff_with_an_unverified_address_must_verify_it_before_setting_up_totp(client, settings, password):
    """allauth will not add a second factor while an address is unverified, so such staff stay out."""
    settings.STAFF_REQUIRE_MFA = True
    staff = StaffFactory(password=password)
    EmailAddress.objects.create(user=staff, email="pending-staff@example.org", verified=False, primary=False)
    client.force_login(staff)

    response = client.get("/en/admin/", follow=True)

    chain = [url for url, _status in response.redirect_chain]
    assert chain == [reverse("mfa_activate_totp"), reverse("mfa_index")]
    body = response.content.decode()
    assert "You cannot activate two-factor authentication until you have verified your email address." in body
    assert "admin/index.html" not in [t.name for t in response.templates]
