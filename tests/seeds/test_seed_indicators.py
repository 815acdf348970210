"""The catalogue's indicators (seeds/data/indicators.json) and the demo's monitoring: means,
baselines, targets, three periods of values in the published reports, some cities on track
and some not, and a request for more time waiting."""

import re
from collections import defaultdict
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from accounts.place_names import currency_of
from campaign.models import COMMITMENT_CODE_RE, Campaign, validate_gcm_objectives, validate_sdg_targets
from pledges.models import DelayRequest, Pledge, PledgeEvent, ProgressReport, ReportVersion
from pledges.monitoring.models import Indicator, IndicatorTarget, IndicatorValue, MeansOfImplementation
from pledges.monitoring.progress import latest_published_versions, on_track, series_by_indicator
from pledges.monitoring.values import check_value
from seeds.demo import read_demo_data
from seeds.management.commands.seed_commitments import load_catalogue, read_catalogue, read_indicators

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
ARABIC = re.compile(r"[\u0600-\u06FF]")


# --- the file ---------------------------------------------------------------------------------


def test_every_indicator_is_written_in_every_site_language():
    assert "ar" in LANGUAGES
    items = read_indicators()["indicators"]
    for item in items:
        fields = ["name", "guidance"]
        if item["kind"] in (Indicator.Kind.COUNT, Indicator.Kind.PERCENTAGE):
            fields.append("unit")  # amounts are in the city's currency, yes/no has none
        for field in fields:
            texts = [item[field].get(language, "").strip() for language in LANGUAGES]
            assert all(texts), f"{item['code']} lacks a {field} in some language"
            # Written in each language, not copied across (a unit such as "%" aside).
            if field != "unit":
                assert len(set(texts)) == len(texts), f"{item['code']} repeats its {field} across languages"
        assert ARABIC.search(item["name"]["ar"]) and ARABIC.search(item["guidance"]["ar"]), item["code"]
        assert len(item["name"]["en"]) <= 200 and all(len(u) <= 60 for u in item["unit"].values())


def test_indicators_cover_the_catalogue_with_valid_kinds_codes_and_framework_links():
    items = read_indicators()["indicators"]
    catalogue = {c["code"] for c in read_catalogue()["commitments"]}
    assert {item["commitment"] for item in items} == catalogue, "every commitment has at least one indicator"
    pairs = [(item["commitment"], item["code"]) for item in items]
    assert len(pairs) == len(set(pairs))
    for item in items:
        assert COMMITMENT_CODE_RE.match(item["code"]) and len(item["code"]) <= 32, item["code"]
        assert item["kind"] in Indicator.Kind.values
        validate_gcm_objectives(item["gcm_objectives"])
        validate_sdg_targets(item["sdg_targets"])
        assert item["gcm_objectives"] and item["sdg_targets"], item["code"]
    assert {item["kind"] for item in items} == set(Indicator.Kind.values)
    assert any(not item["higher_is_better"] for item in items), "at least one indicator where lower is better"


# --- the catalogue seed -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_seed_loads_the_indicators_in_every_language_and_a_second_run_changes_nothing():
    first = load_catalogue()
    items = read_indicators()["indicators"]
    assert first["indicators_created"] == len(items) and first["indicators_updated"] == 0
    campaign = first["campaign"]
    indicator = Indicator.objects.get(commitment__campaign=campaign, commitment__code="RIGHTS-3", code="ID-HOLDERS")
    assert indicator.name_en == "People reached by the municipal identity card"
    assert indicator.name_fr.startswith("Personnes") and indicator.name_es.startswith("Personas")
    assert ARABIC.search(indicator.name_ar) and indicator.unit_ar and indicator.guidance_fr
    assert indicator.kind == Indicator.Kind.COUNT and indicator.municipality is None
    assert indicator.gcm_objectives == [4] and indicator.sdg_targets == ["16.9"]
    lower = Indicator.objects.get(commitment__campaign=campaign, code="SHELTER-REFUSED")
    assert lower.higher_is_better is False
    stamps = dict(Indicator.objects.values_list("pk", "updated_at"))

    again = load_catalogue()
    assert again["indicators_created"] == 0 and again["indicators_updated"] == 0
    assert dict(Indicator.objects.values_list("pk", "updated_at")) == stamps, "nothing saved again"

    # A text changed in the admin is put back from the file; an indicator the team added stays.
    Indicator.objects.filter(pk=indicator.pk).update(name_fr="Autre nom")
    extra = Indicator.objects.create(commitment=indicator.commitment, code="EXTRA-1", name_en="Added by the team")
    third = load_catalogue()
    assert third["indicators_updated"] == 1 and third["indicators_created"] == 0
    indicator.refresh_from_db()
    assert indicator.name_fr.startswith("Personnes")
    assert Indicator.objects.filter(pk=extra.pk).exists()
    assert Indicator.objects.filter(commitment__campaign=campaign, municipality=None).count() == len(items) + 1


@pytest.mark.django_db
def test_the_seed_commitments_command_reports_the_indicators():
    out = StringIO()
    call_command("seed_commitments", stdout=out)
    assert f"{len(read_indicators()['indicators'])} indicators created" in out.getvalue()
    out = StringIO()
    call_command("seed_commitments", stdout=out)
    assert "0 indicators created, 0 updated" in out.getvalue()


# --- the demo ---------------------------------------------------------------------------------


@pytest.fixture
def private_media(settings, tmp_path):
    """The demo uploads council resolutions: keep them out of the project's media folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def monitoring_counts():
    return {
        "indicators": Indicator.objects.count(),
        "targets": IndicatorTarget.objects.count(),
        "values": IndicatorValue.objects.count(),
        "means": MeansOfImplementation.objects.count(),
        "delays": DelayRequest.objects.count(),
        "events": PledgeEvent.objects.count(),
    }


# Cities whose plans give at least three submitted reports on the catalogue's periods, on
# any day the signing window is open (seeds/data/demo_pledges.json).
MIN_CITIES_WITH_THREE_PERIODS = 4


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        None,  # today, whatever day the suite runs
        datetime(2027, 12, 20, 12, tzinfo=UTC),  # every period due, signing still open
    ],
)
def test_the_demo_gives_cities_three_periods_of_values_some_on_track_and_some_not(moment, private_media, mailoutbox):
    with nullcontext() if moment is None else time_machine.travel(moment, tick=False):
        check_demo_monitoring()


def check_demo_monitoring():
    call_command("seed_demo", "--no-directory", stdout=StringIO())
    campaign = Campaign.objects.get(slug=read_catalogue()["campaign"]["slug"])
    today = timezone.now().date()
    if not campaign.is_signing_open(today):
        # Once the catalogue's signing window has closed the demo signs nothing
        # (test_seed_demo_pledges.py), so there is nothing to measure.
        assert not MeansOfImplementation.objects.exists() and not IndicatorValue.objects.exists()
        return
    verified = Pledge.objects.filter(campaign=campaign, status=Pledge.Status.VERIFIED)

    # Three periods of values in published versions, for several cities.
    versions = list(latest_published_versions(verified))
    assert versions and all(v.published_at is not None for v in versions)
    series = series_by_indicator(versions)
    periods_by_pledge: dict[int, set[int]] = defaultdict(set)
    for (pledge_id, _indicator_id), points in series.items():
        periods_by_pledge[pledge_id] |= {p.period_id for p in points}
    with_three = [pk for pk, periods in periods_by_pledge.items() if len(periods) >= 3]
    assert len(with_three) >= MIN_CITIES_WITH_THREE_PERIODS, periods_by_pledge

    # Some on track and some not (pledges.monitoring.progress.on_track), lower-is-better too.
    targets = {
        (t.chosen.pledge_id, t.indicator_id): t
        for t in IndicatorTarget.objects.filter(chosen__pledge__in=verified).select_related("indicator", "chosen")
    }
    verdicts = {key: on_track(targets.get(key), points, today) for key, points in series.items()}
    assert all(key in targets for key in series), "every value has its baseline and target"
    assert None not in verdicts.values(), "every indicator with values can be judged"
    judged_three = [verdicts[key] for key in series if key[0] in with_three]
    assert True in judged_three and False in judged_three
    lower = {key: v for key, v in verdicts.items() if not targets[key].indicator.higher_is_better}
    assert True in lower.values() and False in lower.values()
    # Values go somewhere: a city that is ahead improves from one period to the next.
    rising = [
        key
        for key, points in series.items()
        if len(points) >= 3 and targets[key].indicator.kind != Indicator.Kind.YES_NO and verdicts[key]
    ]
    for key in rising:
        values = [p.value for p in series[key]]
        better = targets[key].indicator.higher_is_better
        assert values == sorted(values, reverse=not better), (key, values)
    assert rising

    # The frozen versions carry what the reports held, and every figure fits its kind.
    for version in ReportVersion.objects.filter(report__pledge__campaign=campaign).select_related("report"):
        stored = {
            (v.update.chosen.commitment_id, v.indicator_id): v.value
            for v in IndicatorValue.objects.filter(update__report=version.report).select_related("update__chosen")
        }
        frozen = {
            (u["commitment_id"], entry["indicator_id"]): Decimal(entry["value"])
            for u in version.content["updates"]
            for entry in u["indicators"]
        }
        assert frozen == stored and frozen, version
        assert all(u["means"] for u in version.content["updates"]), "the means are in the version"
    for value in IndicatorValue.objects.select_related("indicator", "update__report__pledge__municipality"):
        check_value(value.indicator, value.value, currency=currency_of(value.update.report.pledge.municipality))
    for target in IndicatorTarget.objects.select_related("indicator", "chosen__pledge__municipality"):
        currency = currency_of(target.chosen.pledge.municipality)
        for number in (target.baseline_value, target.target_value):
            check_value(target.indicator, number, currency=currency)
        assert target.baseline_year < target.target_date.year and target.target_date > today
        if target.indicator.kind == Indicator.Kind.AMOUNT:
            assert target.currency == currency
    # A city's own indicator, in its own language, with values like the campaign's.
    own = Indicator.objects.filter(municipality__isnull=False)
    assert own.exists() and all(i.language and i.values.exists() for i in own)

    # Means of every chosen commitment, in the city's currency, with support needed of every
    # kind from cities of more than one country.
    means = MeansOfImplementation.objects.filter(chosen__pledge__campaign=campaign).select_related(
        "chosen__pledge__municipality"
    )
    # Every pledge, the withdrawn one too (its means were entered before it left).
    assert means.count() == sum(p.chosen.count() for p in Pledge.objects.filter(campaign=campaign))
    countries: dict[str, set[str]] = defaultdict(set)
    for row in means:
        municipality = row.chosen.pledge.municipality
        assert row.budget_amount > 0 and row.budget_currency == currency_of(municipality), row
        assert row.staff_fte > 0 and row.lead_department and row.partners
        assert set(row.partners) <= set(MeansOfImplementation.PartnerKind.values)
        assert bool(row.support_needed) == bool(row.support_details)
        for kind in row.support_needed:
            countries[kind].add(municipality.country)
    assert set(countries) == set(MeansOfImplementation.SupportKind.values)
    assert all(len(found) >= 2 for found in countries.values()), countries
    # The history has them, back-dated to the signing like the rest of the demo.
    saved = PledgeEvent.objects.filter(action__in=[PledgeEvent.Action.MEANS_SAVED, PledgeEvent.Action.TARGETS_SAVED])
    assert saved.exists() and not saved.filter(created_at__gt=timezone.now() - timedelta(hours=6)).exists()

    # One city asks for more time for the current period, when there is one.
    current = campaign.periods.filter(due__gte=today).order_by("opens").first()
    delays = DelayRequest.objects.filter(status=DelayRequest.Status.PENDING)
    if current is None:
        assert not delays.exists()
    else:
        delay = delays.get()
        assert delay.period == current and delay.requested_due > current.due and delay.reason
        assert delay.pledge.status == Pledge.Status.VERIFIED
        city = read_demo_data()["monitoring"]["delay_request"]["city"]
        assert delay.requested_by.email == f"focal.{city}@demo.example"
        assert not ProgressReport.objects.filter(
            pledge=delay.pledge, period=current, status=ProgressReport.Status.SUBMITTED
        ).exists()
        assert PledgeEvent.objects.filter(pledge=delay.pledge, action=PledgeEvent.Action.DELAY_REQUESTED).count() == 1

    # A second run changes nothing.
    first = monitoring_counts()
    stamps = dict(IndicatorTarget.objects.values_list("pk", "updated_at"))
    call_command("seed_demo", "--no-directory", stdout=StringIO())
    assert monitoring_counts() == first
    assert dict(IndicatorTarget.objects.values_list("pk", "updated_at")) == stamps


def test_the_demo_monitoring_data_is_consistent():
    data = read_demo_data()
    monitoring = data["monitoring"]
    cities = {city["key"]: city for city in data["cities"]}
    assert set(monitoring["cities"]) == set(cities)
    paces = {plan["pace"] for plan in monitoring["cities"].values()}
    assert paces == {"ahead", "behind", "mixed"}
    partner_kinds = set(MeansOfImplementation.PartnerKind.values)
    support_kinds = set(MeansOfImplementation.SupportKind.values)
    for key, plan in monitoring["cities"].items():
        assert set(plan["partners"]) <= partner_kinds, key
        assert plan["support"] and set(plan["support"]) <= support_kinds, key
        assert plan["eur_per_resident"] > 0
    for language in LANGUAGES:
        assert set(monitoring["support_details"][language]) == support_kinds, language
        assert "_other" in monitoring["departments"][language]
        assert set(monitoring["departments"][language]) == set(monitoring["departments"]["en"]), language
    codes = {item["code"] for item in read_indicators()["indicators"]}
    assert set(monitoring["figures"]) <= codes
    # Every catalogue indicator a demo city reports on has figures.
    chosen = {code for city in data["cities"] for code in city.get("optional", [])}
    chosen |= {c["code"] for c in read_catalogue()["commitments"] if c["is_required"]}
    reported = {item["code"] for item in read_indicators()["indicators"] if item["commitment"] in chosen}
    assert reported <= set(monitoring["figures"]), reported - set(monitoring["figures"])
    for item in monitoring["own_indicators"]:
        assert item["city"] in cities and item["commitment"] in chosen
        assert item["commitment"] in cities[item["city"]]["optional"]
        assert COMMITMENT_CODE_RE.match(item["code"]) and item["code"] not in codes
    delay_city = cities[monitoring["delay_request"]["city"]]
    assert delay_city["state"] == "verified" and delay_city["reports"].get("current") == "draft"


@pytest.mark.django_db
def test_check_value_refuses_what_the_demo_never_writes():
    """The checks the demo's figures pass are real: a count is whole, a percentage at most 100."""
    load_catalogue()
    count = Indicator.objects.get(code="ID-HOLDERS")
    share = Indicator.objects.get(code="FORMS-OPEN")
    with pytest.raises(ValidationError):
        check_value(count, Decimal("2.5"))
    with pytest.raises(ValidationError):
        check_value(share, Decimal("101"))
