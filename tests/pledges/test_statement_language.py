"""A pledge statement's language is recorded when it is written, and the public page marks
the statement with it (lang="…", dir="auto"), whatever the language of the page."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pledges import services
from pledges.models import Pledge, ProgressUpdate

pytestmark = pytest.mark.django_db

STATEMENT_AR = "تلتزم مدينتنا بحقوق كل القادمين الجدد، أيًّا كانت أوراقهم."


def save(official, pledge, statement, **kwargs):
    return services.pledge_save_draft(
        actor=official,
        pledge=pledge,
        signatory_name="Bart Somers",
        signatory_title="Mayor of Mechelen",
        council_decision_date=date.today() - timedelta(days=10),
        statement=statement,
        chosen=[],
        **kwargs,
    )


def edit_url(pledge, language="en"):
    return f"/{language}/pledges/{pledge.pk}/edit/"


def statement_block(html):
    """The opening tag of the public statement's blockquote."""
    match = re.search(r"<blockquote[^>]*pledge-statement[^>]*>", html)
    assert match, "the page shows the statement"
    return match.group(0)


# --- the service --------------------------------------------------------------------------


def test_by_default_the_statement_is_in_the_language_the_form_was_filled_in(draft_pledge_a, official_a):
    with translation.override("fr"):
        pledge = save(official_a, draft_pledge_a, "Malines défend les droits de chaque nouvel arrivant.")
    assert pledge.statement_language == "fr"
    with translation.override("ar"):
        pledge = save(official_a, draft_pledge_a, STATEMENT_AR)
    assert Pledge.objects.get(pk=pledge.pk).statement_language == "ar"


def test_the_language_the_author_picks_wins_over_the_page_language(draft_pledge_a, official_a):
    with translation.override("en"):
        pledge = save(official_a, draft_pledge_a, STATEMENT_AR, statement_language="ar")
    assert Pledge.objects.get(pk=pledge.pk).statement_language == "ar"


def test_another_language_is_recorded_as_unknown(draft_pledge_a, official_a):
    pledge = save(
        official_a, draft_pledge_a, "Mechelen staat voor de rechten van elke nieuwkomer.", statement_language=""
    )
    assert Pledge.objects.get(pk=pledge.pk).statement_language == ""


def test_no_statement_has_no_language(draft_pledge_a, official_a):
    pledge = save(official_a, draft_pledge_a, "   ", statement_language="fr")
    assert Pledge.objects.get(pk=pledge.pk).statement_language == ""


def test_a_city_language_the_site_does_not_speak_is_kept_and_offered_again(client, draft_pledge_a, official_a):
    # A statement in Dutch (as the demo's Mechelen writes it) is marked lang="nl", not "".
    pledge = save(
        official_a, draft_pledge_a, "Mechelen staat voor de rechten van elke nieuwkomer.", statement_language="nl"
    )
    assert Pledge.objects.get(pk=pledge.pk).statement_language == "nl"
    client.force_login(official_a)
    html = client.get(edit_url(pledge, "en")).content.decode()
    select = re.search(r'<select name="statement_language".*?</select>', html, re.S).group(0)
    assert re.search(r'<option value="nl"[^>]*selected[^>]*>Nederlands</option>', select)


def test_a_language_nobody_knows_is_refused_by_field(draft_pledge_a, official_a):
    with pytest.raises(ValidationError) as caught:
        save(official_a, draft_pledge_a, "Some words.", statement_language="xx")
    assert "statement_language" in caught.value.error_dict
    assert Pledge.objects.get(pk=draft_pledge_a.pk).statement == ""


# --- the form -----------------------------------------------------------------------------


def test_the_form_offers_the_languages_and_preselects_the_page_language(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    html = client.get(edit_url(draft_pledge_a, "ar")).content.decode()
    select = re.search(r'<select name="statement_language".*?</select>', html, re.S).group(0)
    arabic = re.search(r'<option value="ar"[^>]*>', select).group(0)
    assert "selected" in arabic and 'lang="ar"' in arabic
    assert 'lang="fr"' in select and "Français" in select and "Español" in select
    assert '<option value="">' in select  # another language
    assert re.search(r'<textarea name="statement"[^>]*dir="auto"', html)


def test_the_language_picked_on_the_form_is_recorded(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    response = client.post(
        edit_url(draft_pledge_a, "en"),
        {"signatory_name": "Bart Somers", "statement": STATEMENT_AR, "statement_language": "ar", "save": "1"},
    )
    assert response.status_code == 302
    assert Pledge.objects.get(pk=draft_pledge_a.pk).statement_language == "ar"


def test_a_bad_language_on_the_form_is_an_error_next_to_the_field(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    response = client.post(
        edit_url(draft_pledge_a, "fr"),
        {"signatory_name": "Bart Somers", "statement": "Quelques mots.", "statement_language": "xx", "save": "1"},
    )
    assert response.status_code == 400  # the form again, with its errors
    assert "Quelques mots." in response.content.decode()  # kept
    assert "statement_language" in response.context["form"].errors
    assert Pledge.objects.get(pk=draft_pledge_a.pk).statement == ""


def test_a_form_without_the_field_takes_the_page_language(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    client.post(edit_url(draft_pledge_a, "es"), {"statement": "Unas palabras.", "save": "1"})
    assert Pledge.objects.get(pk=draft_pledge_a.pk).statement_language == "es"


# --- the public page ----------------------------------------------------------------------


def test_the_public_statement_carries_its_language_on_a_page_of_another(client, verified_pledge_a, city_a):
    Pledge.objects.filter(pk=verified_pledge_a.pk).update(statement=STATEMENT_AR, statement_language="ar")
    tag = statement_block(client.get(f"/en/cities/{city_a.slug}/").content.decode())
    assert 'lang="ar"' in tag and 'dir="auto"' in tag
    html = client.get(f"/fr/cities/{city_a.slug}/").content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert 'lang="ar"' in statement_block(html)


def test_a_statement_of_unknown_language_is_not_claimed_to_be_the_pages(client, verified_pledge_a, city_a):
    Pledge.objects.filter(pk=verified_pledge_a.pk).update(statement_language="")
    tag = statement_block(client.get(f"/fr/cities/{city_a.slug}/").content.decode())
    assert 'lang=""' in tag  # unknown, not French


def test_the_fixture_statement_was_recorded_in_english(verified_pledge_a):
    # Written through the service while English was active (tests/conftest.py).
    assert verified_pledge_a.statement_language == "en"


def test_the_api_says_which_language_each_statement_is_in(client, verified_pledge_a):
    Pledge.objects.filter(pk=verified_pledge_a.pk).update(statement=STATEMENT_AR, statement_language="ar")
    record = client.get("/api/v1/signatories/").json()["results"][0]
    assert record["statement"] == STATEMENT_AR and record["statement_language"] == "ar"
    Pledge.objects.filter(pk=verified_pledge_a.pk).update(statement_language="")
    assert client.get("/api/v1/signatories/").json()["results"][0]["statement_language"] is None


def test_a_reports_narratives_carry_the_language_it_was_submitted_in(
    client, verified_pledge_a, official_a, city_a, current_period
):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    narrative = "افتتحنا مكتبًا لاستقبال القادمين الجدد"
    updates = [
        services.UpdateInput(chosen_id=u.chosen_id, status=ProgressUpdate.Status.IN_PROGRESS, narrative=narrative)
        for u in report.updates.all()
    ]
    services.report_save(actor=official_a, report=report, updates=updates)
    with translation.override("ar"):
        services.report_submit(actor=official_a, report=report)
    html = client.get(f"/en/cities/{city_a.slug}/").content.decode()
    holder = re.findall(r"<div[^>]*>", html[: html.index(narrative)])[-1]
    assert 'lang="ar"' in holder and 'dir="auto"' in holder
