"""The map's peer learning layers: public local actions as points at their city, confirmed
partnerships as lines between the two cities; nothing else."""

import json

import pytest
from django.utils import translation

from pledges.learning.models import Partnership
from tests.public.learning_world import action, assert_no_secret, build_learning_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_learning_world()


def geojson(client, layer, query=""):
    response = client.get(f"/map/{layer}.geojson{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.content.decode()
    assert_no_secret(body)
    return json.loads(body)


def test_actions_are_points_at_their_city(client, world):
    data = geojson(client, "actions")
    assert data["type"] == "FeatureCollection"
    by_title = {f["properties"]["title"]: f for f in data["features"]}
    assert set(by_title) == {"Welcome desk for newcomers", "Language cafés"}
    welcome = by_title["Welcome desk for newcomers"]
    mechelen = world["cities"]["verified"]
    assert welcome["geometry"] == {"type": "Point", "coordinates": [4.5, 51.0]}
    assert welcome["properties"]["city"] == "Mechelen"
    assert welcome["properties"]["url"] == f"/en/actions/{world['actions']['welcome'].pk}/"
    assert welcome["properties"]["city_url"] == f"/en/cities/{mechelen.slug}/"


def test_actions_in_the_readers_language(client, world):
    data = geojson(client, "actions", "?language=fr")
    titles = {f["properties"]["title"]: f["properties"] for f in data["features"]}
    assert "Guichet d'accueil des nouveaux arrivants" in titles
    props = titles["Guichet d'accueil des nouveaux arrivants"]
    assert props["language"] == "fr"
    assert props["url"].startswith("/fr/actions/")
    assert titles["Language cafés"]["language"] == "en"  # no translation: the original


def test_a_bad_language_is_a_400(client, world):
    assert client.get("/map/actions.geojson?language=xx").status_code == 400
    assert client.get("/map/partnerships.geojson?campaign=%3Cscript%3E").status_code == 400


def test_partnerships_are_lines_between_the_cities(client, world):
    data = geojson(client, "partnerships")
    assert len(data["features"]) == 1  # proposed, declined and ended ones are not on the map
    line = data["features"][0]
    assert line["geometry"] == {"type": "LineString", "coordinates": [[4.5, 51.0], [4.85, 45.75]]}
    props = line["properties"]
    assert props["kind"] == "twinning" and props["kind_label"] == "Twinning"
    assert [c["name"] for c in props["cities"]] == ["Mechelen", "Lyon"]
    assert props["cities"][1]["url"] == f"/en/cities/{world['cities']['withdrawn'].slug}/"


def test_partnership_kind_in_french(client, world):
    data = geojson(client, "partnerships", "?language=fr")
    with translation.override("fr"):
        assert data["features"][0]["properties"]["kind_label"] == str(Partnership.Kind.TWINNING.label)
    assert data["features"][0]["properties"]["cities"][0]["url"].startswith("/fr/cities/")


def test_a_city_without_profile_has_no_link(client, world):
    Partnership.objects.filter(partner=world["cities"]["unsigned"]).update(status=Partnership.Status.CONFIRMED)
    data = geojson(client, "partnerships")
    gent = next(f for f in data["features"] if f["properties"]["cities"][1]["name"] == "Gent")
    assert gent["properties"]["cities"][1]["url"] is None


def test_campaign_filter(client, world):
    assert geojson(client, "actions", "?campaign=cities-pledge")["features"]
    assert geojson(client, "actions", "?campaign=secret-draft")["features"] == []


def test_etag_and_not_modified(client, world):
    first = client.get("/map/actions.geojson")
    assert first.has_header("ETag")
    again = client.get("/map/actions.geojson", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_the_map_page_has_layer_toggles(client, world):
    html = client.get("/en/map/").content.decode()
    assert 'id="layer-actions"' in html and 'for="layer-actions"' in html
    assert 'id="layer-partnerships"' in html and 'for="layer-partnerships"' in html
    assert "/map/actions.geojson?language=en" in html
    assert "js/map-learning.js" in html
    assert "/map/partnerships.geojson?language=ar" in client.get("/ar/map/").content.decode()


def test_fixed_queries(client, world, django_assert_max_num_queries):
    for i in range(5):
        action(world, world["cities"]["withdrawn"], f"Extra {i}")
    with django_assert_max_num_queries(8):
        assert len(geojson(client, "actions")["features"]) == 7
