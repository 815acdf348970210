"""Nothing typed is lost: a long form posted after its session ended, or with a stale CSRF
token, comes back after login, to the same account only, once (campaign/kept_forms.py,
campaign/csrf_failure.py)."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from campaign import kept_forms
from pledges.models import Announcement, ProgressReport
from tests.factories import UserFactory, approve_official

NARRATIVE = "We opened two health centres; " + "newcomers registered with a family doctor. " * 130
OWNER = kept_forms.OWNER_FIELD


@pytest.fixture
def report_url(verified_pledge_a, current_period):
    return reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk])


def owner_token_of(html: str) -> str:
    match = re.search(rf'name="{OWNER}" value="([^"]+)"', html)
    assert match, "the form carries no owner token"
    return match.group(1)


def report_post(client, url, *, narrative=NARRATIVE, action="save"):
    """The report form as the browser would post it, from the page the official opened."""
    page = client.get(url).content.decode()
    count = len(re.findall(r'name="form-\d+-narrative"', page))
    data = {
        OWNER: owner_token_of(page),
        "action": action,
        "form-TOTAL_FORMS": str(count),
        "form-INITIAL_FORMS": str(count),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i in range(count):
        data |= {f"form-{i}-status": "in_progress", f"form-{i}-narrative": narrative, f"form-{i}-figures": "40"}
    return data


def textarea_values(html: str, name: str) -> list[str]:
    return [
        unescape(value).strip()
        for value in re.findall(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, flags=re.S)
    ]


# --- the session ended ----------------------------------------------------------------


def test_report_text_posted_after_logout_comes_back_after_login(client, official_a, report_url):
    client.force_login(official_a)
    data = report_post(client, report_url)
    client.logout()  # the session ended in another tab

    response = client.post(report_url, data)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert kept_forms.COOKIE in response.cookies
    assert not ProgressReport.objects.exists()
    login_page = client.get(response["Location"]).content.decode()
    assert "Your session has ended. Log in again: the text you sent is kept." in login_page

    client.force_login(official_a)
    restored = client.get(report_url)
    page = restored.content.decode()
    assert "Your text was kept: check it and save again." in page
    assert textarea_values(page, "form-0-narrative") == [NARRATIVE.strip()]
    assert restored.cookies[kept_forms.COOKIE].value == ""  # taken: the browser forgets its stash

    # Kept once: the next visit shows what is saved, not the old post.
    again = client.get(report_url).content.decode()
    assert "Your text was kept" not in again
    assert textarea_values(again, "form-0-narrative") == [""]


def test_the_kept_text_comes_back_in_the_language_the_user_logs_in_to(client, official_a, report_url):
    client.force_login(official_a)
    data = report_post(client, report_url)
    client.logout()
    client.post(report_url, data)

    client.force_login(official_a)
    page = client.get(report_url.replace("/en/", "/fr/", 1)).content.decode()

    assert textarea_values(page, "form-0-narrative") == [NARRATIVE.strip()]


def test_another_account_in_the_same_browser_never_sees_the_text(client, official_a, city_a, report_url):
    colleague = UserFactory(email="colleague@mechelen.be")
    approve_official(colleague, city_a)
    client.force_login(official_a)
    data = report_post(client, report_url)
    client.logout()
    client.post(report_url, data)

    client.force_login(colleague)  # acts for the same city, may open the same form
    page = client.get(report_url).content.decode()

    assert "Your text was kept" not in page
    assert NARRATIVE.strip() not in page
    # ... and the owner still gets it back afterwards.
    client.force_login(official_a)
    assert textarea_values(client.get(report_url).content.decode(), "form-0-narrative") == [NARRATIVE.strip()]


def test_the_kept_text_is_tied_to_its_form(client, official_a, report_url, verified_pledge_a, past_period):
    client.force_login(official_a)
    data = report_post(client, report_url)
    client.logout()
    client.post(report_url, data)

    client.force_login(official_a)
    other_period = reverse("reports:edit", args=[verified_pledge_a.pk, past_period.pk])
    page = client.get(other_period).content.decode()

    assert "Your text was kept" not in page
    assert NARRATIVE.strip() not in page


def test_a_post_without_our_owner_token_is_not_kept(client, official_a, report_url):
    client.force_login(official_a)
    data = report_post(client, report_url)
    client.logout()

    forged = client.post(report_url, {**data, OWNER: "not-signed"})
    other_form = client.post(report_url, {**data, OWNER: kept_forms.owner_token(official_a, "announcements:new")})
    missing = client.post(report_url, {k: v for k, v in data.items() if k != OWNER})

    for response in (forged, other_form, missing):
        assert response.status_code == 302
        assert kept_forms.COOKIE not in response.cookies
    client.force_login(official_a)
    assert "Your text was kept" not in client.get(report_url).content.decode()


def test_a_kept_text_expires_after_a_day(client, official_a, report_url, time_machine):
    client.force_login(official_a)
    data = report_post(client, report_url)
    client.logout()
    client.post(report_url, data)

    time_machine.move_to(timedelta(hours=25))
    client.force_login(official_a)

    assert "Your text was kept" not in client.get(report_url).content.decode()


def test_the_pledge_form_keeps_text_and_ticks_but_not_the_file(
    client, official_a, draft_pledge_a, optional_commitments, pdf_upload
):
    url = reverse("pledges:edit", args=[draft_pledge_a.pk])
    client.force_login(official_a)
    token = owner_token_of(client.get(url).content.decode())
    client.logout()
    chosen = optional_commitments[1]
    data = {
        OWNER: token,
        "save": "1",
        "signatory_name": "Bart Somers",
        "signatory_title": "Mayor of Mechelen",
        "council_decision_date": (date.today() - timedelta(days=3)).isoformat(),
        "statement": "Mechelen signs because every newcomer is a citizen from day one.",
        f"chosen_{chosen.pk}": "on",
        f"target_{chosen.pk}": "A school place for every child within a week",
        "resolution": pdf_upload(),
    }

    client.post(url, data)
    client.force_login(official_a)
    page = client.get(url).content.decode()

    assert "Your text was kept: check it and save again." in page
    assert "Files are not kept: choose them again." in page
    assert textarea_values(page, "statement") == [data["statement"]]
    assert textarea_values(page, f"target_{chosen.pk}") == [data[f"target_{chosen.pk}"]]
    assert re.search(rf'name="chosen_{chosen.pk}"[^>]*checked', page)
    assert 'value="Bart Somers"' in page
    draft_pledge_a.refresh_from_db()
    assert draft_pledge_a.statement == ""  # nothing saved until the official saves again


def test_the_membership_request_keeps_its_note(db, client, verified_user, city_b):
    url = reverse("accounts:membership_request")
    client.force_login(verified_user)
    token = owner_token_of(client.get(url).content.decode())
    client.logout()
    note = "I am the focal point for migrants' rights named by the council in March."

    client.post(url, {OWNER: token, "municipality": city_b.pk, "role": "focal_point", "evidence_note": note})
    client.force_login(verified_user)
    page = client.get(url).content.decode()

    assert textarea_values(page, "evidence_note") == [note]
    assert f'value="{city_b.pk}"' in page
    assert not Membership.objects.filter(user=verified_user).exists()


def test_the_announcement_keeps_its_body(client, staff_admin, campaign, settings):
    settings.STAFF_REQUIRE_MFA = False
    url = reverse("announcements:new")
    client.force_login(staff_admin)
    token = owner_token_of(client.get(url).content.decode())
    client.logout()
    body = "Dear colleagues,\n\nthe reporting period opens next week. " * 20

    client.post(url, {OWNER: token, "campaign": campaign.pk, "language": "en", "subject": "Reports", "body": body})
    client.force_login(staff_admin)
    page = client.get(url).content.decode()

    assert textarea_values(page, "body") == [body.strip()]
    assert 'value="Reports"' in page
    assert not Announcement.objects.exists()


def test_an_oversized_anonymous_post_is_not_kept(client, official_a, report_url):
    client.force_login(official_a)
    data = report_post(client, report_url, narrative="x" * (kept_forms.MAX_KEPT_CHARS + 1))
    client.logout()

    response = client.post(report_url, data)

    assert kept_forms.COOKIE not in response.cookies


# --- stale CSRF token -------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_a_stale_csrf_token_gives_our_page_keeps_the_text_and_links_back(
    csrf_client, official_a, report_url, django_assert_num_queries
):
    csrf_client.force_login(official_a)
    data = report_post(csrf_client, report_url)
    data["csrfmiddlewaretoken"] = "stale" * 8  # logged in again in another tab: a new token

    with django_assert_num_queries(0):  # neither the user nor the session: it works with the database down
        response = csrf_client.post(report_url, data)

    assert response.status_code == 403
    page = response.content.decode()
    assert "The form could not be sent" in page
    assert "Your text was kept. Open the form again and it comes back" in page
    assert f'href="{report_url}" id="back-to-form"' in page
    assert NARRATIVE.strip()[:200] in unescape(page)  # there to copy, too
    assert '<link rel="stylesheet"' in page  # the site's layout, not Django's bare page
    assert kept_forms.COOKIE in response.cookies

    back = csrf_client.get(report_url).content.decode()
    assert textarea_values(back, "form-0-narrative") == [NARRATIVE.strip()]
    assert not ProgressReport.objects.exists()


def test_csrf_page_shows_the_text_when_it_cannot_be_kept(csrf_client, official_a, report_url, monkeypatch):
    csrf_client.force_login(official_a)
    data = report_post(csrf_client, report_url)

    def cache_down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(kept_forms.cache, "get", cache_down)
    response = csrf_client.post(report_url, data)

    page = unescape(response.content.decode())
    assert response.status_code == 403
    assert "Your text could not be kept on the site. Copy it below before you leave this page." in page
    assert '<details class="mt-3" open>' in page
    assert NARRATIVE.strip()[:200] in page


def test_csrf_failure_elsewhere_links_back_only_to_our_own_pages(csrf_client, official_a):
    csrf_client.force_login(official_a)
    logout = reverse("account_logout")
    profile = "http://testserver" + reverse("accounts:profile")

    own = csrf_client.post(logout, HTTP_REFERER=profile)
    foreign = csrf_client.post(logout, HTTP_REFERER="https://evil.example/phish")

    assert own.status_code == foreign.status_code == 403
    assert f'href="{profile}" id="back-to-form"' in own.content.decode()
    assert "evil.example" not in foreign.content.decode()
    assert "back-to-form" not in foreign.content.decode()
    assert kept_forms.COOKIE not in own.cookies


def test_csrf_page_speaks_the_language_of_the_address(csrf_client):
    response = csrf_client.post("/fr/accounts/login/", {"login": "a@b.c", "password": "x"})

    assert response.status_code == 403
    assert '<html lang="fr"' in response.content.decode()


# --- the browser's drafts are told which were saved ---------------------------------------


def test_a_successful_save_names_the_draft_to_forget(client, official_a, report_url, verified_pledge_a):
    client.force_login(official_a)
    data = report_post(client, report_url)

    response = client.post(report_url, data)

    assert response.status_code == 302
    address = f"reports:edit:{response.wsgi_request.resolver_match.kwargs['period_pk']}:{verified_pledge_a.pk}"
    assert response.cookies[kept_forms.SAVED_COOKIE].value == f"{official_a.pk}:{address}"
    page = client.get(report_url).content.decode()
    assert f'data-draft-key="{official_a.pk}:{address}"' in page


def test_a_failed_save_keeps_the_draft(client, official_a, report_url):
    client.force_login(official_a)
    data = report_post(client, report_url, narrative="", action="submit")  # narrative required to submit

    response = client.post(report_url, data)

    assert response.status_code == 200
    assert kept_forms.SAVED_COOKIE not in response.cookies


def test_a_redirect_with_an_error_is_not_a_save(client, official_a, submitted_pledge_a):
    url = reverse("pledges:edit", args=[submitted_pledge_a.pk])
    client.force_login(official_a)

    response = client.post(url, {"save": "1", "statement": "Too late to change"})

    assert response.status_code == 302  # "can no longer be edited"
    assert kept_forms.SAVED_COOKIE not in response.cookies


def test_long_forms_load_the_drafts_script_without_inline_code(client, official_a, report_url):
    client.force_login(official_a)
    page = client.get(report_url).content.decode()

    assert re.search(r'<script src="[^"]*/drafts(\.[0-9a-f]+)?\.js"></script>', page)
    assert re.search(r'<script src="/jsi18n/"></script>|<script src="[^"]*jsi18n/?"></script>', page)
    assert not re.search(r"<script>(?!\s*</script>)", page)


def test_a_later_post_does_not_stretch_an_earlier_ones_day(client, official_a, report_url, verified_user, time_machine):
    client.force_login(official_a)
    data = report_post(client, report_url)
    client.logout()
    client.post(report_url, data)

    # Twenty hours later, another form is kept in the same browser: its entry is renewed...
    time_machine.move_to(timedelta(hours=20))
    client.force_login(verified_user)
    url = reverse("accounts:membership_request")
    token = owner_token_of(client.get(url).content.decode())
    client.logout()
    client.post(url, {OWNER: token, "evidence_note": "Named by the council."})

    # ... but the report's text is older than a day when the official comes back.
    time_machine.move_to(timedelta(hours=5))
    client.force_login(official_a)
    assert "Your text was kept" not in client.get(report_url).content.decode()
    client.force_login(verified_user)
    assert "Your text was kept" in client.get(url).content.decode()
