"""allauth's pages are drawn by the project's Bootstrap elements (templates/allauth/elements)."""

import re
import time
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language, which the previous test's last request leaves behind."""
    translation.activate("en")
    yield
    translation.activate("en")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), self.getpos()))


def tags(html, tag_name=None, **wanted):
    parser = _Tags()
    parser.feed(html)
    found = []
    for tag, attrs, _pos in parser.tags:
        if tag_name and tag != tag_name:
            continue
        if all(attrs.get(k.rstrip("_")) == v for k, v in wanted.items()):
            found.append(attrs)
    return found


def one(html, tag_name=None, **wanted):
    found = tags(html, tag_name, **wanted)
    assert len(found) == 1, f"expected one <{tag_name or '*'} {wanted}>, found {len(found)}"
    return found[0]


def classes(attrs):
    return set((attrs.get("class") or "").split())


def main_of(response):
    body = response.content.decode()
    return body[body.index('<main id="main"') : body.index("</main>")]


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_page_uses_bootstrap_fields_and_buttons(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    html = main_of(response)
    assert "auth-card" in html
    email = one(html, "input", id="id_login")
    assert {"form-control"} <= classes(email)
    assert email["type"] == "email"
    assert "value" not in email
    password = one(html, "input", id="id_password")
    assert {"form-control"} <= classes(password)
    assert one(html, "label", for_="id_login")
    assert one(html, "label", for_="id_password")
    remember = one(html, "input", id="id_remember")
    assert {"form-check-input"} <= classes(remember)
    assert {"form-check-label"} <= classes(one(html, "label", for_="id_remember"))
    submit = one(html, "button", type="submit")
    assert {"btn", "btn-primary"} <= classes(submit)
    assert one(html, "a", href=reverse("account_reset_password"))
    assert one(html, "h1")
    # Not allauth's bare default rendering.
    assert "<p><label" not in html.replace("\n", "").replace(" ", "")


def test_signup_errors_sit_next_to_their_field_and_keep_what_was_typed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "short", "password2": "short"},
    )

    assert response.status_code == 200
    html = main_of(response)
    email = one(html, "input", id="id_email")
    assert {"form-control", "is-invalid"} <= classes(email)
    assert email["value"] == "not-an-email"
    assert email["aria-invalid"] == "true"
    assert "id_email_errors" in email["aria-describedby"].split()
    errors = one(html, "div", id="id_email_errors")
    assert {"invalid-feedback"} <= classes(errors)
    # The message comes right after its own field, before the next one.
    position = html.index
    assert position('id="id_email"') < position('id="id_email_errors"') < position('id="id_password1"')
    between = html[position('id="id_email_errors"') : position('id="id_password1"')]
    assert "Enter a valid email address." in between

    password1 = one(html, "input", id="id_password1")
    assert {"is-invalid"} <= classes(password1)
    assert "value" not in password1  # a typed password is never sent back
    after_password = html[position('id="id_password1_errors"') : position('id="id_password2"')]
    assert "This password is too short." in after_password
    assert "short" not in one(html, "input", id="id_password2").get("value", "")


def test_login_failure_shows_a_form_error_and_keeps_the_email(client, verified_user):
    response = log_in(client, verified_user.email, "not-the-password")

    html = main_of(response)
    alert = html[html.index("alert alert-danger") :]
    assert "The email address and/or password you specified are not correct." in alert[:400]
    assert one(html, "input", id="id_login")["value"] == verified_user.email
    assert "value" not in one(html, "input", id="id_password")


def test_verification_sent_and_confirm_pages(client, mailoutbox, password):
    sent = client.post(
        reverse("account_signup"),
        {"full_name": "Look Here", "email": "look@example.org", "password1": password, "password2": password},
        follow=True,
    )
    html = main_of(sent)
    assert "auth-card" in html
    assert "Verify Your Email Address" in html

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    path = urlparse(link.group(0)).path
    confirm = client.get(path)
    assert confirm.status_code == 200
    html = main_of(confirm)
    form = one(html, "form", action=path)
    assert form["method"] == "post"
    assert {"btn", "btn-primary"} <= classes(one(html, "button"))


def test_password_reset_page(client):
    html = main_of(client.get(reverse("account_reset_password")))

    assert {"form-control"} <= classes(one(html, "input", id="id_email"))
    assert one(html, "label", for_="id_email")
    assert {"btn", "btn-primary"} <= classes(one(html, "button", type="submit"))


def test_email_management_page(client, verified_user, password):
    log_in(client, verified_user.email, password)

    html = main_of(client.get(reverse("account_email")))
    current = one(html, "input", id="current_email")
    assert current["value"] == verified_user.email
    assert "disabled" in current
    assert {"form-control"} <= classes(one(html, "input", id="id_email"))
    assert "list-group" in html  # the account menu of the manage layout

    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.org"})
    html = main_of(client.get(reverse("account_email")))
    assert one(html, "input", id="new_email")["value"] == "second@example.org"
    assert {"btn", "btn-sm"} <= classes(one(html, "button", name="action_remove"))


def test_email_change_error_stays_next_to_the_field(client, verified_user, password):
    log_in(client, verified_user.email, password)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "nope"})

    html = main_of(response)
    field = one(html, "input", id="id_email")
    assert field["value"] == "nope"
    assert {"is-invalid"} <= classes(field)
    assert "Enter a valid email address." in html[html.index('id="id_email_errors"') :][:300]


def test_logout_page(client, verified_user):
    client.force_login(verified_user)

    html = main_of(client.get(reverse("account_logout")))

    assert one(html, "form", action=reverse("account_logout"))
    assert {"btn", "btn-primary"} <= classes(one(html, "button", type="submit"))


def test_mfa_pages(client, verified_user, password):
    log_in(client, verified_user.email, password)

    index = main_of(client.get(reverse("mfa_index")))
    assert index.count('class="card mb-4"') == 2  # authenticator app and recovery codes
    activate_link = one(index, "a", href=reverse("mfa_activate_totp"))
    assert {"btn", "btn-primary"} <= classes(activate_link)

    reauth = client.get(reverse("mfa_activate_totp"), follow=True)
    assert {"form-control"} <= classes(one(main_of(reauth), "input", id="id_password"))
    client.post(reauth.redirect_chain[-1][0], {"password": password})

    html = main_of(client.get(reverse("mfa_activate_totp")))
    qr = one(html, "img")
    assert qr["src"].startswith("data:image/svg+xml")
    assert "qr-code" in classes(qr)
    secret = client.session[SECRET_SESSION_KEY]
    secret_field = one(html, "input", id="authenticator_secret")
    assert secret_field["value"] == secret
    assert "disabled" in secret_field
    code = one(html, "input", id="id_code")
    assert {"form-control"} <= classes(code)
    assert code["autocomplete"] == "one-time-code"

    wrong = main_of(client.post(reverse("mfa_activate_totp"), {"code": "12"}))
    assert {"is-invalid"} <= classes(one(wrong, "input", id="id_code"))
    assert one(wrong, "input", id="id_code")["value"] == "12"
    assert one(wrong, "div", id="id_code_errors")

    code_now = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    done = client.post(reverse("mfa_activate_totp"), {"code": code_now}, follow=True)
    html = main_of(done)
    assert done.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    textarea = one(html, "textarea", id="recovery_codes")
    assert {"form-control"} <= classes(textarea)
    assert "readonly" in textarea
    codes = html[html.index('id="recovery_codes"') :].split(">", 1)[1].split("</textarea>")[0].split()
    assert len(codes) == 10

    index = main_of(client.get(reverse("mfa_index")))
    assert "Authentication using an authenticator app is active." in index
    assert {"btn", "btn-danger", "btn-sm"} <= classes(one(index, "a", href=reverse("mfa_deactivate_totp")))
