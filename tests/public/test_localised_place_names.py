"""Countries, regions and municipalities named in the reader's language on the public pages
(and the staff's), never a bare region code, and no page of one language served from the
cache of another; the open data and the API keep their English names."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Municipality
from campaign.public import cache as public_cache
from campaign.public import projection
from pledges.models import Pledge
from tests.factories import CampaignFactory, MunicipalityFactory


def sign(campaign, **place):
    """A verified signatory of the campaign, through the read model as the services leave it."""
    municipality = MunicipalityFactory(**place)
    pledge = Pledge.objects.create(
        campaign=campaign, municipality=municipality, status="verified", verified_at=timezone.now()
    )
    projection.refresh_pledges([pledge.pk])
    return municipality


@pytest.fixture
def world(db):
    campaign = CampaignFactory(slug="cities-pledge", status="open")
    return {
        "campaign": campaign,
        "beirut": sign(
            campaign,
            name="Beirut",
            country="LB",
            admin_region="04",
            time_zone="Asia/Beirut",
            latitude=33.9,
            longitude=35.5,
        ),
        "lisbon": sign(
            campaign,
            name="Lisbon",
            country="PT",
            admin_region="14",
            time_zone="Europe/Lisbon",
            latitude=38.7,
            longitude=-9.1,
        ),
        "milan": sign(
            campaign,
            name="Milan",
            country="IT",
            admin_region="09",
            time_zone="Europe/Rome",
            latitude=45.5,
            longitude=9.2,
        ),
        "berlin": sign(
            campaign,
            name="Berlin",
            country="DE",
            admin_region="16",
            time_zone="Europe/Berlin",
            latitude=52.5,
            longitude=13.4,
        ),
    }


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def heading(html):
    """The page's heading as HTML, without the wrapping element that gives it its direction."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no heading"
    inner = match.group(1).strip()
    wrapped = re.fullmatch(r'<span dir="auto">(.*)</span>', inner, re.S)
    return wrapped.group(1) if wrapped else inner


def facts(html):
    """The city profile's facts: {label: value}, tags stripped."""
    block = re.search(r'<dl class="row mb-3 city-facts">(.*?)</dl>', html, re.S).group(1)
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt><dd[^>]*>(.*?)</dd>", block, re.S)
    return {dt.strip(): re.sub(r"<[^>]+>", "", dd).strip() for dt, dd in pairs}


# --- the city profile --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label", "country"),
    [("en", "Country", "Lebanon"), ("fr", "Pays", "Liban"), ("es", "País", "Líbano"), ("ar", None, "لبنان")],
)
def test_profile_names_the_country_in_the_readers_language(client, world, language, label, country):
    html = html_of(client, f"/{language}/cities/{world['beirut'].slug}/")
    shown = facts(html)
    assert any(value.startswith(country) for value in shown.values()), shown
    if label:
        assert shown[label].startswith(country)
    if language != "en":
        assert "Lebanon" not in html


def test_profile_hides_a_bare_region_code(client, world):
    html = html_of(client, f"/en/cities/{world['milan'].slug}/")
    assert "Region" not in facts(html)
    assert ">09<" not in html


def test_profile_shows_the_region_name_an_admin_wrote(client, world):
    milan = world["milan"]
    milan.region_name = "Lombardia"
    milan.save()
    assert facts(html_of(client, f"/fr/cities/{milan.slug}/"))["Région"] == "Lombardia"


@pytest.mark.parametrize(
    ("language", "shown", "local"),
    [("fr", "Lisbonne", "Lisboa"), ("ar", "لشبونة", "Lisboa"), ("en", "Lisbon", "Lisboa"), ("es", "Lisboa", None)],
)
def test_profile_heading_in_the_readers_language_with_the_local_name_beside(client, world, language, shown, local):
    html = html_of(client, f"/{language}/cities/{world['lisbon'].slug}/")
    title = heading(html)
    assert title.startswith(shown)
    if local:
        assert f'(<bdi lang="pt">{local}</bdi>)' in title
        assert f"<title>{shown} ({local})" in html
    else:
        assert "(" not in title


def test_profile_of_beirut_in_french_writes_the_arabic_name_as_arabic(client, world):
    title = heading(html_of(client, f"/fr/cities/{world['beirut'].slug}/"))
    assert title.startswith("Beyrouth") and '<bdi lang="ar">بيروت</bdi>' in title


def test_admin_written_names_win(client, world):
    milan = world["milan"]
    milan.local_names = {"es": "Milán", "it": "Milano"}
    milan.save()
    title = heading(html_of(client, f"/es/cities/{milan.slug}/"))
    assert title.startswith("Milán") and '<bdi lang="it">Milano</bdi>' in title
    assert heading(html_of(client, f"/fr/cities/{milan.slug}/")).startswith("Milan ")  # no French name: its own


# --- the list of signatories -------------------------------------------------------------------


def country_options(html):
    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select) if value]


def row_countries(html):
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [re.findall(r"<td>([^<]*)</td>", row)[0] for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_list_names_countries_and_places_in_french(client, world):
    html = html_of(client, "/fr/cities/")
    assert country_options(html) == ["Allemagne", "Italie", "Liban", "Portugal"]
    assert "Lisbonne" in html and '<bdi lang="pt">Lisboa</bdi>' in html
    assert "Lebanon" not in html and "Germany" not in html


def test_list_sorts_by_country_in_the_readers_language(client, world):
    assert row_countries(html_of(client, "/fr/cities/?sort=country")) == ["Allemagne", "Italie", "Liban", "Portugal"]
    assert row_countries(html_of(client, "/en/cities/?sort=country")) == ["Germany", "Italy", "Lebanon", "Portugal"]
    assert row_countries(html_of(client, "/es/cities/?sort=-country")) == ["Portugal", "Líbano", "Italia", "Alemania"]


def test_list_is_searched_by_the_country_in_the_readers_language(client, world):
    html = html_of(client, "/fr/cities/?q=liban")
    assert row_countries(html) == ["Liban"]
    assert row_countries(html_of(client, "/ar/cities/?q=لبنان")) == ["لبنان"]


# --- the map's page ------------------------------------------------------------------------------


def map_config(html):
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_map_page_sends_the_names_in_its_language(client, world):
    config = map_config(html_of(client, "/fr/map/"))
    assert config["countries"]["LB"] == "Liban"
    assert config["names"][world["lisbon"].slug] == ["Lisbonne", "Lisboa"]
    assert config["names"][world["beirut"].slug] == ["Beyrouth", "بيروت"]
    assert world["milan"].slug not in config["names"]  # its own name, nothing beside
    assert map_config(html_of(client, "/ar/map/"))["names"][world["beirut"].slug] == ["بيروت", ""]


def test_the_geojson_stays_language_neutral(client, world):
    with translation.override("fr"):
        body = client.get("/map/signatories.geojson", headers={"Accept-Language": "fr"}).json()
    names = {f["properties"]["n"] for f in body["features"]}
    assert names == {"Beirut", "Lisbon", "Milan", "Berlin"}


# --- the staff's pledge page ------------------------------------------------------------------------


def test_staff_pledge_page_names_the_region_or_hides_its_code(client, world, settings):
    from tests.factories import StaffFactory

    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory(is_superuser=True))
    pledge = Pledge.objects.get(municipality=world["milan"])
    html = html_of(client, f"/fr/staff/pledges/{pledge.pk}/")
    assert "Italie" in html and " · 09" not in html
    Municipality.objects.filter(pk=world["milan"].pk).update(region_name="Lombardia")
    assert " · Lombardia" in html_of(client, f"/fr/staff/pledges/{pledge.pk}/")
    Pledge.objects.filter(municipality=world["beirut"]).update(status="submitted")  # in the queue
    listed = html_of(client, "/fr/staff/pledges/")
    assert "<td>Liban</td>" in listed
    assert '<option value="LB">Liban (LB)</option>' in listed


# --- the open data and the API keep English names --------------------------------------------------


def test_open_data_written_during_a_french_request_stays_english(client, world):
    # The read model renders the downloads inside whatever request saves a pledge: a French
    # admin's must not write French names into the open data.
    with translation.override("fr"):
        world["beirut"].save()  # the read model's rows of Beirut are written again
    body = b"".join(client.get("/data/signatories.json").streaming_content)
    countries = {r["municipality"]["name"]: r["municipality"]["country_name"] for r in json.loads(body)["results"]}
    assert countries["Beirut"] == "Lebanon"


def test_api_keeps_english_country_names_and_adds_region_name(client, world):
    milan = world["milan"]
    milan.region_name = "Lombardia"
    milan.save()
    data = client.get(f"/api/v1/municipalities/{milan.pk}/", headers={"Accept-Language": "fr"}).json()
    assert (data["country_name"], data["region"], data["region_name"]) == ("Italy", "09", "Lombardia")
    beirut = client.get(f"/api/v1/municipalities/{world['beirut'].pk}/?lang=fr").json()
    assert (beirut["country_name"], beirut["region"], beirut["region_name"]) == ("Lebanon", "04", None)


# --- the cache of finished pages never mixes languages -----------------------------------------


@pytest.fixture
def committed_world(transactional_db, monkeypatch):
    monkeypatch.setattr(public_cache, "TIME_BUCKET_SECONDS", 10**10)  # no quarter-hour turns mid-test
    campaign = CampaignFactory(slug="cities-pledge", status="open")
    return {
        "beirut": sign(campaign, name="Beirut", country="LB", admin_region="04", time_zone="Asia/Beirut"),
        "lisbon": sign(campaign, name="Lisbon", country="PT", admin_region="14", time_zone="Europe/Lisbon"),
    }


def readable(html):
    """The page, and the map's configuration decoded (json_script writes other scripts as \\u escapes)."""
    if '<script id="map-config"' in html:
        return html + json.dumps(map_config(html), ensure_ascii=False)
    return html


@pytest.mark.parametrize("path", ["/cities/{slug}/", "/cities/", "/map/"])
def test_a_page_cached_in_english_is_never_served_in_french(client, committed_world, path):
    url = path.format(slug=committed_world["beirut"].slug)
    english = html_of(client, f"/en{url}")
    with CaptureQueriesContext(connection) as queries:
        assert html_of(client, f"/en{url}") == english  # served from the cache
    assert len(queries) == 0
    assert "Lebanon" in readable(english)

    french = readable(html_of(client, f"/fr{url}"))
    assert "Liban" in french and "Lebanon" not in french
    arabic = readable(html_of(client, f"/ar{url}"))
    assert "لبنان" in arabic and "Lebanon" not in arabic and "Liban" not in arabic
    if "cities/" in url and url != "/cities/":
        assert heading(french).startswith("Beyrouth")
    with CaptureQueriesContext(connection) as queries:
        assert readable(html_of(client, f"/fr{url}")) == french
    assert len(queries) == 0


def test_a_name_an_admin_writes_shows_on_the_next_load(client, committed_world):
    lisbon = committed_world["lisbon"]
    assert heading(html_of(client, f"/es/cities/{lisbon.slug}/")).startswith("Lisboa")
    lisbon.local_names = {"es": "Lisboa la Blanca"}
    lisbon.save()
    assert heading(html_of(client, f"/es/cities/{lisbon.slug}/")).startswith("Lisboa la Blanca")
