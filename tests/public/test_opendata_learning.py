"""The open data downloads of peer learning: /data/actions.(csv|json) and
/data/partnerships.(csv|json), and the open data page that lists them."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.learning.models import LocalAction
from tests.builders import HYPERLINK
from tests.public.learning_world import action, assert_no_secret, build_learning_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_learning_world()


def download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content)
    assert_no_secret(body.decode("utf-8-sig"))
    return response, body


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_actions_csv(client, world):
    response, body = download(client, "/data/actions.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and "actions" in response["Content-Disposition"]
    rows = read_csv(body)
    assert [r["title"] for r in rows] == ["Welcome desk for newcomers", "Language cafés"]
    welcome = rows[0]
    assert welcome["municipality"] == "Mechelen" and welcome["country"] == "BE"
    assert welcome["title_fr"] == "Guichet d'accueil des nouveaux arrivants"
    assert welcome["title_en"] == "Welcome desk for newcomers"
    assert welcome["title_es"] == ""
    assert welcome["commitments"] == "RIGHTS-1 DATA-1"
    assert welcome["budget"] == "12000" and welcome["budget_currency"] == "EUR"
    assert welcome["indicator_results"] == "R-1=250"
    assert welcome["contact_role"] == "Integration office"


def test_a_formula_in_an_action_is_neutralised(client, world):
    LocalAction.objects.filter(pk=world["actions"]["welcome"].pk).update(summary=HYPERLINK)
    _response, body = download(client, "/data/actions.csv")
    row = read_csv(body)[0]
    assert row["summary"] == "'" + HYPERLINK


def test_actions_json(client, world):
    response, body = download(client, "/data/actions.json")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["count"] == 2 and {"generated_at", "licence", "results"} <= set(data)
    first = data["results"][0]
    assert first["title"] == "Welcome desk for newcomers"
    assert first["translations"][0]["language"] == "fr"
    assert first["municipality"]["name"] == "Mechelen"


def test_one_campaign_only(client, world):
    _response, body = download(client, "/data/actions.json", {"campaign": "cities-pledge"})
    assert json.loads(body)["count"] == 2
    assert client.get("/data/actions.json", {"campaign": "secret-draft"}).status_code == 404


def test_partnerships_csv_and_json(client, world):
    _response, body = download(client, "/data/partnerships.csv")
    rows = read_csv(body)
    assert len(rows) == 1
    assert rows[0]["kind"] == "twinning"
    assert rows[0]["proposer"] == "Mechelen" and rows[0]["partner"] == "Lyon"
    assert rows[0]["partner_country"] == "FR"
    _response, body = download(client, "/data/partnerships.json")
    data = json.loads(body)
    assert data["count"] == 1 and data["results"][0]["kind_label"] == "Twinning"


def test_downloads_are_in_english_for_every_reader(client, world):
    _response, body = download(client, "/data/partnerships.json", {"lang": "fr"})
    assert json.loads(body)["results"][0]["kind_label"] == "Twinning"


def test_fixed_queries(client, world):
    def count():
        with CaptureQueriesContext(connection) as captured:
            download(client, "/data/actions.csv")
        return len(captured)

    small = count()
    for i in range(8):
        action(world, world["cities"]["verified"], f"More {i}").commitments.set([world["commitments"]["data"]])
    assert count() == small


def test_the_open_data_page_lists_them(client, world):
    html = client.get("/en/open-data/").content.decode()
    assert "/data/actions.csv" in html and "/data/actions.json" in html
    assert "/data/partnerships.csv" in html and "/data/partnerships.json" in html
    assert "/api/v1/actions/" in html and "/api/v1/partnerships/" in html
    assert "contact_role" in html  # the field definitions
