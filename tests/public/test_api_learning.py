"""The API's local actions and partnerships: only what is public, every field documented,
filters, and a fixed number of queries per page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pledges.learning.models import CampaignEvent, LocalAction, LocalActionFile, Partnership
from tests.public.learning_world import action, assert_no_secret, build_learning_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_learning_world()


def get(client, url, **params):
    response = client.get(url, params, headers={"accept": "application/json"})
    assert_no_secret(response.content.decode())
    return response


def test_actions_list_only_published_ones(client, world):
    data = get(client, "/api/v1/actions/").json()
    assert data["count"] == 2
    assert [r["title"] for r in data["results"]] == ["Welcome desk for newcomers", "Language cafés"]


def test_action_record(client, world):
    welcome = world["actions"]["welcome"]
    event = CampaignEvent.objects.create(
        campaign=world["campaign"], title="City forum", starts_on=timezone.localdate() - timedelta(days=40)
    )
    LocalAction.objects.filter(pk=welcome.pk).update(
        event=event, funding_sources="City budget\nEU fund", partners="Red Cross"
    )
    LocalActionFile.objects.create(
        action=welcome,
        kind="image",
        file="actions/1/x.jpg",
        original_name="secret-original-name.jpg",
        title="The desk",
        alt_text="A desk with two people",
        content_type="image/jpeg",
        extension="jpg",
        size=1234,
        width=10,
        height=8,
    )
    r = get(client, f"/api/v1/actions/{welcome.pk}/").json()
    assert r["id"] == welcome.pk
    assert r["municipality"]["name"] == "Mechelen" and r["municipality"]["country"] == "BE"
    assert r["language"] == "en" and r["title"] == "Welcome desk for newcomers"
    assert r["translations"] == [
        {
            "language": "fr",
            "title": "Guichet d'accueil des nouveaux arrivants",
            "summary": "Un guichet unique.",
            "description": "",
            "results": "",
        }
    ]
    assert r["status"] == "ongoing"
    assert r["commitments"] == ["RIGHTS-1", "DATA-1"]
    assert r["gcm_objectives"] == [15, 16] and r["sdg_targets"] == ["10.7"]
    assert r["audiences"] == ["all_residents", "women"]
    assert r["budget"] == "12000" and r["budget_currency"] == "EUR"
    assert r["funding_sources"] == ["City budget", "EU fund"] and r["partners"] == ["Red Cross"]
    assert r["indicator_results"][0]["indicator"] == "R-1" and r["indicator_results"][0]["value"] == "250"
    assert r["links"] == ["https://mechelen.example/welcome"]
    assert r["contact_role"] == "Integration office"
    assert r["event"]["title"] == "City forum"
    assert r["published_at"].endswith("Z")
    assert r["files"][0]["url"].endswith(f"/en/actions/{welcome.pk}/files/{r['files'][0]['id']}/")
    assert r["files"][0]["alt_text"] == "A desk with two people"
    assert "secret-original-name" not in str(r)


def test_an_event_not_shown_to_the_public_is_left_out(client, world):
    welcome = world["actions"]["welcome"]
    event = CampaignEvent.objects.create(
        campaign=world["campaign"], title="Private meeting", starts_on=timezone.localdate(), is_public=False
    )
    LocalAction.objects.filter(pk=welcome.pk).update(event=event)
    assert get(client, f"/api/v1/actions/{welcome.pk}/").json()["event"] is None


@pytest.mark.parametrize("key", ["draft", "submitted", "returned", "hidden_campaign"])
def test_unpublished_action_is_404(client, world, key):
    assert get(client, f"/api/v1/actions/{world['actions'][key].pk}/").status_code == 404


def test_action_filters(client, world):
    def titles(**params):
        return [r["title"] for r in get(client, "/api/v1/actions/", **params).json()["results"]]

    assert titles(country="FR") == ["Language cafés"]
    assert titles(country="be") == ["Welcome desk for newcomers"]
    assert titles(status="completed") == ["Language cafés"]
    assert titles(commitment="data-1") == ["Welcome desk for newcomers"]
    assert titles(commitment="RIGHTS-1") == ["Welcome desk for newcomers", "Language cafés"]
    assert titles(campaign="secret-draft") == []
    assert get(client, "/api/v1/actions/", status="secret").status_code == 400
    assert get(client, "/api/v1/actions/", status="").status_code == 400


def test_partnerships_only_confirmed(client, world):
    data = get(client, "/api/v1/partnerships/").json()
    assert data["count"] == 1
    p = data["results"][0]
    assert p["kind"] == "twinning" and p["kind_label"] == "Twinning"
    assert p["proposer"]["name"] == "Mechelen" and p["partner"]["name"] == "Lyon"
    assert p["description"] == "Two cities, one welcome."
    for other in world["partnerships"]["not_public"]:
        assert get(client, f"/api/v1/partnerships/{other.pk}/").status_code == 404


def test_partnership_filters(client, world):
    lyon, gent = world["cities"]["withdrawn"], world["cities"]["unsigned"]
    assert get(client, "/api/v1/partnerships/", municipality=lyon.pk).json()["count"] == 1
    assert get(client, "/api/v1/partnerships/", municipality=gent.pk).json()["count"] == 0
    assert get(client, "/api/v1/partnerships/", kind="cooperation").json()["count"] == 0
    assert get(client, "/api/v1/partnerships/", kind="twinning").json()["count"] == 1
    assert get(client, "/api/v1/partnerships/", municipality="x").status_code == 400


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers={"accept": "application/json"})
    assert response.status_code == 200
    return len(captured)


def test_fixed_queries_per_page(client, world):
    urls = ["/api/v1/actions/", "/api/v1/actions/?country=BE&commitment=RIGHTS-1", "/api/v1/partnerships/"]
    small = {url: _queries(client, url) for url in urls}
    mechelen, lyon = world["cities"]["verified"], world["cities"]["withdrawn"]
    for i in range(12):
        made = action(world, mechelen if i % 2 else lyon, f"Bulk action {i}", days_ago=5 + i)
        made.commitments.set([world["commitments"]["rights"]])
    for key in ("submitted", "draft", "rejected"):
        Partnership.objects.create(
            campaign=world["campaign"],
            proposer=lyon,
            partner=world["cities"][key],
            kind=Partnership.Kind.MUTUAL_AID,
            status=Partnership.Status.CONFIRMED,
            answered_at=timezone.now(),
        )
    large = {url: _queries(client, url) for url in urls}
    assert large == small
    assert max(large.values()) <= 7, large
