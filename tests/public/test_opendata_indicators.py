"""Monitoring in the open data: the indicator catalogue, baselines and targets, means of
implementation and the values reported, in the API (/api/v1/indicators/, indicator-values/,
indicator-targets/, means/) and the downloads at /data/.

The world is the open data world (tests/builders.py: Mechelen verified, Lyon withdrawn, Beirut
submitted but never verified, a draft campaign's Hiddenburg...) plus, written with the ORM:

- the campaign's indicators on RIGHTS-1: people reached (count, in four languages), share of
  forms (percentage, lower is better) and the reception budget (amount); an indicator of the
  draft campaign; Mechelen's own indicator on DATA-1, and Beirut's own on RIGHTS-1 (not public);
- Mechelen's baselines and targets and means; Beirut's too (never public);
- Mechelen's past report: version 1 and version 2 published, with values (only version 2's
  show); its current report: a version waiting for review, with values that must not show;
  Beirut's report with values (its pledge is not public).
"""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pledges.models import PledgeCommitment, ReportVersion
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation
from tests.builders import add_signatories, build_open_data_world
from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory
from tests.public.test_api_schemathesis import schema as api_schema
from tests.public.test_api_schemathesis import unlimited  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

PENDING_VALUE = "987123"  # long enough never to be an id or a count in the output
OLD_VALUE = "150"
HIDDEN_VALUE = "864209"


def _content(pledge, values, *, currency="EUR"):
    """A frozen report content (pledges/services.report_snapshot's format) with these values:
    {commitment code: [(indicator, "value"), ...]}."""
    updates = []
    for pc in pledge.chosen.select_related("commitment").order_by("commitment__order"):
        updates.append(
            {
                "commitment_id": pc.commitment_id,
                "code": pc.commitment.code,
                "status": "in_progress",
                "narrative": "corrected narrative, version two",
                "evidence_links": [],
                "figures": "",
                "indicators": [
                    {"indicator_id": ind.pk, "code": ind.code, "value": value}
                    for ind, value in values.get(pc.commitment.code, [])
                ],
                "means": {
                    "budget_amount": "1000.00",
                    "budget_currency": currency,
                    "staff_fte": None,
                    "lead_department": "",
                    "partners": {},
                    "support_needed": [],
                    "support_details": "",
                },
                "evidence_files": [],
            }
        )
    return {"period": "x", "updates": updates}


@pytest.fixture
def world(db):
    w = build_open_data_world()
    rights, data, hidden = (w["commitments"][k] for k in ("rights", "data", "hidden"))
    mechelen, beirut = w["pledges"]["verified"], w["pledges"]["submitted"]
    people = Indicator.objects.create(
        commitment=rights,
        code="ID-1",
        name_en="People reached by the municipal ID card",
        name_fr="Personnes touchées par la carte d'identité municipale",
        name_es="Personas alcanzadas por la tarjeta municipal",
        name_ar="الأشخاص الذين تصلهم البطاقة البلدية",
        unit_en="people",
        unit_fr="personnes",
        kind=Indicator.Kind.COUNT,
        gcm_objectives=[4, 16],
        sdg_targets=["16.9"],
        order=1,
    )
    forms = Indicator.objects.create(
        commitment=rights,
        code="FORMS-1",
        name_en="Share of forms asking for a residence permit",
        kind=Indicator.Kind.PERCENTAGE,
        higher_is_better=False,
        order=2,
    )
    budget = Indicator.objects.create(
        commitment=rights, code="BUD-1", name_en="Reception budget", kind=Indicator.Kind.AMOUNT, order=3
    )
    Indicator.objects.create(commitment=hidden, code="HID-1", name_en="Indicator of a draft campaign")
    own = Indicator.objects.create(
        commitment=data,
        municipality=mechelen.municipality,
        code="MECH-1",
        name_en="Workshops held",
        name_fr="Ateliers tenus",
        language="fr",
        unit_en="workshops",
        kind=Indicator.Kind.COUNT,
    )
    Indicator.objects.create(
        commitment=rights, municipality=beirut.municipality, code="BEY-1", name_en="Beirut's own secret indicator"
    )
    rights_a = mechelen.chosen.get(commitment=rights)
    IndicatorTarget.objects.create(
        chosen=rights_a,
        indicator=people,
        baseline_value=Decimal("100"),
        baseline_year=2023,
        target_value=Decimal("500.0000"),
        target_date=date(2030, 1, 1),
    )
    IndicatorTarget.objects.create(
        chosen=rights_a,
        indicator=budget,
        target_value=Decimal("200000.5"),
        target_date=date(2030, 1, 1),
        currency="EUR",
    )
    MeansOfImplementation.objects.create(
        chosen=rights_a,
        budget_amount=Decimal("125000.50"),
        budget_currency="EUR",
        staff_fte=Decimal("2.50"),
        lead_department="Integration office",
        partners={"civil_society": ["Red Cross", "Orbit vzw"], "other_cities": ["Ghent"]},
        support_needed=["tools", "resources"],
        support_details="Training on data collection",
    )
    rights_beirut = beirut.chosen.get(commitment=rights)
    IndicatorTarget.objects.create(
        chosen=rights_beirut, indicator=people, baseline_value=Decimal("1"), baseline_year=2020
    )
    MeansOfImplementation.objects.create(chosen=rights_beirut, lead_department="SECRET department")

    now = timezone.now()
    past = w["reports"]["verified_past"]
    published = {
        1: _content(mechelen, {"RIGHTS-1": [(people, OLD_VALUE)]}),
        2: _content(
            mechelen,
            {
                "RIGHTS-1": [(people, "210.0000"), (forms, "45.50"), (budget, "125000.50")],
                "DATA-1": [(own, "3")],
            },
        ),
    }
    for number, content in published.items():
        ReportVersion.objects.filter(report=past, number=number).update(
            content=content, published_at=now - timedelta(days=10 - number)
        )
    current = w["draft_report"]
    current.status = "submitted"
    current.version = 1
    current.save()
    ReportVersion.objects.create(
        report=current,
        number=1,
        submitted_at=now,
        content=_content(mechelen, {"RIGHTS-1": [(people, PENDING_VALUE)]}),
        review=ReportVersion.Review.PENDING,
        published_at=None,
    )
    ReportVersion.objects.filter(report=w["reports"]["submitted_past"]).update(
        content=_content(beirut, {"RIGHTS-1": [(people, HIDDEN_VALUE)]}), published_at=now
    )
    w.update(indicators={"people": people, "forms": forms, "budget": budget, "own": own}, rights_a=rights_a)
    return w


def download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    return response, b"".join(response.streaming_content)


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def assert_nothing_hidden(text: str):
    for needle in ("SECRET", "Beirut", "BEY-1", "HID-1", "Hiddenburg", PENDING_VALUE, HIDDEN_VALUE, "@example.org"):
        assert needle not in text, needle


# --- the long table of values ------------------------------------------------------------------


def test_indicator_values_csv_is_the_long_table_of_published_values(client, world):
    response, body = download(client, "/data/indicator-values.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cities-for-migration-indicator-values-{date.today().isoformat()}.csv"'
    )
    assert response["Cache-Control"] == "public, max-age=300"
    rows = read_csv(body)
    assert list(rows[0])[:10] == [
        "municipality",
        "geonames_id",
        "country",
        "campaign",
        "commitment",
        "indicator",
        "period",
        "period_due",
        "value",
        "unit",
    ]
    due = world["periods"]["past"].due.isoformat()
    assert [
        (
            r["municipality"],
            r["geonames_id"],
            r["country"],
            r["commitment"],
            r["indicator"],
            r["period"],
            r["period_due"],
            r["value"],
            r["unit"],
        )
        for r in rows
    ] == [
        ("Mechelen", "2791537", "BE", "RIGHTS-1", "ID-1", "Last year", due, "210", "people"),
        ("Mechelen", "2791537", "BE", "RIGHTS-1", "FORMS-1", "Last year", due, "45.5", "%"),
        ("Mechelen", "2791537", "BE", "RIGHTS-1", "BUD-1", "Last year", due, "125000.5", "EUR"),
        ("Mechelen", "2791537", "BE", "DATA-1", "MECH-1", "Last year", due, "3", "workshops"),
    ]
    first = rows[0]
    assert first["campaign"] == "cities-pledge" and first["kind"] == "count"
    assert first["indicator_id"] == str(world["indicators"]["people"].pk)
    assert first["pledge_id"] == str(world["pledges"]["verified"].pk)
    assert first["report_id"] == str(world["reports"]["verified_past"].pk) and first["version"] == "2"
    text = body.decode("utf-8-sig")
    assert OLD_VALUE not in {r["value"] for r in rows}  # version 1 was replaced by version 2
    assert_nothing_hidden(text)


def test_a_version_waiting_for_review_shows_once_published(client, world):
    pending = ReportVersion.objects.get(report=world["draft_report"])
    _response, body = download(client, "/data/indicator-values.csv")
    assert PENDING_VALUE not in {r["value"] for r in read_csv(body)}
    pending.review = ReportVersion.Review.PUBLISHED
    pending.published_at = timezone.now()
    pending.save()
    _response, body = download(client, "/data/indicator-values.csv")
    rows = read_csv(body)
    assert [r["value"] for r in rows if r["period"] == "This year"] == [PENDING_VALUE]


def test_indicator_values_json_and_campaign_filter(client, world):
    _response, body = download(client, "/data/indicator-values.json")
    data = json.loads(body)
    assert list(data) == ["generated_at", "licence", "count", "results"]
    assert data["count"] == len(data["results"]) == 4
    budget = data["results"][2]
    assert budget["value"] == "125000.5" and budget["unit"] == "EUR" and budget["kind"] == "amount"
    assert budget["municipality"]["geonames_id"] == 2791537
    assert budget["period"]["label"] == "Last year"
    assert_nothing_hidden(body.decode())
    _response, body = download(client, "/data/indicator-values.csv", {"campaign": "cities-pledge"})
    assert len(read_csv(body)) == 4
    assert client.get("/data/indicator-values.csv", {"campaign": "secret-draft"}).status_code == 404


def test_an_amount_without_a_target_currency_takes_the_reports_budget_currency(client, world):
    IndicatorTarget.objects.filter(indicator=world["indicators"]["budget"]).delete()
    version = ReportVersion.objects.get(report=world["reports"]["verified_past"], number=2)
    version.content["updates"][0]["means"]["budget_currency"] = "CHF"
    version.save()
    rows = read_csv(download(client, "/data/indicator-values.csv")[1])
    assert [r["unit"] for r in rows if r["indicator"] == "BUD-1"] == ["CHF"]
    version.content["updates"][0]["means"]["budget_currency"] = ""
    version.save()
    rows = read_csv(download(client, "/data/indicator-values.csv")[1])
    assert [r["unit"] for r in rows if r["indicator"] == "BUD-1"] == ["EUR"]  # Belgium's currency


# --- the catalogue -----------------------------------------------------------------------------


def test_indicators_csv_has_every_language_and_only_public_indicators(client, world):
    rows = read_csv(download(client, "/data/indicators.csv")[1])
    assert [r["code"] for r in rows] == ["ID-1", "FORMS-1", "BUD-1", "MECH-1"]
    people = rows[0]
    assert people["name_en"] == "People reached by the municipal ID card"
    assert people["name_fr"] == "Personnes touchées par la carte d'identité municipale"
    assert people["name_es"] == "Personas alcanzadas por la tarjeta municipal"
    assert people["name_ar"] == "الأشخاص الذين تصلهم البطاقة البلدية"
    assert people["unit_fr"] == "personnes" and people["unit_es"] == ""
    assert people["gcm_objectives"] == "4 16" and people["sdg_targets"] == "16.9"
    assert people["own"] == "false" and people["municipality"] == "" and people["commitment"] == "RIGHTS-1"
    assert rows[1]["kind"] == "percentage" and rows[1]["higher_is_better"] == "false"
    own = rows[3]
    assert own["own"] == "true" and own["municipality"] == "Mechelen" and own["language"] == "fr"
    assert own["name_fr"] == "Ateliers tenus"


def test_indicators_json_and_api_names_per_language(client, world):
    data = json.loads(download(client, "/data/indicators.json")[1])
    first = data["results"][0]
    assert first["name"] == "People reached by the municipal ID card"  # a download is in English
    assert first["translations"]["ar"]["name"] == "الأشخاص الذين تصلهم البطاقة البلدية"
    french = client.get("/api/v1/indicators/", {"lang": "fr"}).json()
    assert [r["code"] for r in french["results"]] == ["ID-1", "FORMS-1", "BUD-1", "MECH-1"]
    assert french["results"][0]["name"] == "Personnes touchées par la carte d'identité municipale"
    assert french["results"][0]["unit"] == "personnes"
    assert french["results"][1]["name"] == "Share of forms asking for a residence permit"  # English fallback
    arabic = client.get("/api/v1/indicators/", headers={"accept-language": "ar"}).json()
    assert arabic["results"][0]["name"] == "الأشخاص الذين تصلهم البطاقة البلدية"
    assert_nothing_hidden(json.dumps(french))


def test_a_citys_own_indicator_leaves_with_its_public_pledge(client, world):
    pledge = world["pledges"]["verified"]
    pledge.status = "rejected"
    pledge.verified_at = None
    pledge.save()
    codes = [r["code"] for r in client.get("/api/v1/indicators/").json()["results"]]
    assert codes == ["ID-1", "FORMS-1", "BUD-1"]
    assert read_csv(download(client, "/data/indicator-values.csv")[1]) == []
    assert read_csv(download(client, "/data/means.csv")[1]) == []


def test_api_indicator_filters(client, world):
    def codes(**params):
        response = client.get("/api/v1/indicators/", params)
        assert response.status_code == 200, response.content
        return [r["code"] for r in response.json()["results"]]

    assert codes(own="true") == ["MECH-1"]
    assert codes(own="false") == ["ID-1", "FORMS-1", "BUD-1"]
    assert codes(commitment="data-1") == ["MECH-1"]
    assert codes(kind="amount") == ["BUD-1"]
    assert codes(municipality=world["pledges"]["verified"].municipality_id) == ["MECH-1"]
    assert codes(campaign="secret-draft") == []
    assert client.get("/api/v1/indicators/", {"own": "maybe"}).status_code == 400
    one = client.get(f"/api/v1/indicators/{world['indicators']['own'].pk}/").json()
    assert one["own"] is True and one["municipality"]["name"] == "Mechelen"
    hidden = Indicator.objects.get(code="BEY-1")
    assert client.get(f"/api/v1/indicators/{hidden.pk}/").status_code == 404


# --- values, targets and means in the API ------------------------------------------------------


def test_api_indicator_values_and_their_filters(client, world):
    people, own = world["indicators"]["people"], world["indicators"]["own"]

    def values(**params):
        response = client.get("/api/v1/indicator-values/", params)
        assert response.status_code == 200, response.content
        return [(r["indicator"], r["value"], r["unit"]) for r in response.json()["results"]]

    everything = client.get("/api/v1/indicator-values/").json()
    assert everything["count"] == 4
    assert_nothing_hidden(json.dumps(everything))
    assert values(indicator=people.pk) == [("ID-1", "210", "people")]
    assert values(indicator=own.pk) == [("MECH-1", "3", "workshops")]
    assert values(commitment="rights-1") == [
        ("ID-1", "210", "people"),
        ("FORMS-1", "45.5", "%"),
        ("BUD-1", "125000.5", "EUR"),
    ]
    assert len(values(municipality=world["pledges"]["verified"].municipality_id)) == 4
    assert values(municipality=world["pledges"]["submitted"].municipality_id) == []
    assert len(values(period=world["periods"]["past"].pk)) == 4
    assert values(period=world["periods"]["current"].pk) == []  # waiting for review
    assert len(values(campaign="cities-pledge", country="be", geonames_id=2791537)) == 4
    assert values(continent="AS") == []
    assert len(client.get("/api/v1/indicator-values/", {"page_size": 3}).json()["results"]) == 3
    assert client.get("/api/v1/indicator-values/", {"indicator": "x"}).status_code == 400
    assert client.get("/api/v1/indicator-values/", {"indicator": ""}).status_code == 400
    french = client.get("/api/v1/indicator-values/", {"lang": "fr", "indicator": people.pk}).json()
    assert french["results"][0]["unit"] == "personnes"
    spanish = client.get("/api/v1/indicator-values/", {"lang": "es", "indicator": people.pk}).json()
    assert spanish["results"][0]["unit"] == "people"  # not translated: English


def test_api_targets_and_means(client, world):
    targets = client.get("/api/v1/indicator-targets/").json()
    assert_nothing_hidden(json.dumps(targets))
    assert [
        (t["indicator"], t["baseline_value"], t["baseline_year"], t["target_value"], t["target_date"], t["unit"])
        for t in targets["results"]
    ] == [
        ("ID-1", "100", 2023, "500", "2030-01-01", "people"),
        ("BUD-1", None, None, "200000.5", "2030-01-01", "EUR"),
    ]
    assert (
        client.get("/api/v1/indicator-targets/", {"indicator": world["indicators"]["budget"].pk}).json()["count"] == 1
    )
    means = client.get("/api/v1/means/").json()
    assert_nothing_hidden(json.dumps(means))
    assert means["count"] == 1
    m = means["results"][0]
    assert (m["budget_amount"], m["budget_currency"], m["staff_fte"]) == ("125000.5", "EUR", "2.5")
    assert m["lead_department"] == "Integration office" and m["commitment"] == "RIGHTS-1"
    assert m["partners"]["civil_society"] == ["Red Cross", "Orbit vzw"] and m["partners"]["national_agencies"] == []
    assert m["support_needed"] == ["resources", "tools"]
    assert m["municipality"]["geonames_id"] == 2791537
    assert client.get("/api/v1/means/", {"commitment": "DATA-1"}).json()["count"] == 0
    assert client.get("/api/v1/means/", {"country": "FR"}).json()["count"] == 0


def test_means_and_targets_downloads(client, world):
    rows = read_csv(download(client, "/data/means.csv")[1])
    assert len(rows) == 1
    row = rows[0]
    assert (row["municipality"], row["commitment"], row["budget_amount"], row["budget_currency"]) == (
        "Mechelen",
        "RIGHTS-1",
        "125000.5",
        "EUR",
    )
    assert row["partners_civil_society"] == "Red Cross; Orbit vzw" and row["partners_other_cities"] == "Ghent"
    assert row["support_needed"] == "resources tools" and row["staff_fte"] == "2.5"
    response = client.get("/data/indicator-targets.csv", headers={"accept-language": "fr"})
    rows = read_csv(b"".join(response.streaming_content))  # in English for everyone
    assert [(r["indicator"], r["baseline_value"], r["target_value"], r["unit"]) for r in rows] == [
        ("ID-1", "100", "500", "people"),
        ("BUD-1", "", "200000.5", "EUR"),
    ]
    data = json.loads(download(client, "/data/means.json")[1])
    assert data["count"] == 1 and data["results"][0]["partners"]["other_cities"] == ["Ghent"]
    assert_nothing_hidden(json.dumps(data))


# --- the open data page ------------------------------------------------------------------------


def test_open_data_page_lists_the_monitoring_downloads_with_their_columns(client, world):
    html = client.get("/en/open-data/").content.decode()
    for name in ("indicators", "indicator-values", "indicator-targets", "means"):
        assert f"/data/{name}.csv" in html, name
    assert "/api/v1/indicator-values/" in html
    assert "<code>period_due</code>" in html and "<code>budget_currency</code>" in html
    for language in ("fr", "es", "ar"):
        response = client.get(f"/{language}/open-data/")
        assert response.status_code == 200, language
        assert "/data/indicator-values.csv" in response.content.decode()


# --- query counts ------------------------------------------------------------------------------


def _monitoring_for(campaign, commitment, indicators):
    """Targets, means and published values for every pledge of the campaign that has none yet."""
    chosen = list(PledgeCommitment.objects.filter(pledge__campaign=campaign, commitment=commitment))
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(chosen=pc, indicator=ind, baseline_value=1, baseline_year=2023, target_value=10)
            for pc in chosen
            for ind in indicators
        ],
        ignore_conflicts=True,
    )
    MeansOfImplementation.objects.bulk_create(
        [MeansOfImplementation(chosen=pc, budget_amount=10, budget_currency="EUR") for pc in chosen],
        ignore_conflicts=True,
    )
    for version in ReportVersion.objects.filter(report__pledge__campaign=campaign):
        if "indicators" in version.content["updates"][0]:
            continue  # given values at the first call
        version.published_at = timezone.now()
        version.content = {
            "updates": [
                {
                    "commitment_id": commitment.pk,
                    "code": commitment.code,
                    "indicators": [{"indicator_id": ind.pk, "code": ind.code, "value": "5"} for ind in indicators],
                }
            ]
        }
        version.save(update_fields=["published_at", "content"])


URLS = [
    "/api/v1/indicators/",
    "/api/v1/indicator-values/",
    "/api/v1/indicator-values/?indicator={indicator}&country=BE",
    "/api/v1/indicator-targets/",
    "/api/v1/means/?campaign=bulk",
]
DOWNLOADS = [
    "/data/indicators.csv",
    "/data/indicators.json",
    "/data/indicator-values.csv",
    "/data/indicator-values.json?campaign=bulk",
    "/data/indicator-targets.csv",
    "/data/means.csv",
    "/data/means.json",
]
API_BOUND = 4  # count + page (the values: versions, catalogue, currencies)
DOWNLOAD_BOUND = 4  # the campaign, the rows (and the JSON's count); the values: versions, catalogue, currencies


def _queries(client, urls, indicator) -> dict[str, int]:
    counts = {}
    for url in urls:
        url = url.format(indicator=indicator)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, headers={"accept": "application/json"})
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert b"Bulkville" in body or b"Q-0" in body, url
        counts[url] = len(ctx.captured_queries)
    return counts


def test_monitoring_api_and_downloads_cost_the_same_queries_with_10_and_200_signatories(client):
    campaign = CampaignFactory(slug="bulk")
    commitment = CommitmentFactory(campaign=campaign, code="Q")
    today = date.today()
    period = ReportingPeriodFactory(
        campaign=campaign, opens=today - timedelta(days=400), due=today - timedelta(days=40)
    )
    add_signatories(campaign, [commitment], period, 0, 10)
    indicators = [
        Indicator.objects.create(commitment=commitment, code=f"Q-{i}", name_en=f"Indicator {i}", unit_en="people")
        for i in range(3)
    ]
    _monitoring_for(campaign, commitment, indicators)
    small = {**_queries(client, URLS, indicators[0].pk), **_queries(client, DOWNLOADS, indicators[0].pk)}
    add_signatories(campaign, [commitment], period, 10, 190)
    _monitoring_for(campaign, commitment, indicators)
    large = {**_queries(client, URLS, indicators[0].pk), **_queries(client, DOWNLOADS, indicators[0].pk)}
    indicator = indicators[0].pk
    assert large == small
    assert max(large[u.format(indicator=indicator)] for u in URLS) <= API_BOUND, large
    assert max(large[u] for u in DOWNLOADS) <= DOWNLOAD_BOUND, large
    values = read_csv(download(client, "/data/indicator-values.csv")[1])
    assert len(values) == 200 * 3 and {v["value"] for v in values} == {"5"}


# --- the schema ----------------------------------------------------------------------------------


def test_monitoring_records_that_exist_keep_their_schema(world, unlimited):  # noqa: F811
    """Schemathesis (tests/public/test_api_schemathesis.py) runs every operation with generated
    ids; here each monitoring record once more, one that exists, in every language."""
    target = IndicatorTarget.objects.filter(chosen=world["rights_a"]).first()
    means = MeansOfImplementation.objects.get(chosen=world["rights_a"])
    cases = [
        ("/api/v1/signatories/{id}/", {"id": world["pledges"]["verified"].pk}, {}),
        ("/api/v1/indicators/{id}/", {"id": world["indicators"]["own"].pk}, {}),
        ("/api/v1/indicator-targets/{id}/", {"id": target.pk}, {}),
        ("/api/v1/means/{id}/", {"id": means.pk}, {}),
        ("/api/v1/indicators/", {}, {}),
        ("/api/v1/indicator-values/", {}, {"indicator": world["indicators"]["budget"].pk}),
        ("/api/v1/indicator-values/", {}, {}),
        ("/api/v1/indicator-targets/", {}, {}),
        ("/api/v1/means/", {}, {}),
    ]
    for path, path_parameters, query in cases:
        for lang in ("en", "fr", "es", "ar"):
            case = api_schema[path]["GET"].Case(path_parameters=path_parameters, query={**query, "lang": lang})
            response = case.call_and_validate()
            assert response.status_code == 200, (path, response.text[:300])
            assert response.json().get("count", 1) >= 1, path


def test_the_schema_documents_the_monitoring_endpoints(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/indicators/",
        "/api/v1/indicators/{id}/",
        "/api/v1/indicator-values/",
        "/api/v1/indicator-targets/",
        "/api/v1/means/",
    ):
        assert set(paths[path]) == {"get"}, path
    values = {p["name"] for p in paths["/api/v1/indicator-values/"]["get"]["parameters"]}
    assert {"campaign", "municipality", "indicator", "period", "commitment", "country", "lang", "page"} <= values
    components = schema["components"]["schemas"]
    value = components["IndicatorValue"]["properties"]
    assert {"municipality", "indicator", "period", "value", "unit"} <= set(value)
    assert value["unit"]["description"] and value["value"]["description"]
    assert components["IndicatorKindEnum"]["enum"] == ["count", "percentage", "amount", "yes_no"]
    assert components["KindEnum"]["enum"] == ["municipality", "metropolitan", "regional"]  # as before


def test_one_signatory_carries_its_means_and_targets(client, world, django_assert_max_num_queries):
    pledge = world["pledges"]["verified"]
    with django_assert_max_num_queries(4):  # the pledge, its chosen commitments, their means, the targets
        detail = client.get(f"/api/v1/signatories/{pledge.pk}/", headers={"accept": "application/json"}).json()
    monitoring = {m["commitment"]: m for m in detail["monitoring"]}
    assert list(monitoring) == ["RIGHTS-1", "DATA-1"]
    rights = monitoring["RIGHTS-1"]
    assert rights["means"]["budget_amount"] == "125000.5" and rights["means"]["budget_currency"] == "EUR"
    assert rights["means"]["partners"]["other_cities"] == ["Ghent"]
    assert [(t["indicator"], t["baseline_value"], t["target_value"], t["unit"]) for t in rights["targets"]] == [
        ("ID-1", "100", "500", "people"),
        ("BUD-1", None, "200000.5", "EUR"),
    ]
    assert monitoring["DATA-1"] == {
        "commitment": "DATA-1",
        "commitment_id": world["commitments"]["data"].pk,
        "means": None,
        "targets": [],
    }
    listed = client.get("/api/v1/signatories/").json()["results"]
    assert all("monitoring" not in r for r in listed)  # the list stays as it was
    assert client.get(f"/api/v1/signatories/{world['pledges']['submitted'].pk}/").status_code == 404
