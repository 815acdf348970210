"""The campaign team sees people by name with their address (the address alone while they
have given no name): membership requests, a pledge's page, the overdue list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership
from pledges.models import Pledge
from tests.factories import UserFactory, add_confirmed_address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_no_mfa(settings):
    settings.STAFF_REQUIRE_MFA = False  # the MFA middleware has its own tests
    translation.activate("en")
    yield
    translation.activate("en")


def request_from(user, municipality):
    add_confirmed_address(user, f"{user.email.split('@')[0]}@{municipality.slug}.example")
    return Membership.objects.create(
        user=user,
        municipality=municipality,
        role=Membership.Role.FOCAL_POINT,
        evidence_email=f"{user.email.split('@')[0]}@{municipality.slug}.example",
    )


def test_membership_requests_show_the_name_above_the_address(client, staff_admin, city_a, city_b):
    request_from(UserFactory(email="leila@tunis.example", full_name="ليلى بن علي"), city_a)
    request_from(UserFactory(email="no.name@lyon.example", full_name=""), city_b)
    client.force_login(staff_admin)

    html = client.get(reverse("staff:memberships")).content.decode()

    assert '<span dir="auto">ليلى بن علي</span><br><span class="small fw-normal">leila@tunis.example</span>' in html
    # Without a name, the address once, not twice.
    assert html.count("no.name@lyon.example</span>") == 1
    assert '<th scope="row"><span class="small fw-normal">no.name@lyon.example</span></th>' in html


def test_a_pledge_page_names_who_started_it(client, staff_admin, submitted_pledge_a, official_a):
    client.force_login(staff_admin)

    html = client.get(reverse("staff:pledge_detail", args=[submitted_pledge_a.pk])).content.decode()

    assert (
        '<span dir="auto">Anna Official</span> <span class="text-body-secondary">&lt;focal@mechelen.be&gt;</span>'
        in html
    )


def test_the_overdue_list_names_each_official_beside_their_address(
    midday, client, staff_admin, verified_pledge_a, official_a, past_period
):
    Pledge.objects.filter(pk=verified_pledge_a.pk).update(verified_at=timezone.now() - timedelta(days=400))
    client.force_login(staff_admin)

    html = client.get(reverse("staff:overdue")).content.decode()

    assert '<span dir="auto">Anna Official</span> <a href="mailto:focal@mechelen.be">focal@mechelen.be</a>' in html
