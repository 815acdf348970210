"""The monitoring open data is the same for the seven actors of the permission matrix
(tests/pledges/test_permission_matrix.py): public, read-only, and nobody, not even the
city's own official or a campaign admin, is shown what is not published (a version
waiting for review, a pledge not verified). Writing is refused to everyone (405).

The world is tests/public/test_opendata_indicators.py's (Mechelen's published values, a
pending version, Beirut's hidden pledge).
"""

import json

import pytest

from tests.factories import StaffFactory, UserFactory, approve_official, give_totp
from tests.public.test_opendata_indicators import assert_nothing_hidden, world  # noqa: F401  (world: fixture)

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "unverified", "official_a", "official_b", "admin", "superuser", "staff_no_mfa")
URLS = [
    "/api/v1/indicators/",
    "/api/v1/indicator-values/",
    "/api/v1/indicator-targets/",
    "/api/v1/means/",
    "/data/indicators.csv",
    "/data/indicator-values.csv",
    "/data/indicator-values.json",
    "/data/indicator-targets.json",
    "/data/means.csv",
    "/en/open-data/",
]


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    settings.STAFF_REQUIRE_MFA = True


def _actor(name, w):
    mechelen = w["pledges"]["verified"].municipality
    if name == "anonymous":
        return None
    if name == "unverified":
        user = UserFactory(email="unconfirmed@mechelen.be", verified=False)
        approve_official(user, mechelen)
    elif name == "official_a":
        user = UserFactory(email="focal@mechelen.be")
        approve_official(user, mechelen)
    elif name == "official_b":
        user = UserFactory(email="focal@lyon.fr")
        approve_official(user, w["pledges"]["withdrawn"].municipality)
    elif name == "admin":
        user = StaffFactory(email="admin@campaign.org")
        give_totp(user)
    elif name == "superuser":
        user = UserFactory(email="root@campaign.org", is_staff=True, is_superuser=True)
        give_totp(user)
    else:
        user = StaffFactory(email="no-factor@campaign.org")
    return user


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def _public_part(url: str, text: str) -> str:
    """What must be the same for everyone: the JSON without its generation time; CSVs whole."""
    if url.endswith(".json"):
        data = json.loads(text)
        data.pop("generated_at")
        return json.dumps(data, sort_keys=True)
    if url.startswith("/api/"):
        return json.dumps(json.loads(text), sort_keys=True)
    return text


@pytest.mark.parametrize("actor", ACTORS)
def test_every_actor_reads_the_same_public_monitoring_data(client, world, actor):  # noqa: F811
    answers = {}
    for url in URLS:
        response = client.get(url, headers={"accept": "application/json"} if url.startswith("/api/") else {})
        assert response.status_code == 200, (actor, url)
        answers[url] = _public_part(url, _body(response))
    user = _actor(actor, world)
    if user is not None:
        client.force_login(user)
    for url in URLS:
        response = client.get(url, headers={"accept": "application/json"} if url.startswith("/api/") else {})
        assert response.status_code == 200, (actor, url)
        text = _body(response)
        if url.endswith("open-data/"):
            assert "/data/indicator-values.csv" in text
            continue
        assert _public_part(url, text) == answers[url], (actor, url)
        assert_nothing_hidden(text)


@pytest.mark.parametrize("actor", ACTORS)
def test_nobody_writes_through_the_monitoring_api(client, world, actor):  # noqa: F811
    user = _actor(actor, world)
    if user is not None:
        client.force_login(user)
    indicator = world["indicators"]["people"]
    for url in ("/api/v1/indicators/", f"/api/v1/indicators/{indicator.pk}/", "/api/v1/means/"):
        for method in ("post", "put", "delete"):
            response = getattr(client, method)(url, data={}, content_type="application/json")
            assert response.status_code in (403, 405), (actor, method, url, response.status_code)
    indicator.refresh_from_db()
    assert indicator.code == "ID-1"
