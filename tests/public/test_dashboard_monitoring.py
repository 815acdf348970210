"""The dashboard's monitoring: indicators added up where the units agree, the share of cities
on track, and the support needed by kind and region, from a small dataset worked out by
hand here and read back from the page as a visitor would."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.public import monitoring
from pledges.models import PledgeCommitment, ProgressReport, ReportVersion
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation
from tests.builders import pledge_for_city
from tests.factories import CampaignFactory, CommitmentFactory, MunicipalityFactory, ReportingPeriodFactory
from tests.readers import chart_rows, table_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def publish(pledge, period, updates, *, number=1, published=True):
    now = timezone.now()
    report, _ = ProgressReport.objects.get_or_create(
        pledge=pledge, period=period, defaults={"status": "submitted", "submitted_at": now, "version": number}
    )
    return ReportVersion.objects.create(
        report=report,
        number=number,
        submitted_at=now,
        content={"updates": updates},
        review="published" if published else "pending",
        published_at=now if published else None,
    )


def update(commitment, values, means=None):
    return {
        "commitment_id": commitment.pk,
        "code": commitment.code,
        "status": "in_progress",
        "narrative": "x",
        "indicators": [{"indicator_id": i.pk, "code": i.code, "value": str(v)} for i, v in values.items()],
        "means": means,
    }


def means(*kinds):
    return {"support_needed": list(kinds), "partners": {}, "budget_amount": None, "budget_currency": ""}


@pytest.fixture
def world(db):
    campaign = CampaignFactory(slug="watch", status="open")
    c1 = CommitmentFactory(campaign=campaign, code="W-1", title_en="Welcome", order=1)
    people = Indicator.objects.create(commitment=c1, code="W-1a", name_en="People reached", unit_en="people")
    forms = Indicator.objects.create(
        commitment=c1, code="W-1b", name_en="Forms asking for a permit", kind="percentage", higher_is_better=False
    )
    spent = Indicator.objects.create(commitment=c1, code="W-1c", name_en="Budget spent", kind="amount")
    office = Indicator.objects.create(commitment=c1, code="W-1d", name_en="Office open", kind="yes_no")
    first = ReportingPeriodFactory(
        campaign=campaign, label_en="First", opens=TODAY - timedelta(days=300), due=TODAY - timedelta(days=200)
    )
    second = ReportingPeriodFactory(
        campaign=campaign, label_en="Second", opens=TODAY - timedelta(days=60), due=TODAY - timedelta(days=10)
    )
    a = pledge_for_city(campaign, MunicipalityFactory(name="Antwerp", country="BE"), commitments=[c1])
    b = pledge_for_city(campaign, MunicipalityFactory(name="Bordeaux", country="FR"), commitments=[c1])
    c = pledge_for_city(campaign, MunicipalityFactory(name="Casablanca", country="MA"), commitments=[c1])
    d = pledge_for_city(campaign, MunicipalityFactory(name="Draft", country="KE"), status="submitted", commitments=[c1])
    e = pledge_for_city(campaign, MunicipalityFactory(name="Gone", country="BR"), status="withdrawn", commitments=[c1])
    chosen = {p.pk: PledgeCommitment.objects.get(pledge=p) for p in (a, b, c, d, e)}

    # A: reached its target of 250 people; B: far behind its line; C: no target.
    IndicatorTarget.objects.create(
        chosen=chosen[a.pk],
        indicator=people,
        baseline_value=100,
        baseline_year=TODAY.year - 3,
        target_value=250,
        target_date=TODAY + timedelta(days=400),
    )
    IndicatorTarget.objects.create(
        chosen=chosen[b.pk],
        indicator=people,
        baseline_value=190,
        baseline_year=TODAY.year - 3,
        target_value=10000,
        target_date=TODAY + timedelta(days=30),
    )
    publish(a, first, [update(c1, {people: 100, forms: 50, spent: 400, office: 0})])
    publish(
        a,
        second,
        [update(c1, {people: 300, forms: 40, spent: "1000", office: 1}, means=means("resources", "tools"))],
    )
    publish(b, second, [update(c1, {people: 200, forms: 60, spent: "500.50", office: 0})])
    publish(c, first, [update(c1, {people: 50, forms: 90, spent: 20000, office: 1}, means=means("partnerships"))])
    # not public: C's version waiting for review, the draft pledge's and the withdrawn one's
    publish(c, first, [update(c1, {people: 5000, forms: 10})], number=2, published=False)
    publish(d, first, [update(c1, {people: 7777, forms: 1})])
    publish(e, first, [update(c1, {people: 8888, forms: 2})])

    # the cities' current means (what their reports saved, or what they entered when signing):
    # A's, B's and C's count; D's pledge is not public
    MeansOfImplementation.objects.create(chosen=chosen[a.pk], support_needed=["resources", "tools"])
    MeansOfImplementation.objects.create(chosen=chosen[b.pk], support_needed=["resources"])
    MeansOfImplementation.objects.create(chosen=chosen[c.pk], support_needed=["partnerships"])
    MeansOfImplementation.objects.create(chosen=chosen[d.pk], support_needed=["tools"])
    return {"campaign": campaign, "commitment": c1, "indicators": (people, forms, spent, office)}


def get(client, language="en", **params):
    response = client.get(f"/{language}/dashboard/", {"campaign": "watch", **params})
    assert response.status_code == 200
    return response.content.decode()


def indicator_table(html):
    rows = table_rows(html, "monitoring-indicators-table")[1:]
    return {row[0].split(" · ")[0].split()[-1]: row[1:] for row in rows}


def test_indicators_added_up_where_the_units_agree(client, world):
    rows = indicator_table(get(client))
    assert rows["W-1a"] == ["3", "Total: 550 people", "1 of 2 (50%)"]  # 300 + 200 + 50
    assert rows["W-1b"][:2] == ["3", "Median: 60%"]  # of 40, 60 and 90
    assert rows["W-1c"][:2] == ["3", "Total: €1,500.50; MAD20,000.00"]  # per currency
    assert rows["W-1d"][:2] == ["3", "Yes: 67%"]  # A and C of three
    assert rows["W-1b"][2] == "not known"  # no city set a target for it


def test_share_on_track_per_indicator_chart(client, world):
    html = get(client)
    rows = chart_rows(html, "indicators-on-track")
    assert rows["W-1a · People reached"] == ["3", "1", "33%", "1", "33%", "1", "33%"]
    assert rows["W-1b · Forms asking for a permit"][:7] == ["3", "0", "0%", "0", "0%", "3", "100%"]
    assert 'id="chart-indicators-on-track"' not in html or 'role="img"' in html


def test_support_needed_by_kind_and_region(client, world):
    html = get(client)
    assert chart_rows(html, "support-kinds") == {"Resources": ["2"], "Tools": ["1"], "Partnerships": ["1"]}
    assert chart_rows(html, "support-regions") == {"Europe": ["2", "1", "0"], "Africa": ["0", "0", "1"]}


def test_the_data_behind_it(world):
    data = monitoring.monitoring_data(world["campaign"])
    people = next(r for r in data["indicators"] if r["code"] == "W-1a")
    assert people["value"] == Decimal(550) and people["counts"] == {"on_track": 1, "not_on_track": 1, "not_known": 1}
    assert people["share_on_track"] == Decimal(50)
    spent = next(r for r in data["indicators"] if r["code"] == "W-1c")
    assert spent["by_currency"] == [("EUR", Decimal("1500.50")), ("MAD", Decimal(20000))]
    assert data["support"]["cities"] == 3


def test_numbers_in_the_readers_language(client, world):
    rows = indicator_table(get(client, "fr"))
    # (the reader turns every kind of space into a plain one: French writes no-break spaces)
    assert "1 500,50 €" in rows["W-1c"][1] and "20 000,00 MAD" in rows["W-1c"][1]
    assert "60 %" in rows["W-1b"][1]


def test_csv_of_a_monitoring_chart(client, world):
    response = client.get("/en/dashboard/support-regions.csv", {"campaign": "watch"})
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "Continent,Resources,Tools,Partnerships"
    assert "Europe,2,1,0" in lines and "Africa,0,0,1" in lines


def test_a_value_published_later_changes_the_figures(client, world, django_capture_on_commit_callbacks):
    people = world["indicators"][0]
    assert indicator_table(get(client))["W-1a"][1] == "Total: 550 people"
    casablanca = ProgressReport.objects.get(pledge__municipality__name="Casablanca")
    version = casablanca.versions.get(number=2)
    version.published_at = timezone.now()
    version.review = "published"
    with django_capture_on_commit_callbacks(execute=True):
        version.save()
    assert people.code == "W-1a"
    assert indicator_table(get(client))["W-1a"][1] == "Total: 5,500 people"  # 300 + 200 + 5000


def add_cities(world, n, start):
    c1 = world["commitment"]
    people, forms, _spent, _office = world["indicators"]
    period = ReportingPeriodFactory(
        campaign=world["campaign"],
        label_en=f"Extra {start}",
        opens=TODAY - timedelta(days=40),
        due=TODAY - timedelta(days=20),
    )
    for i in range(start, start + n):
        p = pledge_for_city(world["campaign"], MunicipalityFactory(name=f"More {i}", country="JP"), commitments=[c1])
        chosen = PledgeCommitment.objects.get(pledge=p)
        IndicatorTarget.objects.create(
            chosen=chosen,
            indicator=people,
            baseline_value=1,
            baseline_year=TODAY.year - 1,
            target_value=10,
            target_date=TODAY + timedelta(days=100),
        )
        MeansOfImplementation.objects.create(chosen=chosen, support_needed=["tools"])
        publish(p, period, [update(c1, {people: i, forms: 5}, means=means("tools"))])


def test_monitoring_data_runs_four_queries_whatever_the_number_of_cities(world):
    def count():
        with CaptureQueriesContext(connection) as queries:
            monitoring.monitoring_data(world["campaign"])
        return len(queries)

    assert count() == 4
    add_cities(world, 12, 100)
    assert count() == 4


def test_the_page_has_a_fixed_number_of_queries_and_is_served_from_the_cache(
    client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as queries:
        get(client)
    cold = len(queries)
    with django_capture_on_commit_callbacks(execute=True):  # the public version is bumped on commit
        add_cities(world, 8, 200)
    with CaptureQueriesContext(connection) as queries:
        html = get(client)
    assert len(queries) == cold
    assert indicator_table(html)["W-1a"][0] == "11"
    with django_assert_max_num_queries(2):
        get(client)


def test_nothing_to_draw_draws_nothing(client, db, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(slug="quiet", status="open")
    commitment = CommitmentFactory(campaign=campaign, code="Q-1")
    pledge_for_city(campaign, MunicipalityFactory(name="Quietville", country="BE"), commitments=[commitment])
    html = client.get("/en/dashboard/", {"campaign": "quiet"}).content.decode()
    assert 'id="monitoring-indicators-table"' not in html
    for slug in monitoring.MONITORING_CHART_SLUGS:
        assert f'id="chart-{slug}-figure"' not in html
    # an indicator nobody reported yet is listed, with no chart
    with django_capture_on_commit_callbacks(execute=True):  # the public version is bumped on commit
        Indicator.objects.create(commitment=commitment, code="Q-1a", name_en="Quiet people")
    html = client.get("/en/dashboard/", {"campaign": "quiet"}).content.decode()
    assert indicator_table(html)["Q-1a"] == ["0", "no value yet", "—"]
    assert 'id="chart-indicators-on-track-figure"' not in html
