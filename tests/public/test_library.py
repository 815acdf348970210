"""The public library of local actions: only published actions of public campaigns, the
search in every language the city wrote or translated an action in, each filter, the
reader's language, 24 a page, and a fixed number of queries."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation

from campaign.public.cache import public_version
from pledges.learning.models import CampaignEvent, LocalAction, LocalActionResult
from pledges.monitoring.models import Indicator
from tests.factories import CampaignFactory, CommitmentFactory, MunicipalityFactory
from tests.public.library_helpers import add_file, make_action, set_state, translate

pytestmark = pytest.mark.django_db

State = LocalAction.State


def url(name="library:list", language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def titles(html):
    """The titles of the cards, in order."""
    return re.findall(r'<h2 class="h5 card-title"><a href="[^"]+" lang="[^"]+" dir="auto">([^<]+)</a>', html)


def get(client, language="en", **params):
    response = client.get(url(language=language), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def library(db):
    campaign = CampaignFactory(slug="library-campaign", status="open")
    rights = CommitmentFactory(campaign=campaign, code="RIGHTS-1", theme="rights", title_en="Equal rights")
    data = CommitmentFactory(campaign=campaign, code="DATA-1", theme="data", title_en="Count who lives here")
    mechelen = MunicipalityFactory(name="Mechelen", country="BE", population=86_000)
    lyon = MunicipalityFactory(name="Lyon", country="FR", population=520_000)
    nador = MunicipalityFactory(name="Nador", country="MA", population=30_000)
    mexico = MunicipalityFactory(name="Ciudad de México", country="MX", population=9_000_000)
    actions = {
        "desk": make_action(
            campaign,
            mechelen,
            title="Welcome desk",
            commitments=[rights],
            gcm_objectives=[15, 16],
            status="ongoing",
        ),
        "census": make_action(
            campaign, lyon, title="Counting every resident", commitments=[data], gcm_objectives=[1], status="completed"
        ),
        "school": make_action(
            campaign,
            nador,
            title="School for every child",
            commitments=[rights],
            gcm_objectives=[3, 15, 23],
            status="planned",
        ),
        "clases": make_action(
            campaign,
            mexico,
            language="es",
            title="Clases de idiomas para recién llegados",
            summary="La ciudad ofrece clases gratuitas a las personas migrantes.",
            status="ongoing",
            gcm_objectives=[16],
        ),
    }
    # Never listed: a draft, an action waiting for review, a returned one, a published action
    # of a draft campaign.
    hidden = {
        "draft": make_action(campaign, mechelen, state=State.DRAFT, title="Secret draft zebra"),
        "submitted": make_action(campaign, mechelen, state=State.SUBMITTED, title="Waiting zebra"),
        "returned": make_action(campaign, lyon, state=State.RETURNED, title="Returned zebra"),
        "draft_campaign": make_action(
            CampaignFactory(slug="draft-one", status="draft"), lyon, title="Zebra of a draft campaign"
        ),
    }
    return {"campaign": campaign, "rights": rights, "data": data, "actions": actions, "hidden": hidden}


def test_lists_only_published_actions_of_public_campaigns_newest_first(client, library):
    html = get(client)
    assert titles(html) == [
        "Clases de idiomas para recién llegados",
        "School for every child",
        "Counting every resident",
        "Welcome desk",
    ]
    assert "zebra" not in html.lower()
    assert "4 local actions" in html
    assert get(client, q="zebra").count("card-title") == 0


def test_unpublished_actions_have_no_page(client, library):
    for action in library["hidden"].values():
        assert client.get(url("library:detail", pk=action.pk)).status_code == 404
    desk = library["actions"]["desk"]
    set_state(desk, State.RETURNED)
    assert client.get(url("library:detail", pk=desk.pk)).status_code == 404
    assert "Welcome desk" not in get(client)


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"theme": "rights"}, {"Welcome desk", "School for every child"}),
        ({"theme": "data"}, {"Counting every resident"}),
        ({"commitment": "DATA-1"}, {"Counting every resident"}),
        ({"gcm": "15"}, {"Welcome desk", "School for every child"}),
        ({"gcm": "23"}, {"School for every child"}),
        ({"gcm": "16"}, {"Welcome desk", "Clases de idiomas para recién llegados"}),
        ({"continent": "EU"}, {"Welcome desk", "Counting every resident"}),
        ({"continent": "AF"}, {"School for every child"}),
        ({"country": "FR"}, {"Counting every resident"}),
        ({"size": "small"}, {"School for every child"}),
        ({"size": "medium"}, {"Welcome desk"}),
        ({"size": "large"}, {"Counting every resident"}),
        ({"size": "metropolis"}, {"Clases de idiomas para recién llegados"}),
        ({"status": "completed"}, {"Counting every resident"}),
        ({"status": "planned"}, {"School for every child"}),
        ({"theme": "rights", "continent": "EU"}, {"Welcome desk"}),
        ({"q": "welcome"}, {"Welcome desk"}),
        ({"q": "every"}, {"Counting every resident", "School for every child", "Welcome desk"}),
        ({"q": "resident"}, {"Counting every resident"}),
        ({"q": "every school"}, {"School for every child"}),
    ],
)
def test_each_filter(client, library, params, expected):
    html = get(client, **params)
    assert set(titles(html)) == expected
    assert "Show all" in html  # a way back to everything


def test_the_filters_keep_what_was_chosen(client, library):
    html = get(client, theme="rights", gcm="15", country="BE", q="desk")
    assert '<option value="rights" selected>' in html
    assert '<option value="15" selected>' in html
    assert '<option value="BE" selected>' in html
    assert 'value="desk"' in html


@pytest.mark.parametrize(
    "params", [{"gcm": "24"}, {"gcm": "abc"}, {"theme": "nonsense"}, {"size": "huge"}, {"country": "ZZ"}, {"page": "x"}]
)
def test_unknown_values_are_left_out_with_a_message(client, library, params):
    html = get(client, **params)
    assert len(titles(html)) == 4  # the filter is left out, everything else stays
    if "page" not in params:
        assert "This choice is not one of the list: it was left out." in html


def test_french_search_finds_a_spanish_action_once_translated_and_while_published(client, library):
    clases = library["actions"]["clases"]
    assert titles(get(client, "fr", q="cours langue")) == []
    assert titles(get(client, "fr", q="clases idiomas")) == ["Clases de idiomas para recién llegados"]

    translate(
        clases, "fr", "Cours de langue pour les nouveaux arrivants", "La ville offre des cours gratuits aux migrants."
    )
    html = get(client, "fr", q="cours langue")
    assert titles(html) == ["Cours de langue pour les nouveaux arrivants"]  # the reader's language
    assert 'lang="fr"' in html
    assert "espagnol" in html  # the language it was written in, in the reader's words

    set_state(clases, State.RETURNED)
    assert titles(get(client, "fr", q="cours langue")) == []


def test_cards_are_in_the_readers_language_with_their_own_language_said(client, library):
    clases = library["actions"]["clases"]
    translate(clases, "en", "Language classes for newcomers", "The city offers free classes to migrants.")
    html = get(client)
    assert "Language classes for newcomers" in html
    assert "Written in Spanish, translated by the city." in html
    spanish = get(client, "es")
    assert "Clases de idiomas para recién llegados" in spanish
    assert "Language classes for newcomers" not in spanish


def _bulk(campaign, commitments, n):
    cities = [MunicipalityFactory(name=f"Town {i}", country="BE", population=10_000 * (i + 1)) for i in range(3)]
    for i in range(n):
        action = make_action(campaign, cities[i % 3], title=f"Action number {i}", commitments=commitments)
        if i % 2:
            translate(action, "fr", f"Action numéro {i}", "En français.")


def _queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(), params).status_code == 200
    return len(ctx.captured_queries)


def test_a_fixed_number_of_queries(client, django_assert_num_queries, db):
    campaign = CampaignFactory(slug="bulk", status="open")
    commitments = [CommitmentFactory(campaign=campaign, theme="rights"), CommitmentFactory(campaign=campaign)]
    _bulk(campaign, commitments, 3)
    expected = _queries(client)
    filtered = _queries(client, theme="rights", gcm="5", q="action", size="small")
    _bulk(campaign, commitments, 27)
    with django_assert_num_queries(expected):
        assert len(titles(client.get(url()).content.decode())) == 24
    assert _queries(client, theme="rights", gcm="5", q="action", size="small") == filtered


def test_page_two(client, db):
    campaign = CampaignFactory(slug="pages", status="open")
    city = MunicipalityFactory(name="Paged", country="BE")
    for i in range(30):
        make_action(campaign, city, title=f"Action {i:02d}", published_ago=timedelta(hours=100 - i), status="planned")
    make_action(campaign, city, title="Ongoing one", published_ago=timedelta(hours=200), status="ongoing")
    first = get(client, status="planned")
    assert len(titles(first)) == 24
    assert titles(first)[0] == "Action 29"
    assert "page=2" in first and "status=planned" in first  # the link keeps the filter
    second = get(client, status="planned", page="2")
    assert titles(second) == [f"Action {i:02d}" for i in range(5, -1, -1)]
    assert "Ongoing one" not in second


def test_the_page_of_an_action(client, library, django_capture_on_commit_callbacks):
    desk = library["actions"]["desk"]
    desk.description = "Every service in one place."
    desk.budget = Decimal("12500.50")
    desk.budget_currency = "EUR"
    desk.audiences = ["women", "asylum_seekers"]
    desk.links = ["https://mechelen.example/desk"]
    desk.sdg_targets = ["10.7"]
    desk.funding_sources = "City budget\nEU fund"
    desk.partners = "Red Cross"
    desk.started_on = timezone.now().date() - timedelta(days=300)
    desk.event = CampaignEvent.objects.create(
        campaign=library["campaign"], title="Forum of cities", starts_on=timezone.now().date() - timedelta(days=30)
    )
    desk.save()
    indicator = Indicator.objects.create(
        commitment=library["rights"], code="IND-1", name="People welcomed", unit="people", kind="count"
    )
    LocalActionResult.objects.create(action=desk, indicator=indicator, value=Decimal("1234.5"))
    image = add_file(
        desk,
        kind="image",
        content=b"\x89PNG...",
        name="desk.png",
        content_type="image/png",
        alt_text="The desk",
        width=800,
        height=600,
    )
    add_file(desk, content=b"%PDF-1.4", name="plan.pdf", title="The plan")
    translate(desk, "fr", "Guichet d’accueil", "Un guichet pour tout.")

    html = client.get(url("library:detail", pk=desk.pk)).content.decode()
    assert "Welcome desk" in html and "Every service in one place." in html
    assert "Written in English." in html
    assert 'href="?lang=fr"' in html and "Français" in html
    assert "€12,500.50" in html
    assert "1,234.5" in html and "People welcomed" in html
    assert "Women and girls" in html and "Asylum seekers and refugees" in html
    assert 'rel="nofollow noopener"' in html
    assert 'alt="The desk" width="800" height="600"' in html
    assert url("library:file", pk=desk.pk, file_pk=image.pk) in html
    assert "The plan" in html
    assert '<dd dir="auto" lang="en" class="library-contact">Integration office</dd>' in html
    assert "mailto:" not in html.split('id="facts-heading"')[1]  # a role, never an address
    assert "Forum of cities" in html and "Objective 15" in html and "10.7" in html
    assert "City budget" in html and "Red Cross" in html

    french = client.get(url("library:detail", "fr", pk=desk.pk)).content.decode()
    assert "Guichet d’accueil" in french
    assert "12\u202f500,50\u00a0€" in french or "12 500,50 €" in french
    assert "1\u202f234,5" in french or "1 234,5" in french
    # Read in the language it was written in, from the French page.
    original = client.get(url("library:detail", "fr", pk=desk.pk), {"lang": "en"}).content.decode()
    assert "Welcome desk" in original and "Guichet d’accueil" not in original
    # An unknown ?lang is the reader's language, never an error.
    assert client.get(url("library:detail", "fr", pk=desk.pk), {"lang": "xx"}).status_code == 200


def test_the_navigation_links_to_the_library(client, library):
    html = client.get(url("library:list")).content.decode()
    assert f'href="{url("library:list")}">Local actions</a>' in html


def test_a_change_of_an_action_retires_the_cached_pages(library, django_capture_on_commit_callbacks):
    before = public_version()
    with django_capture_on_commit_callbacks(execute=True):
        set_state(library["actions"]["desk"], State.RETURNED)
    after = public_version()
    assert after != before
    with django_capture_on_commit_callbacks(execute=True):
        library["actions"]["census"].commitments.add(library["rights"])
    assert public_version() != after


def test_arabic_pages_read_right_to_left_and_city_text_finds_its_direction(client, library):
    school = library["actions"]["school"]
    translate(school, "ar", "مدرسة لكل طفل", "تفتح المدينة مدارسها لكل الأطفال.")
    html = get(client, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert 'lang="ar" dir="auto">مدرسة لكل طفل</a>' in html
    assert 'lang="en" dir="auto">Welcome desk</a>' in html  # not translated: its own language, marked
    page = client.get(url("library:detail", "ar", pk=school.pk)).content.decode()
    assert 'dir="rtl"' in page and 'lang="ar" dir="auto">مدرسة لكل طفل</h1>' in page
    assert "الإنجليزية" in page  # written in English, said in Arabic


def test_the_pages_are_finished_responses_and_the_files_are_not():
    """The pages go through the public cache (campaign/public/cache.py); a file never does."""
    for name, kwargs in (("library:list", {}), ("library:feed", {}), ("library:detail", {"pk": 1})):
        assert resolve(url(name, **kwargs)).func.__code__.co_filename.endswith("public/cache.py"), name
    assert not resolve(url("library:file", pk=1, file_pk=1)).func.__code__.co_filename.endswith("public/cache.py")


def test_a_search_too_long_is_said_next_to_the_box_and_kept(client, library):
    html = get(client, q="x" * 250)
    assert len(titles(html)) == 4
    assert 'id="id_q_error"' in html and "x" * 250 in html
