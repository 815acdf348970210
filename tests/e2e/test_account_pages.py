"""The account pages allauth draws, seen in a real browser: password reset, email, 2FA, logout."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def submit(page):
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def log_in(page, email, password):
    page.goto("/en/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    submit(page)
    page.wait_for_url("**/en/accounts/profile/")


def test_password_reset_pages(page, shoot, verified_user):
    page.goto("/en/accounts/password/reset/")
    expect(page.locator("#id_email")).to_have_class(re.compile(r"\bform-control\b"))
    shoot("password-reset")
    page.fill("#id_email", verified_user.email)
    submit(page)
    page.wait_for_url("**/en/accounts/password/reset/done/")
    shoot("password-reset-done")
    assert mail.outbox[-1].to == [verified_user.email]


def test_email_page(page, shoot, verified_user, password):
    log_in(page, verified_user.email, password)

    page.goto("/en/accounts/email/")
    expect(page.locator("#current_email")).to_have_value(verified_user.email)
    shoot("email")
    page.fill("#id_email", "second@example.org")
    page.locator("button[name=action_add]").click()
    page.wait_for_load_state()
    expect(page.locator("#new_email")).to_have_value("second@example.org")
    expect(page.locator("main")).to_contain_text("Your email address is still pending verification.")
    shoot("email-pending")
    assert mail.outbox[-1].to == ["second@example.org"]


def test_two_factor_pages(page, shoot, verified_user, password):
    log_in(page, verified_user.email, password)

    page.goto("/en/accounts/2fa/")
    expect(page.locator("main .card")).to_have_count(2)
    shoot("mfa-index")

    page.locator("main a[href='/en/accounts/2fa/totp/activate/']").click()
    page.wait_for_url(re.compile(r"/en/accounts/reauthenticate/"))
    shoot("reauthenticate")
    page.fill("#id_password", password)
    submit(page)
    page.wait_for_url("**/en/accounts/2fa/totp/activate/")
    qr = page.locator("main img.qr-code")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code image did not load"
    shoot("totp-activate")

    page.fill("#id_code", "000")
    submit(page)
    expect(page.locator("#id_code")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_code_errors")).to_be_visible()
    expect(page.locator("#id_code")).to_have_value("000")
    shoot("totp-activate-error")

    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    submit(page)
    page.wait_for_url("**/en/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    assert Authenticator.objects.filter(user=verified_user, type=Authenticator.Type.TOTP).exists()
    shoot("recovery-codes")

    page.goto("/en/accounts/2fa/")
    expect(page.locator("main")).to_contain_text("Authentication using an authenticator app is active.")
    shoot("mfa-index-active")

    # With two-factor authentication on, allauth refuses new addresses; the reason shows under the field.
    page.goto("/en/accounts/email/")
    page.fill("#id_email", "third@example.org")
    page.locator("button[name=action_add]").click()
    page.wait_for_load_state()
    expect(page.locator("#id_email")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_email_errors")).to_contain_text("two-factor authentication")
    expect(page.locator("#id_email")).to_have_value("third@example.org")
    shoot("email-blocked-by-mfa")

    page.goto("/en/accounts/logout/")
    shoot("logout")
    submit(page)
    expect(page.locator("header a[href='/en/accounts/login/']")).to_be_visible()
