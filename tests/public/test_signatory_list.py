"""The list of signatories: search in any spelling and by country, filters, sorting with
aria-sort, pagination that keeps the filters, and a fixed number of queries."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from campaign.public import projection
from pledges.models import Pledge, PledgeCommitment, ProgressReport
from tests.builders import bulk_world
from tests.factories import CampaignFactory, CommitmentFactory, MunicipalityFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def names(html):
    """City names in the table's row headers, in order."""
    return re.findall(r'<th scope="row"><a href="/[a-z]{2}/cities/[^"]+/"(?: dir="auto")?>([^<]+)</a>', html)


def get(client, **params):
    response = client.get("/en/cities/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def signatories(db):
    campaign = CampaignFactory(slug="main", title_en="Main campaign", status="open")
    c1 = CommitmentFactory(campaign=campaign, code="RIGHTS-1", is_required=True)
    c2 = CommitmentFactory(campaign=campaign, code="DATA-1", title_en="Count who lives here")
    period = ReportingPeriodFactory(
        campaign=campaign, opens=date.today() - timedelta(days=100), due=date.today() - timedelta(days=10)
    )
    cities = {
        "Mechelen": MunicipalityFactory(name="Mechelen", country="BE", population=86_000, alternate_names=["Malines"]),
        "Lyon": MunicipalityFactory(name="Lyon", country="FR", population=520_000),
        "Nador": MunicipalityFactory(name="Nador", country="MA", population=180_000),
        "Amman": MunicipalityFactory(name="Amman", country="JO", population=None),
    }
    signed = {"Mechelen": date(2023, 3, 1), "Lyon": date(2024, 2, 1), "Nador": date(2025, 1, 1), "Amman": None}
    pledges = {}
    for name, city in cities.items():
        p = Pledge.objects.create(
            campaign=campaign, municipality=city, status="verified", verified_at=timezone.now(), signed_on=signed[name]
        )
        chosen = [c1, c2] if name in ("Lyon", "Nador") else [c1]
        PledgeCommitment.objects.bulk_create([PledgeCommitment(pledge=p, commitment=c) for c in chosen])
        pledges[name] = p
    ProgressReport.objects.create(pledge=pledges["Lyon"], period=period, status="submitted", is_late=True)
    ProgressReport.objects.create(pledge=pledges["Nador"], period=period, status="submitted")
    ProgressReport.objects.create(pledge=pledges["Mechelen"], period=period, status="draft")
    # Not listed: a draft pledge, a withdrawn one, and a verified pledge of a draft campaign.
    Pledge.objects.create(campaign=campaign, municipality=MunicipalityFactory(name="Draftville"), status="submitted")
    Pledge.objects.create(
        campaign=campaign,
        municipality=MunicipalityFactory(name="Leftham"),
        status="withdrawn",
        verified_at=timezone.now(),
    )
    hidden = CampaignFactory(slug="hidden", status="draft")
    Pledge.objects.create(
        campaign=hidden,
        municipality=MunicipalityFactory(name="Secretville"),
        status="verified",
        verified_at=timezone.now(),
    )
    projection.rebuild()  # bulk_create sends no signal to the read model
    return {"campaign": campaign, "pledges": pledges}


def test_lists_verified_signatories_of_public_campaigns_by_name(client, signatories):
    html = get(client)
    assert names(html) == ["Amman", "Lyon", "Mechelen", "Nador"]
    assert "4 signatories" in html


def test_search_by_alternate_name_and_by_country_name(client, signatories):
    assert names(get(client, q="malines")) == ["Mechelen"]
    assert names(get(client, q="MECH")) == ["Mechelen"]
    assert names(get(client, q="Belgium")) == ["Mechelen"]
    assert names(get(client, q="morocco")) == ["Nador"]
    html = get(client, q="Beirut")
    assert names(html) == [] and "No signatory matches" in html


def test_filters(client, signatories):
    assert names(get(client, continent="EU")) == ["Lyon", "Mechelen"]
    assert names(get(client, continent="AS")) == ["Amman"]
    assert names(get(client, country="MA")) == ["Nador"]
    assert names(get(client, commitment="DATA-1")) == ["Lyon", "Nador"]
    assert names(get(client, reporting="reported")) == ["Lyon", "Nador"]
    assert names(get(client, reporting="late")) == ["Lyon"]
    assert names(get(client, reporting="none")) == ["Amman", "Mechelen"]  # a draft report is not published
    assert names(get(client, campaign="main", continent="AF")) == ["Nador"]
    assert names(get(client, campaign="hidden")) == ["Amman", "Lyon", "Mechelen", "Nador"]  # not a choice: ignored


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Amman", "Lyon", "Mechelen", "Nador"]),
        ("-name", ["Nador", "Mechelen", "Lyon", "Amman"]),
        ("country", ["Mechelen", "Lyon", "Amman", "Nador"]),  # Belgium, France, Jordan, Morocco
        ("-population", ["Lyon", "Nador", "Mechelen", "Amman"]),  # unknown population last
        ("population", ["Mechelen", "Nador", "Lyon", "Amman"]),
        ("signed", ["Mechelen", "Lyon", "Nador", "Amman"]),
        ("-commitments", ["Lyon", "Nador", "Amman", "Mechelen"]),
    ],
)
def test_sorting(client, signatories, sort, expected):
    assert names(get(client, sort=sort)) == expected


def test_sorted_column_has_aria_sort_and_links_toggle(client, signatories):
    html = get(client, sort="-population", country="")
    assert re.search(
        r'<th scope="col" aria-sort="descending"[^>]*>\s*<a class="sort-link" href="\?[^"]*sort=population', html
    )
    assert html.count("aria-sort=") == 1
    html = get(client)
    assert re.search(r'<th scope="col" aria-sort="ascending"[^>]*>\s*<a class="sort-link" href="\?sort=-name"', html)


def test_pagination_keeps_the_filters(client, db):
    campaign = bulk_world(60)
    html = get(client, campaign=campaign.slug, sort="-population")
    assert len(names(html)) == 25
    assert "60 signatories" in html
    assert f'href="?campaign={campaign.slug}&amp;sort=-population&amp;page=2"' in html
    page3 = get(client, campaign=campaign.slug, sort="-population", page=3)
    assert len(names(page3)) == 10
    assert names(page3)[-1] == "Bulk 0"  # the smallest population comes last


@pytest.mark.parametrize("n", [10, 1000])
def test_fixed_number_of_queries(client, db, n, django_assert_max_num_queries):
    campaign = bulk_world(n)
    with django_assert_max_num_queries(5):
        html = get(client, q="bulk", continent="EU", sort="country", campaign=campaign.slug)
    assert names(html)


def test_french_list(client, signatories):
    response = client.get("/fr/cities/")
    assert response.status_code == 200
    assert '<html lang="fr" dir="ltr">' in response.content.decode()
    assert 'href="/fr/cities/' in response.content.decode()
