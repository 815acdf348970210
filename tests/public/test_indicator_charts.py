"""Indicators on the city profile: the rule of progress, the SVG and its table against the
data, and what the public page shows (published values only, baselines, targets, means)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from campaign.public import indicator_charts
from pledges.models import PledgeCommitment, ProgressReport, ReportVersion
from pledges.monitoring import progress
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation
from tests.builders import pledge_for_city
from tests.factories import CampaignFactory, CommitmentFactory, MunicipalityFactory, ReportingPeriodFactory
from tests.readers import table_rows

TODAY = timezone.localdate()
NBSP = "\u202f"  # CLDR's French group separator


def point(due, value, label="P"):
    return progress.Point(period_id=hash(due) % 1000, label=label, due=due, value=Decimal(str(value)))


def target_of(kind="count", higher_is_better=True, baseline=None, year=None, goal=None, by=None):
    indicator = Indicator(code="X-1", name="X", kind=kind, higher_is_better=higher_is_better)
    target = IndicatorTarget(
        baseline_value=None if baseline is None else Decimal(str(baseline)),
        baseline_year=year,
        target_value=None if goal is None else Decimal(str(goal)),
        target_date=by,
    )
    target.indicator = indicator
    return target


# --- the rule of progress (pure: the day is given) ------------------------------------

# The baseline stands for 31 December 2020; the target is 400 days later.
START = date(2020, 12, 31)
BY = START + timedelta(days=400)
LATER = BY + timedelta(days=3000)  # a "today" long after every date here


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200, True),  # a quarter of the way at a quarter of the time: on the line
        (199, False),  # just behind the line
        (260, True),
        (500, True),  # the target itself
    ],
)
def test_on_track_when_the_latest_value_is_on_or_above_the_line(value, expected):
    target = target_of(baseline=100, year=2020, goal=500, by=BY)
    series = [point(START + timedelta(days=50), 999), point(START + timedelta(days=100), value)]
    assert progress.expected_at(target, START + timedelta(days=100)) == Decimal(200)
    assert progress.on_track(target, series, LATER) is expected


@pytest.mark.parametrize(("value", "expected"), [(40, True), (41, False), (10, True), (5, True)])
def test_lower_is_better_goes_the_other_way(value, expected):
    target = target_of(higher_is_better=False, baseline=50, year=2020, goal=10, by=BY)
    # at a quarter of the time the line is at 40
    assert progress.on_track(target, [point(START + timedelta(days=100), value)], LATER) is expected


def test_reaching_the_target_early_is_on_track_and_missing_it_after_the_date_is_not():
    target = target_of(baseline=100, year=2020, goal=500, by=BY)
    assert progress.on_track(target, [point(START + timedelta(days=10), 500)], LATER) is True
    # after the target date the line stays at the target: 499 is not enough
    assert progress.on_track(target, [point(BY + timedelta(days=200), 499)], LATER) is False


def test_a_value_reported_ahead_of_its_due_date_is_held_to_today():
    target = target_of(baseline=100, year=2020, goal=500, by=BY)
    today = START + timedelta(days=100)  # the line is at 200 today, at 400 on the period's due date
    series = [point(START + timedelta(days=300), 250)]
    assert progress.on_track(target, series, today) is True
    assert progress.on_track(target, series, LATER) is False


def test_not_known_without_a_baseline_a_target_or_a_value():
    series = [point(START + timedelta(days=100), 300)]
    assert progress.on_track(target_of(goal=500, by=BY), series, LATER) is None
    assert progress.on_track(target_of(baseline=100, year=2020), series, LATER) is None
    assert progress.on_track(target_of(baseline=100, year=2020, goal=500, by=BY), [], LATER) is None
    assert progress.on_track(None, series, LATER) is None


def test_yes_no_is_on_track_when_the_value_is_the_target():
    target = target_of(kind="yes_no", goal=1, by=BY)
    assert progress.on_track(target, [point(START, 0), point(BY, 1)], LATER) is True
    assert progress.on_track(target, [point(START, 1), point(BY, 0)], LATER) is False
    assert progress.on_track(target_of(kind="yes_no"), [point(BY, 1)], LATER) is None


# --- the SVG and its table ------------------------------------------------------------


def series_and_target():
    series = [
        progress.Point(1, "Report 1", date(2021, 6, 30), Decimal("1500")),
        progress.Point(2, "Report 2", date(2022, 6, 30), Decimal("2750.5")),
    ]
    return series, target_of(baseline=1200, year=2020, goal=5000, by=date(2025, 12, 31))


def build(rtl=False):
    series, target = series_and_target()
    return indicator_charts.indicator_chart(
        slug="t", indicator=target.indicator, series=series, target=target, on_track=True, rtl=rtl
    )


def test_the_chart_is_an_accessible_svg_and_its_table_has_every_number():
    chart = build()
    svg = str(chart.svg)
    assert 'role="img"' in svg and 'aria-labelledby="chart-t-title chart-t-desc"' in svg
    assert '<title id="chart-t-title">X-1 · X</title>' in svg
    desc = re.search(r'<desc id="chart-t-desc">(.*?)</desc>', svg).group(1)
    assert "Baseline: 1,200 in 2020." in desc
    assert "Report 1 1,500; Report 2 2,750.5" in desc
    assert "Target: 5,000 by" in desc and "on track" in desc
    # a line with a point per period, a dashed baseline, a dotted target with its marker
    assert svg.count('<g class="value">') == 2 and "<polyline" in svg
    assert 'stroke-dasharray="8 5"' in svg and "Baseline: 1,200" in svg
    assert 'stroke-dasharray="2 4"' in svg and "Target: 5,000" in svg
    assert ">1,500<" in svg and ">2,750.5<" in svg
    assert [row[0] for row in chart.display_rows] == ["Baseline", "Report 1", "Report 2", "Target"]
    assert [row[2] for row in chart.display_rows] == ["1,200", "1,500", "2,750.5", "5,000"]


def test_the_points_sit_where_their_values_are():
    chart = build()
    ys = {
        text: float(y)
        for y, text in re.findall(
            r'<g class="value"><circle cx="[\d.]+" cy="([\d.]+)".*?>([\d,.]+)</text>', str(chart.svg)
        )
    }
    assert ys["2,750.5"] < ys["1,500"]  # higher value, higher on the page
    base_y = float(re.search(r'<g class="baseline"><line [^>]*y1="([\d.]+)"', str(chart.svg)).group(1))
    target_y = float(re.search(r'<g class="target"><line [^>]*y1="([\d.]+)"', str(chart.svg)).group(1))
    assert target_y < ys["2,750.5"] < ys["1,500"] < base_y


def test_numbers_in_the_readers_language():
    with translation.override("fr"):
        chart = build()
    assert f">2{NBSP}750,5<" in str(chart.svg)
    assert chart.display_rows[0][2] == f"1{NBSP}200"
    with translation.override("fr"):
        assert indicator_charts.format_value(Decimal("1234.5"), "amount", currency="EUR") == f"1{NBSP}234,50\xa0€"
        assert indicator_charts.format_value(Decimal("45"), "percentage") == "45\xa0%"


def test_arabic_chart_is_mirrored():
    ltr, rtl = build(), build(rtl=True)
    assert 'direction="rtl"' in str(rtl.svg) and 'direction="rtl"' not in str(ltr.svg)

    def xs(chart):
        return [float(x) for x in re.findall(r'<g class="value"><circle cx="([\d.]+)"', str(chart.svg))]

    assert xs(rtl) == pytest.approx([indicator_charts.WIDTH - x for x in xs(ltr)], abs=0.11)
    assert xs(rtl)[0] > xs(rtl)[1]  # time runs from the right


def test_yes_no_chart_reads_yes_and_no():
    target = target_of(kind="yes_no", goal=1, by=date(2026, 1, 1))
    series = [
        progress.Point(1, "R1", date(2024, 1, 1), Decimal(0)),
        progress.Point(2, "R2", date(2025, 1, 1), Decimal(1)),
    ]
    chart = indicator_charts.indicator_chart(slug="yn", indicator=target.indicator, series=series, target=target)
    assert [row[2] for row in chart.display_rows] == ["no", "yes", "yes"]


# --- the profile ------------------------------------------------------------------------


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


def update(commitment, *values, means=None):
    return {
        "commitment_id": commitment.pk,
        "code": commitment.code,
        "status": "in_progress",
        "narrative": "Worked on it",
        "indicators": [{"indicator_id": i.pk, "code": i.code, "value": str(v)} for i, v in values],
        "means": means,
    }


@pytest.fixture
def monitored(db):
    campaign = CampaignFactory(slug="mon", status="open")
    commitment = CommitmentFactory(campaign=campaign, code="ID", title_en="A municipal ID card", order=1)
    city = MunicipalityFactory(name="Lyon", country="FR")
    other = MunicipalityFactory(name="Elsewhere", country="FR")
    pledge = pledge_for_city(campaign, city, commitments=[commitment])
    chosen = PledgeCommitment.objects.get(pledge=pledge)
    people = Indicator.objects.create(
        commitment=commitment,
        code="ID-1",
        name_en="People holding the card",
        name_fr="Titulaires de la carte",
        unit_en="people",
        kind="count",
    )
    forms = Indicator.objects.create(
        commitment=commitment,
        code="ID-2",
        name_en="Forms still asking for a permit",
        kind="percentage",
        higher_is_better=False,
    )
    unused = Indicator.objects.create(commitment=commitment, code="ID-3", name_en="Offices open", kind="count")
    own = Indicator.objects.create(
        commitment=commitment, municipality=city, code="LY-1", name_en="Our own", language="en"
    )
    Indicator.objects.create(commitment=commitment, municipality=other, code="EL-1", name_en="Not ours", language="en")
    IndicatorTarget.objects.create(
        chosen=chosen,
        indicator=people,
        baseline_value=1000,
        baseline_year=TODAY.year - 3,
        target_value=9000,
        target_date=TODAY + timedelta(days=700),
    )
    IndicatorTarget.objects.create(
        chosen=chosen,
        indicator=forms,
        baseline_value=80,
        baseline_year=TODAY.year - 3,
        target_value=0,
        target_date=TODAY + timedelta(days=700),
    )
    first = ReportingPeriodFactory(
        campaign=campaign, label_en="First report", opens=TODAY - timedelta(days=500), due=TODAY - timedelta(days=400)
    )
    second = ReportingPeriodFactory(
        campaign=campaign, label_en="Second report", opens=TODAY - timedelta(days=100), due=TODAY - timedelta(days=30)
    )
    publish(pledge, first, [update(commitment, (people, 2500), (forms, 60), (own, 3))])
    publish(
        pledge,
        second,
        [
            update(
                commitment,
                (people, 6400),
                (forms, 70),
                means={
                    "budget_amount": "125000.00",
                    "budget_currency": "EUR",
                    "staff_fte": "2.5",
                    "lead_department": "Civil registry",
                    "partners": {"civil_society": ["Welcome Lyon"]},
                    "support_needed": ["tools"],
                    "support_details": "A card printer",
                },
            )
        ],
    )
    # the means as the city's report saved them: its current declaration
    MeansOfImplementation.objects.create(
        chosen=chosen,
        budget_amount=Decimal("125000.00"),
        budget_currency="EUR",
        staff_fte=Decimal("2.5"),
        lead_department="Civil registry",
        partners={"civil_society": ["Welcome Lyon"]},
        support_needed=["tools"],
        support_details="A card printer",
    )
    # waiting for review: its value is not public
    publish(pledge, second, [update(commitment, (people, 99999), (forms, 1))], number=2, published=False)
    return {
        "city": city,
        "pledge": pledge,
        "chosen": chosen,
        "people": people,
        "forms": forms,
        "unused": unused,
        "campaign": campaign,
        "commitment": commitment,
    }


def profile(client, city, language="en"):
    response = client.get(f"/{language}/cities/{city.slug}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_profile_shows_each_indicator_with_its_chart_baseline_target_and_latest_value(client, monitored):
    html = profile(client, monitored["city"])
    pledge, people, forms = monitored["pledge"], monitored["people"], monitored["forms"]
    rows = table_rows(html, f"chart-indicator-{pledge.pk}-{people.pk}-table")
    assert rows[1:] == [
        ["Baseline", str(TODAY.year - 3), "1,000"],
        ["First report", rows[2][1], "2,500"],
        ["Second report", rows[3][1], "6,400"],
        ["Target", rows[4][1], "9,000"],
    ]
    assert rows[0][2] == "Value (people)"
    figure = html[html.index(f'id="chart-indicator-{pledge.pk}-{people.pk}-figure"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'role="img"' in figure and 'data-on-track="yes"' in figure and "On track" in figure
    assert "6,400" in figure and "(Second report)" in figure
    # lower is better: 70% of the forms still ask, the line from 80 to 0 is well below
    figure = html[html.index(f'id="chart-indicator-{pledge.pk}-{forms.pk}-figure"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'data-on-track="no"' in figure and "Not on track" in figure and "70%" in figure
    # the pending version's values never show
    assert "99,999" not in html and "99999" not in html
    # an indicator with nothing yet is only named; another city's own indicator is not there
    assert "Indicators with no baseline, target or value yet:" in html and "Offices open" in html
    assert "Our own" in html and "own indicator" in html
    assert "Not ours" not in html


@pytest.mark.django_db
def test_profile_shows_the_means_the_city_declared(client, monitored):
    html = profile(client, monitored["city"])
    means = html[html.index(f'id="means-{monitored["chosen"].pk}"') :]
    means = means[: means.index("</dl>")]
    assert "€125,000.00" in means
    assert ">2.5<" in means and "Civil registry" in means
    assert "Civil society" in means and "Welcome Lyon" in means
    assert "Tools" in means and "A card printer" in means
    html_fr = profile(client, monitored["city"], "fr")
    assert f"125{NBSP}000,00\xa0€" in html_fr
    assert "Titulaires de la carte" in html_fr


@pytest.mark.django_db
def test_means_entered_when_signing_show_before_any_report(client, db):
    campaign = CampaignFactory(slug="sign", status="open")
    commitment = CommitmentFactory(campaign=campaign, code="S-1")
    city = MunicipalityFactory(name="Signtown", country="MA")
    pledge = pledge_for_city(campaign, city, commitments=[commitment])
    MeansOfImplementation.objects.create(
        chosen=pledge.chosen.get(),
        budget_amount=Decimal("40000"),
        budget_currency="MAD",
        lead_department="Social affairs",
        support_needed=["resources", "partnerships"],
    )
    html = profile(client, city)
    assert "MAD" in html and "40,000.00" in html and "Social affairs" in html
    assert "Resources" in html and "Partnerships" in html


@pytest.mark.django_db
def test_arabic_profile_has_mirrored_charts(client, monitored):
    html = profile(client, monitored["city"], "ar")
    assert 'class="chart-svg" viewBox="0 0 640 300" width="100%" role="img"' in html
    assert 'direction="rtl"' in html


@pytest.mark.django_db
def test_the_profile_is_refreshed_when_a_target_changes(client, monitored, django_capture_on_commit_callbacks):
    assert "9,000" in profile(client, monitored["city"])
    target = IndicatorTarget.objects.get(indicator=monitored["people"])
    target.target_value = 12345
    with django_capture_on_commit_callbacks(execute=True):
        target.save()
    assert "12,345" in profile(client, monitored["city"])


@pytest.mark.django_db
def test_fixed_number_of_queries_whatever_the_number_of_indicators_and_periods(client, monitored):
    def count():
        with CaptureQueriesContext(connection) as queries:
            profile(client, monitored["city"])
        return len(queries)

    one = count()
    campaign, commitment, pledge = monitored["campaign"], monitored["commitment"], monitored["pledge"]
    more = [
        Indicator.objects.create(commitment=commitment, code=f"M-{i}", name_en=f"More {i}", kind="count")
        for i in range(5)
    ]
    for indicator in more:
        IndicatorTarget.objects.create(
            chosen=monitored["chosen"],
            indicator=indicator,
            baseline_value=1,
            baseline_year=TODAY.year - 2,
            target_value=10,
            target_date=TODAY + timedelta(days=300),
        )
    for k in range(4):
        period = ReportingPeriodFactory(
            campaign=campaign,
            label_en=f"Extra {k}",
            opens=TODAY - timedelta(days=300 - k * 50),
            due=TODAY - timedelta(days=290 - k * 50),
        )
        publish(pledge, period, [update(commitment, *[(i, k + 2) for i in more])])
    assert count() == one
