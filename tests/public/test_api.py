"""The read-only API v1: content, exclusions, filters, pagination, languages."""

from datetime import date, timedelta

import pytest

from tests.builders import (
    CORRECTED_TEXT,
    HYPERLINK,
    assert_nothing_private,
    make_pledge,
)
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def get(client, url, params=None, language=None):
    headers = {"accept": "application/json"}
    if language:
        headers["accept-language"] = language
    response = client.get(url, params or {}, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return response


# --- signatories ---------------------------------------------------------------------------


def test_signatories_are_verified_and_withdrawn_pledges_only(client, open_data_world):
    w = open_data_world
    response = get(client, "/api/v1/signatories/")
    data = response.json()

    assert data["count"] == 2
    assert [r["id"] for r in data["results"]] == [w["pledges"]["withdrawn"].pk, w["pledges"]["verified"].pk]
    assert_nothing_private(response.content.decode())


def test_signatory_record(client, open_data_world):
    w = open_data_world
    pledge, city = w["pledges"]["verified"], w["cities"]["verified"]
    record = get(client, f"/api/v1/signatories/{pledge.pk}/").json()

    assert record["campaign"] == "cities-pledge"
    assert record["status"] == "verified"
    assert record["statement"] == HYPERLINK  # JSON is not a spreadsheet: kept as written
    assert record["withdrawn_at"] is None
    assert record["signed_on"] == pledge.signed_on.isoformat()
    assert record["verified_at"].endswith("Z")
    assert record["municipality"] == {
        "id": city.pk,
        "name": "Mechelen",
        "slug": city.slug,
        "country": "BE",
        "country_name": "Belgium",
        "continent": "EU",
        "geonames_id": 2791537,
        "latitude": 51.0,
        "longitude": 4.5,
        "population": 86_000,
        "kind": "municipality",
    }
    assert record["commitments"] == [
        {"code": "RIGHTS-1", "target": "Target 0 of Mechelen", "target_date": "2030-01-01"},
        {"code": "DATA-1", "target": "Target 1 of Mechelen", "target_date": "2030-01-01"},
    ]
    # The past period was reported on time; nothing else is due yet.
    assert record["reporting"]["state"] == "on_time"
    assert record["reporting"]["reports_submitted"] == 1
    assert record["reporting"]["reports_late"] == 0
    assert "created_by" not in record and "resolution" not in record and "rejection_reason" not in record


def test_withdrawn_signatory_keeps_a_record_of_when(client, open_data_world):
    pledge = open_data_world["pledges"]["withdrawn"]
    record = get(client, f"/api/v1/signatories/{pledge.pk}/").json()
    assert record["status"] == "withdrawn"
    assert record["withdrawn_at"].startswith(pledge.withdrawn_at.date().isoformat()[:4])
    assert record["reporting"]["state"] == "withdrawn"
    assert "withdrawal_reason" not in record


@pytest.mark.parametrize("key", ["submitted", "draft", "rejected", "hidden"])
def test_non_public_signatories_are_not_found(client, open_data_world, key):
    pledge = open_data_world["pledges"][key]
    assert client.get(f"/api/v1/signatories/{pledge.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "be"}, ["verified"]),
        ({"country": "FR"}, ["withdrawn"]),
        ({"continent": "EU"}, ["withdrawn", "verified"]),
        ({"continent": "AS"}, []),
        ({"status": "withdrawn"}, ["withdrawn"]),
        ({"campaign": "cities-pledge"}, ["withdrawn", "verified"]),
        ({"campaign": "secret-draft"}, []),
        ({"commitment": "data-1"}, ["verified"]),
        ({"since": (date.today() - timedelta(days=50)).isoformat()}, []),
        ({"since": (date.today() - timedelta(days=150)).isoformat()}, ["withdrawn", "verified"]),
        ({"ordering": "-name"}, ["verified", "withdrawn"]),
    ],
)
def test_signatory_filters(client, open_data_world, params, expected):
    pledges = open_data_world["pledges"]
    data = get(client, "/api/v1/signatories/", params).json()
    assert [r["id"] for r in data["results"]] == [pledges[k].pk for k in expected]


@pytest.mark.parametrize("params", [{"continent": "XX"}, {"since": "yesterday"}, {"status": "draft"}])
def test_invalid_filters_are_refused(client, open_data_world, params):
    assert client.get("/api/v1/signatories/", params).status_code == 400


def test_pagination_is_stable_and_bounded(client, open_data_world):
    campaign = open_data_world["campaign"]
    for i in range(5):
        make_pledge(campaign, MunicipalityFactory(name="Aalst"), "verified", signed_on=date(2024, 1, i + 1))
    first = get(client, "/api/v1/signatories/", {"page_size": 3}).json()
    second = get(client, "/api/v1/signatories/", {"page_size": 3, "page": 2}).json()
    third = get(client, "/api/v1/signatories/", {"page_size": 3, "page": 3}).json()

    assert first["count"] == 7
    assert first["next"].endswith("page=2&page_size=3")
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(ids) == len(set(ids)) == 7
    # Same names: the id breaks the tie, so that pages never overlap.
    aalst = [r["id"] for r in first["results"] + second["results"] if r["municipality"]["name"] == "Aalst"]
    assert aalst == sorted(aalst)
    assert client.get("/api/v1/signatories/", {"page": 9}).status_code == 404


def test_page_size_has_a_maximum(client, open_data_world):
    from campaign.public.api import OpenDataPagination

    assert OpenDataPagination.max_page_size == 200
    request = type("R", (), {"query_params": {"page_size": "5000"}})()
    assert OpenDataPagination().get_page_size(request) == 200


def test_the_api_is_read_only(client, open_data_world):
    assert client.post("/api/v1/signatories/", {}).status_code == 405
    pk = open_data_world["pledges"]["verified"].pk
    assert client.delete(f"/api/v1/signatories/{pk}/").status_code == 405
    assert client.put(f"/api/v1/commitments/{open_data_world['commitments']['rights'].pk}/").status_code == 405


def test_browsable_api_answers_html(client, open_data_world):
    response = client.get("/api/v1/signatories/", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert b"Mechelen" in response.content
    assert b"official-verified@example.org" not in response.content


# --- campaigns -----------------------------------------------------------------------------


def test_campaigns_are_open_and_closed_ones_with_periods(client, open_data_world):
    w = open_data_world
    data = get(client, "/api/v1/campaigns/").json()
    assert [c["slug"] for c in data["results"]] == ["cities-pledge"]
    campaign = data["results"][0]
    assert campaign["signatories"] == 1  # the verified one; the withdrawn city left
    assert campaign["commitments"] == 2
    assert [p["label"] for p in campaign["periods"]] == ["Last year", "This year"]
    assert campaign["periods"][0]["id"] == w["periods"]["past"].pk
    assert client.get("/api/v1/campaigns/secret-draft/").status_code == 404
    assert get(client, "/api/v1/campaigns/cities-pledge/", {"lang": "fr"}).json()["title"] == "Engagement des villes"


# --- commitments and languages -----------------------------------------------------------------


def test_commitments_exclude_draft_campaigns_and_filter(client, open_data_world):
    data = get(client, "/api/v1/commitments/").json()
    assert [c["code"] for c in data["results"]] == ["RIGHTS-1", "DATA-1"]
    rights = data["results"][0]
    assert rights["required"] is True
    assert rights["signatories"] == 1
    assert rights["sdg_targets"] == ["10.7"] and rights["gcm_objectives"] == [15] and rights["nua_paragraphs"] == [28]
    assert [c["code"] for c in get(client, "/api/v1/commitments/", {"required": "false"}).json()["results"]] == [
        "DATA-1"
    ]
    assert [c["code"] for c in get(client, "/api/v1/commitments/", {"theme": "rights"}).json()["results"]] == [
        "RIGHTS-1"
    ]
    assert get(client, "/api/v1/commitments/", {"campaign": "secret-draft"}).json()["count"] == 0
    hidden = open_data_world["commitments"]["hidden"]
    assert client.get(f"/api/v1/commitments/{hidden.pk}/").status_code == 404


def titles(response):
    return {c["code"]: c["title"] for c in response.json()["results"]}


def test_lang_parameter_with_english_fallback(client, open_data_world):
    response = get(client, "/api/v1/commitments/", {"lang": "fr"})
    assert titles(response) == {"RIGHTS-1": "Égalité des droits", "DATA-1": "Count who lives here"}
    assert response["Content-Language"] == "fr"
    assert response.json()["results"][0]["theme_label"] == "Droits et non-discrimination"


def test_accept_language_header(client, open_data_world):
    response = get(client, "/api/v1/commitments/", language="es")
    assert titles(response)["RIGHTS-1"] == "Igualdad de derechos"
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    # ?lang wins over the header; an unknown language is refused (tests/public/test_api_manners.py).
    assert titles(get(client, "/api/v1/commitments/", {"lang": "fr"}, language="es"))["RIGHTS-1"] == (
        "Égalité des droits"
    )
    assert client.get("/api/v1/commitments/", {"lang": "de"}).status_code == 400
    assert titles(get(client, "/api/v1/commitments/"))["RIGHTS-1"] == "Equal rights"


# --- reports -------------------------------------------------------------------------------------


def test_reports_show_the_latest_submitted_version_only(client, open_data_world):
    w = open_data_world
    response = get(client, "/api/v1/reports/")
    data = response.json()

    assert data["count"] == 1
    report = data["results"][0]
    assert report["id"] == w["reports"]["verified_past"].pk
    assert report["pledge"] == w["pledges"]["verified"].pk
    assert report["version"] == 2
    assert report["is_late"] is False
    assert report["period"]["id"] == w["periods"]["past"].pk
    assert report["period"]["label"] == "Last year"
    assert report["municipality"]["geonames_id"] == 2791537
    assert [u["code"] for u in report["updates"]] == ["RIGHTS-1", "DATA-1"]
    assert {u["narrative"] for u in report["updates"]} == {CORRECTED_TEXT}
    assert report["updates"][0]["status"] == "in_progress"  # the snapshot's, not the live "achieved"
    assert_nothing_private(response.content.decode())


def test_report_detail_and_exclusions(client, open_data_world):
    w = open_data_world
    assert get(client, f"/api/v1/reports/{w['reports']['verified_past'].pk}/").json()["version"] == 2
    assert client.get(f"/api/v1/reports/{w['reports']['submitted_past'].pk}/").status_code == 404
    assert client.get(f"/api/v1/reports/{w['draft_report'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"country": "BE"}, 1),
        ({"country": "LB"}, 0),
        ({"continent": "EU"}, 1),
        ({"late": "true"}, 0),
        ({"late": "false"}, 1),
        ({"since": (date.today() - timedelta(days=3)).isoformat()}, 0),
        ({"since": (date.today() - timedelta(days=30)).isoformat()}, 1),
        ({"campaign": "cities-pledge"}, 1),
    ],
)
def test_report_filters(client, open_data_world, params, count):
    assert get(client, "/api/v1/reports/", params).json()["count"] == count


def test_report_period_and_pledge_filters(client, open_data_world):
    w = open_data_world
    assert get(client, "/api/v1/reports/", {"period": w["periods"]["past"].pk}).json()["count"] == 1
    assert get(client, "/api/v1/reports/", {"period": w["periods"]["current"].pk}).json()["count"] == 0
    assert get(client, "/api/v1/reports/", {"pledge": w["pledges"]["submitted"].pk}).json()["count"] == 0


# --- municipalities ------------------------------------------------------------------------------


def test_municipality_directory_filters(client, open_data_world):
    cities = open_data_world["cities"]

    def names(params):
        return [m["name"] for m in get(client, "/api/v1/municipalities/directory/", params).json()["results"]]

    assert names({"has_signed": "true"}) == ["Mechelen"]  # Lyon withdrew; Beirut is not verified
    assert "Mechelen" not in names({"has_signed": "false"})
    assert "Beirut" in names({"has_signed": "false"})
    assert "Hiddenburg" in names({"has_signed": "false"})  # its campaign is a draft
    assert names({"country": "BE"}) == ["Flanders Region", "Gent", "Mechelen"]
    assert names({"country": "BE", "kind": "regional"}) == ["Flanders Region"]
    assert names({"continent": "SA"}) == ["Quito"]
    assert names({"has_signed": "true", "campaign": "secret-draft"}) == []
    assert names({"campaign": "cities-pledge"}) == ["Mechelen"]
    assert names({"search": "mech"}) == ["Mechelen"]
    first = get(client, "/api/v1/municipalities/directory/", {"country": "BE"}).json()["results"][2]
    assert first["id"] == cities["verified"].pk and first["has_signed"] is True


def test_municipality_detail_lists_public_pledges_only(client, open_data_world):
    w = open_data_world
    mechelen = get(client, f"/api/v1/municipalities/{w['cities']['verified'].pk}/").json()
    assert mechelen["geonames_id"] == 2791537
    assert mechelen["time_zone"] == "Europe/Brussels"
    assert mechelen["pledges"] == [
        {
            "id": w["pledges"]["verified"].pk,
            "campaign": "cities-pledge",
            "status": "verified",
            "signed_on": w["pledges"]["verified"].signed_on.isoformat(),
            "withdrawn_at": None,
        }
    ]
    lyon = get(client, f"/api/v1/municipalities/{w['cities']['withdrawn'].pk}/").json()
    assert lyon["pledges"][0]["status"] == "withdrawn" and lyon["has_signed"] is False
    for key in ("submitted", "draft", "rejected", "hidden"):
        assert get(client, f"/api/v1/municipalities/{w['cities'][key].pk}/").json()["pledges"] == []
    assert client.get("/api/v1/municipalities/999999/").status_code == 404


def test_search_endpoint_keeps_its_contract(client, open_data_world):
    data = get(client, "/api/v1/municipalities/", {"search": "mech"}).json()
    assert isinstance(data, list) and data[0]["name"] == "Mechelen"
    assert get(client, "/api/v1/municipalities/").json() == []
