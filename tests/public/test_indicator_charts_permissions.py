"""The profile's indicator charts and the dashboard's monitoring are the same for the seven
actors of the permission matrix (tests/pledges/test_permission_matrix.py): public and
read-only, and nobody, not even the city's own official or a campaign admin, sees a value
that is not published (a version waiting for review).

The worlds are tests/public/test_indicator_charts.py's (Lyon's published values and a pending
version) and tests/public/test_dashboard_monitoring.py's (the "watch" campaign).
"""

import pytest

from tests.factories import StaffFactory, UserFactory, approve_official, give_totp
from tests.public.test_dashboard_monitoring import world  # noqa: F401 - a fixture
from tests.public.test_indicator_charts import monitored  # noqa: F401 - a fixture
from tests.readers import table_rows

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "unverified", "official_a", "official_b", "admin", "superuser", "staff_no_mfa")


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    settings.STAFF_REQUIRE_MFA = True


def _actor(name, city, other_city):
    if name == "anonymous":
        return None
    if name == "unverified":
        user = UserFactory(email="unconfirmed@lyon.fr", verified=False)
        approve_official(user, city)
    elif name == "official_a":
        user = UserFactory(email="focal@lyon.fr")
        approve_official(user, city)
    elif name == "official_b":
        user = UserFactory(email="focal@elsewhere.fr")
        approve_official(user, other_city)
    elif name == "admin":
        user = StaffFactory(email="admin@campaign.org")
        give_totp(user)
    elif name == "superuser":
        user = UserFactory(email="root@campaign.org", is_staff=True, is_superuser=True)
        give_totp(user)
    else:
        user = StaffFactory(email="no-factor@campaign.org")
    return user


@pytest.mark.parametrize("actor", ACTORS)
def test_every_actor_sees_the_same_published_charts(client, request, actor):
    profile_world = request.getfixturevalue("monitored")
    request.getfixturevalue("world")
    city, pledge, people = profile_world["city"], profile_world["pledge"], profile_world["people"]
    other = pledge.campaign.pledges.model.objects.exclude(pk=pledge.pk).first()
    user = _actor(actor, city, other.municipality if other else city)
    if user is not None:
        client.force_login(user)

    html = client.get(f"/en/cities/{city.slug}/").content.decode()
    rows = table_rows(html, f"chart-indicator-{pledge.pk}-{people.pk}-table")
    assert [row[2] for row in rows[1:]] == ["1,000", "2,500", "6,400", "9,000"]
    assert "99,999" not in html  # the version waiting for review

    dashboard = client.get("/en/dashboard/", {"campaign": "watch"})
    assert dashboard.status_code == 200
    assert "Total: 550 people" in dashboard.content.decode()
    for slug in ("indicators-on-track", "support-kinds", "support-regions"):
        response = client.get(f"/en/dashboard/{slug}.csv", {"campaign": "watch"})
        assert response.status_code == 200, slug
        assert response["Content-Type"].startswith("text/csv")
        assert "Europe,2,1,0" in response.content.decode() or slug != "support-regions"
