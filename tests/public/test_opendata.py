"""CSV and JSON downloads at /data/ and the open data page."""

import csv
import io
import json
from datetime import date

import pytest
from django.http import StreamingHttpResponse

from campaign.public.opendata import neutralise
from tests.builders import (
    CORRECTED_TEXT,
    HYPERLINK,
    assert_nothing_private,
)

pytestmark = pytest.mark.django_db


def download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("dataset", ["signatories", "commitments", "reports"])
@pytest.mark.parametrize("extension", ["csv", "json"])
def test_download_headers(midday, client, open_data_world, dataset, extension):
    response, _body = download(client, f"/data/{dataset}.{extension}")
    today = date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="cities-for-migration-{dataset}-{today}.{extension}"'
    )
    assert response["Cache-Control"] == "public, max-age=300"
    expected = "text/csv; charset=utf-8" if extension == "csv" else "application/json; charset=utf-8"
    assert response["Content-Type"] == expected


def test_signatories_csv(client, open_data_world):
    w = open_data_world
    _response, body = download(client, "/data/signatories.csv")
    rows = read_csv(body)
    assert [r["municipality"] for r in rows] == ["Lyon", "Mechelen"]
    mechelen = rows[1]
    assert mechelen["statement"] == "'" + HYPERLINK  # neutralised: no spreadsheet runs it
    assert mechelen["pledge_id"] == str(w["pledges"]["verified"].pk)
    assert mechelen["geonames_id"] == "2791537"
    assert mechelen["country"] == "BE" and mechelen["continent"] == "EU"
    assert mechelen["commitment_codes"] == "RIGHTS-1 DATA-1"
    assert mechelen["reporting_state"] == "on_time"
    assert mechelen["withdrawn_at"] == ""
    assert rows[0]["status"] == "withdrawn" and rows[0]["withdrawn_at"]
    assert_nothing_private(body.decode("utf-8-sig"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-5 budget", "'-5 budget"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("plain", "plain"),
    ],
)
def test_cells_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_signatories_json_envelope(client, open_data_world, settings):
    settings.OPEN_DATA_LICENCE = "ODbL 1.0"
    _response, body = download(client, "/data/signatories.json")
    data = json.loads(body)
    assert list(data) == ["generated_at", "licence", "count", "results"]
    assert data["licence"]["name"] == "ODbL 1.0"
    assert data["count"] == len(data["results"]) == 2
    assert data["results"][1]["statement"] == HYPERLINK
    assert data["results"][1]["commitments"][0]["code"] == "RIGHTS-1"
    assert_nothing_private(body.decode())


def test_default_licence_is_cc_by(client, open_data_world):
    _response, body = download(client, "/data/commitments.json")
    assert json.loads(body)["licence"]["name"] == "CC BY 4.0"


def test_commitments_downloads_have_every_language(client, open_data_world):
    _response, body = download(client, "/data/commitments.csv")
    rows = read_csv(body)
    assert [r["code"] for r in rows] == ["RIGHTS-1", "DATA-1"]  # not the draft campaign's
    assert rows[0]["title_fr"] == "Égalité des droits" and rows[0]["title_es"] == "Igualdad de derechos"
    assert rows[1]["title_fr"] == ""
    assert rows[0]["signatories"] == "1" and rows[0]["required"] == "true"
    _response, body = download(client, "/data/commitments.json")
    first = json.loads(body)["results"][0]
    assert first["title"] == "Equal rights"
    assert first["translations"]["fr"]["title"] == "Égalité des droits"


def test_reports_downloads_hold_submitted_content_only(client, open_data_world):
    _response, body = download(client, "/data/reports.csv")
    rows = read_csv(body)
    assert [r["commitment_code"] for r in rows] == ["RIGHTS-1", "DATA-1"]
    assert {r["narrative"] for r in rows} == {CORRECTED_TEXT}
    assert {r["version"] for r in rows} == {"2"}
    assert rows[0]["figures"] == "'-5 budget"
    assert_nothing_private(body.decode("utf-8-sig"))
    _response, body = download(client, "/data/reports.json")
    data = json.loads(body)
    assert data["count"] == 1 and data["results"][0]["updates"][0]["narrative"] == CORRECTED_TEXT
    assert_nothing_private(body.decode())


def test_campaign_parameter(client, open_data_world):
    response, body = download(client, "/data/signatories.json", {"campaign": "cities-pledge"})
    assert json.loads(body)["count"] == 2
    assert response["Content-Disposition"].startswith('attachment; filename="cities-pledge-signatories-')
    assert client.get("/data/signatories.csv", {"campaign": "secret-draft"}).status_code == 404
    assert client.get("/data/reports.json", {"campaign": "nope"}).status_code == 404
    assert client.get("/data/other.csv").status_code == 404
    assert client.post("/data/signatories.csv").status_code == 405


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Open data"), ("fr", '<html lang="fr"'), ("es", '<html lang="es"')]
)
def test_open_data_page(client, open_data_world, lang, heading):
    response = client.get(f"/{lang}/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    for link in (
        "/data/signatories.csv",
        "/data/signatories.json",
        "/data/commitments.csv",
        "/data/reports.json",
        "/api/v1/docs/",
        "/api/v1/redoc/",
        "/api/v1/schema/",
        "https://creativecommons.org/licenses/by/4.0/",
    ):
        assert link in html, link
    assert "CC BY 4.0" in html
    assert "curl" in html and "/api/v1/signatories/?campaign=cities-pledge" in html
    assert "reporting_state" in html  # field definitions
    assert f'href="/{lang}/open-data/"' in html  # footer link


def test_footer_links_to_open_data(client, db):
    response = client.get("/en/")
    assert response.status_code == 200
    assert b'href="/en/open-data/"' in response.content
