"""A visitor becomes a signed-in official, in French, in a real browser."""

import re
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.e2e

PASSWORD = "une-Phrase-de-passe-assez-longue-7"
EMAIL = "elue@ville.example"
NAME = "Élodie Fontaine"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_visitor_signs_up_in_french_verifies_and_reaches_their_account(page, shoot):
    page.goto("/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.get_by_role("navigation", name="Language")
    expect(switcher.locator("[aria-current=true]")).to_have_attribute("lang", "en")
    shoot("home-en")

    # The switcher opens a list of links to the same page in each language: French leads to /fr/.
    switcher.locator("summary").click()
    with page.expect_navigation(url=re.compile(r"/fr/$")):
        switcher.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    with translation.override("fr"):
        label = gettext("Language")
    expect(page.get_by_role("navigation", name=label).locator("[aria-current=true]")).to_have_attribute("lang", "fr")
    shoot("home-fr")

    page.locator("header a[href='/fr/accounts/signup/']").click()
    page.wait_for_url("**/fr/accounts/signup/")
    shoot("signup-empty")

    # A first try with passwords that differ: the error sits under the field, the email stays.
    # The form asks the person's name first.
    expect(page.locator("main form input:visible").first).to_have_attribute("id", "id_full_name")
    page.fill("#id_full_name", NAME)
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD + "-oops")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#id_password2")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_password2_errors")).to_be_visible()
    expect(page.locator("#id_email")).to_have_value(EMAIL)
    expect(page.locator("#id_full_name")).to_have_value(NAME)
    assert not User.objects.filter(email=EMAIL).exists()
    shoot("signup-error")

    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/fr/accounts/confirm-email/")
    shoot("verification-sent")

    user = User.objects.get(email=EMAIL)
    assert user.preferred_language == "fr"
    assert user.full_name == NAME
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    # The email greets her by name, in French, never by her address.
    with translation.override("fr"):
        greeting = gettext("Dear %(recipient_name)s,") % {"recipient_name": NAME}
    assert mail.outbox[0].body.startswith(greeting)
    assert EMAIL not in mail.outbox[0].body.splitlines()[0]
    link = CONFIRM_LINK.search(mail.outbox[0].body)
    assert link, mail.outbox[0].body
    confirm_path = urlparse(link.group(0)).path
    assert confirm_path.startswith("/fr/accounts/confirm-email/")

    page.goto(confirm_path)
    expect(page.locator("main")).to_contain_text(EMAIL)
    shoot("confirm")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/fr/accounts/login/")
    assert EmailAddress.objects.get(user=user).verified is True
    shoot("login")

    page.fill("#id_login", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/fr/accounts/profile/")
    shoot("account")

    assert urlparse(page.url).path == "/fr/accounts/profile/"
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main")).to_contain_text(EMAIL)
    # "Mon compte" once the French catalogue is compiled; until then the English words.
    with translation.override("fr"):
        heading = gettext("My account")
    expect(page.locator("main h1")).to_have_text(heading)
    # The navigation now offers the account (in the "My space" menu) instead of "Sign up".
    page.locator("header .dropdown-toggle").click()
    expect(page.locator("header a[href='/fr/accounts/profile/']")).to_be_visible()
    expect(page.locator("header a[href='/fr/accounts/signup/']")).to_have_count(0)
