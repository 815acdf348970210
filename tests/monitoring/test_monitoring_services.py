"""Means, baselines and targets, a city's own indicators, and the values a report carries,
through the services: checks by kind, who may, and what history records."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pledges import services as pledge_services
from pledges.models import PledgeEvent, ReportVersion
from pledges.monitoring import services
from pledges.monitoring.models import Indicator, IndicatorTarget, IndicatorValue, MeansOfImplementation
from pledges.monitoring.services import IndicatorInput, MeansInput, TargetInput
from tests.monitoring.conftest import make_indicator


def events(pledge, action):
    return list(PledgeEvent.objects.filter(pledge=pledge, action=action).values_list("note", flat=True))


# --- which indicators ---------------------------------------------------------------------


def test_a_chosen_commitment_has_the_campaigns_indicators_then_the_citys_own(chosen_a, indicators, city_b, rights):
    own = make_indicator(rights, "OWN-1", Indicator.Kind.COUNT, municipality=chosen_a.pledge.municipality)
    make_indicator(rights, "LYON-1", Indicator.Kind.COUNT, municipality=city_b)  # another city's: not offered
    codes = [i.code for i in services.indicators_for(chosen_a)]
    assert codes == ["ID-1", "ID-2", "ID-3", "ID-4", own.code]


# --- means of implementation ----------------------------------------------------------------


def test_means_are_saved_cleaned_and_recorded_once(chosen_a, official_a):
    data = MeansInput(
        budget_amount=Decimal("250000"),
        budget_currency="eur",
        staff_fte=Decimal("1.5"),
        lead_department="  Social   affairs ",
        partners={"civil_society": ["Red Cross", "Red Cross", " Caritas "], "other_cities": []},
        support_needed=["tools", "resources"],
        support_details="A data tool",
    )
    means = services.means_save(actor=official_a, chosen=chosen_a, data=data)
    means.refresh_from_db()
    assert means.budget_currency == "EUR"
    assert means.lead_department == "Social affairs"
    assert means.partners == {"civil_society": ["Red Cross", "Caritas"]}
    assert means.support_needed == ["resources", "tools"]
    assert events(chosen_a.pledge, PledgeEvent.Action.MEANS_SAVED) == ["RIGHTS-1"]
    # the same again changes nothing and records nothing
    services.means_save(actor=official_a, chosen=chosen_a, data=data)
    assert len(events(chosen_a.pledge, PledgeEvent.Action.MEANS_SAVED)) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (MeansInput(budget_amount=Decimal("-1"), budget_currency="EUR"), "budget_amount"),
        (MeansInput(budget_amount=Decimal("10"), budget_currency=""), "budget_currency"),
        (MeansInput(budget_amount=Decimal("10"), budget_currency="XQQ"), "budget_currency"),
        (MeansInput(budget_amount=Decimal("10.123"), budget_currency="EUR"), "budget_amount"),
        (MeansInput(staff_fte=Decimal("-2")), "staff_fte"),
        (MeansInput(support_needed=["money"]), "support_needed"),
        (MeansInput(lead_department="x" * 201), "lead_department"),
    ],
)
def test_bad_means_are_refused_beside_their_field(chosen_a, official_a, data, field):
    with pytest.raises(ValidationError) as caught:
        services.means_save(actor=official_a, chosen=chosen_a, data=data)
    assert field in caught.value.error_dict
    assert not MeansOfImplementation.objects.exists()
    assert not events(chosen_a.pledge, PledgeEvent.Action.MEANS_SAVED)


@pytest.mark.parametrize("who", ["official_b", "staff_admin"])
def test_only_the_citys_officials_write_its_means_and_targets(request, chosen_a, indicators, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.means_save(actor=actor, chosen=chosen_a, data=MeansInput(lead_department="Hack"))
    with pytest.raises(PermissionDenied):
        services.targets_save(
            actor=actor, chosen=chosen_a, targets={indicators["count"]: TargetInput(baseline_value=Decimal(1))}
        )
    with pytest.raises(PermissionDenied):
        services.own_indicator_add(actor=actor, chosen=chosen_a, data=IndicatorInput(code="X-1", name="x"))
    assert not MeansOfImplementation.objects.exists()
    assert not IndicatorTarget.objects.exists()
    assert Indicator.objects.filter(municipality__isnull=False).count() == 0


def test_a_draft_pledge_takes_means_and_targets_when_signing(draft_chosen_a, official_a, indicators):
    services.means_save(actor=official_a, chosen=draft_chosen_a, data=MeansInput(lead_department="Mayor's office"))
    services.targets_save(
        actor=official_a,
        chosen=draft_chosen_a,
        targets={
            indicators["count"]: TargetInput(
                baseline_value=Decimal(100),
                baseline_year=date.today().year - 1,
                target_value=Decimal(400),
                target_date=date.today() + timedelta(days=365),
            )
        },
    )
    assert MeansOfImplementation.objects.get(chosen=draft_chosen_a).lead_department == "Mayor's office"
    assert IndicatorTarget.objects.get(chosen=draft_chosen_a).target_value == Decimal(400)


# --- baselines and targets ------------------------------------------------------------------


def test_targets_are_saved_checked_by_kind_and_recorded(chosen_a, official_a, indicators):
    year = date.today().year
    later = date.today() + timedelta(days=800)
    services.targets_save(
        actor=official_a,
        chosen=chosen_a,
        targets={
            indicators["count"]: TargetInput(Decimal(120), year - 1, Decimal(400), later),
            indicators["percentage"]: TargetInput(Decimal("12.5"), year - 2, Decimal(60), later),
            indicators["amount"]: TargetInput(None, None, Decimal("50000.50"), later),
        },
    )
    rows = {t.indicator.code: t for t in IndicatorTarget.objects.select_related("indicator")}
    assert rows["ID-1"].baseline_value == Decimal(120) and rows["ID-1"].target_date == later
    assert rows["ID-3"].currency == "EUR"
    assert events(chosen_a.pledge, PledgeEvent.Action.TARGETS_SAVED) == ["RIGHTS-1"]
    # all blank removes the row
    services.targets_save(actor=official_a, chosen=chosen_a, targets={indicators["amount"]: TargetInput()})
    assert set(IndicatorTarget.objects.values_list("indicator__code", flat=True)) == {"ID-1", "ID-2"}


@pytest.mark.parametrize(
    ("kind", "target", "field"),
    [
        (
            "percentage",
            TargetInput(target_value=Decimal(140), target_date=date.today() + timedelta(days=30)),
            "target_value",
        ),
        ("count", TargetInput(baseline_value=Decimal("3.5"), baseline_year=date.today().year), "baseline_value"),
        ("count", TargetInput(baseline_value=Decimal(3), baseline_year=date.today().year + 1), "baseline_year"),
        ("count", TargetInput(baseline_value=Decimal(3), baseline_year=1900), "baseline_year"),
        ("count", TargetInput(baseline_value=Decimal(3)), "baseline_year"),
        ("count", TargetInput(target_value=Decimal(3)), "target_date"),
        ("count", TargetInput(target_value=Decimal(3), target_date=date.today() - timedelta(days=1)), "target_date"),
        (
            "count",
            TargetInput(target_value=Decimal(3), target_date=date.today() + timedelta(days=365 * 40)),
            "target_date",
        ),
        ("yes_no", TargetInput(target_value=Decimal(2), target_date=date.today() + timedelta(days=30)), "target_value"),
        (
            "amount",
            TargetInput(target_value=Decimal(-5), target_date=date.today() + timedelta(days=30)),
            "target_value",
        ),
    ],
)
def test_bad_baselines_and_targets_are_refused(chosen_a, official_a, indicators, kind, target, field):
    indicator = indicators[kind]
    with pytest.raises(ValidationError) as caught:
        services.targets_save(actor=official_a, chosen=chosen_a, targets={indicator: target})
    assert f"{field}_{indicator.pk}" in caught.value.error_dict
    assert not IndicatorTarget.objects.exists()
    assert not events(chosen_a.pledge, PledgeEvent.Action.TARGETS_SAVED)


def test_another_citys_indicator_cannot_get_a_target(chosen_a, official_a, rights, city_b):
    theirs = make_indicator(rights, "LYON-1", Indicator.Kind.COUNT, municipality=city_b)
    with pytest.raises(ValidationError):
        services.targets_save(actor=official_a, chosen=chosen_a, targets={theirs: TargetInput(Decimal(1), 2020)})


# --- a city's own indicators ----------------------------------------------------------------


def test_a_city_adds_changes_and_removes_its_own_indicator_in_its_language(chosen_a, official_a):
    own = services.own_indicator_add(
        actor=official_a,
        chosen=chosen_a,
        data=IndicatorInput(code="own-1", name="Cartes délivrées", kind="count", unit="cartes", language="fr"),
    )
    own.refresh_from_db()
    assert own.code == "OWN-1" and own.language == "fr" and own.municipality_id == chosen_a.pledge.municipality_id
    assert own.name_fr == "Cartes délivrées" and own.name_en == "Cartes délivrées" and not own.name_es
    assert own.unit_fr == "cartes"
    services.own_indicator_change(
        actor=official_a,
        chosen=chosen_a,
        indicator=own,
        data=IndicatorInput(code="OWN-1", name="Cartes remises", kind="count", language="fr"),
    )
    own.refresh_from_db()
    assert own.name_fr == "Cartes remises"
    services.own_indicator_remove(actor=official_a, chosen=chosen_a, indicator=own)
    assert not Indicator.objects.filter(pk=own.pk).exists()
    pledge = chosen_a.pledge
    assert events(pledge, PledgeEvent.Action.INDICATOR_ADDED) == ["RIGHTS-1 OWN-1"]
    assert events(pledge, PledgeEvent.Action.INDICATOR_CHANGED) == ["RIGHTS-1 OWN-1"]
    assert events(pledge, PledgeEvent.Action.INDICATOR_REMOVED) == ["RIGHTS-1 OWN-1"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (IndicatorInput(code="ID-1", name="Clash with the campaign's"), "code"),
        (IndicatorInput(code="bad code!", name="x"), "code"),
        (IndicatorInput(code="OWN-2", name=" "), "name"),
        (IndicatorInput(code="OWN-2", name="x", kind="money"), "kind"),
    ],
)
def test_bad_own_indicators_are_refused(chosen_a, official_a, data, field):
    with pytest.raises(ValidationError) as caught:
        services.own_indicator_add(actor=official_a, chosen=chosen_a, data=data)
    assert field in caught.value.error_dict
    assert not Indicator.objects.filter(municipality__isnull=False).exists()


def test_a_city_cannot_change_the_campaigns_indicator_nor_another_citys(
    chosen_a, official_a, indicators, rights, city_b
):
    theirs = make_indicator(rights, "LYON-1", Indicator.Kind.COUNT, municipality=city_b)
    for indicator in (indicators["count"], theirs):
        with pytest.raises(PermissionDenied):
            services.own_indicator_remove(actor=official_a, chosen=chosen_a, indicator=indicator)
    assert Indicator.objects.filter(pk__in=[indicators["count"].pk, theirs.pk]).count() == 2


def test_the_kind_of_an_own_indicator_with_values_no_longer_changes(chosen_a, official_a):
    own = services.own_indicator_add(actor=official_a, chosen=chosen_a, data=IndicatorInput(code="OWN-1", name="x"))
    services.targets_save(actor=official_a, chosen=chosen_a, targets={own: TargetInput(Decimal(4), 2020)})
    with pytest.raises(ValidationError) as caught:
        services.own_indicator_change(
            actor=official_a, chosen=chosen_a, indicator=own, data=IndicatorInput(code="OWN-1", name="x", kind="yes_no")
        )
    assert "kind" in caught.value.error_dict


# --- what a report carries -----------------------------------------------------------------


def _update_input(update, **kwargs):
    return pledge_services.UpdateInput(chosen_id=update.chosen_id, status="in_progress", narrative="Done.", **kwargs)


def test_a_report_stores_values_and_means_and_freezes_them_in_its_version(
    chosen_a, official_a, indicators, current_period
):
    pledge = chosen_a.pledge
    report = pledge_services.report_open(actor=official_a, pledge=pledge, period=current_period)
    updates = list(pledge_services.ordered_updates(report))
    rights_update = next(u for u in updates if u.chosen_id == chosen_a.pk)
    others = [_update_input(u) for u in updates if u.chosen_id != chosen_a.pk]
    first = _update_input(
        rights_update,
        values={indicators["count"].pk: Decimal(1000), indicators["percentage"].pk: Decimal("12.5")},
        means=MeansInput(
            budget_amount=Decimal("1000.50"), budget_currency="EUR", partners={"civil_society": ["Caritas"]}
        ),
    )
    pledge_services.report_save(actor=official_a, report=report, updates=[first, *others])
    assert IndicatorValue.objects.filter(update=rights_update).count() == 2
    assert events(pledge, PledgeEvent.Action.MEANS_SAVED) == ["RIGHTS-1"]
    # a blank value clears it; unchanged means record nothing more
    second = _update_input(
        rights_update,
        values={indicators["count"].pk: Decimal(1000), indicators["percentage"].pk: None},
        means=first.means,
    )
    pledge_services.report_save(actor=official_a, report=report, updates=[second, *others])
    assert list(IndicatorValue.objects.filter(update=rights_update).values_list("indicator__code", flat=True)) == [
        "ID-1"
    ]
    assert len(events(pledge, PledgeEvent.Action.MEANS_SAVED)) == 1
    pledge_services.report_submit(actor=official_a, report=report)
    content = ReportVersion.objects.get(report=report).content
    item = next(i for i in content["updates"] if i["code"] == "RIGHTS-1")
    assert item["indicators"] == [{"indicator_id": indicators["count"].pk, "code": "ID-1", "value": "1000"}]
    assert item["means"]["budget_amount"] == "1000.50"
    assert item["means"]["budget_currency"] == "EUR"
    assert item["means"]["partners"] == {"civil_society": ["Caritas"]}
    assert item["means"]["staff_fte"] is None
    assert item["evidence_files"] == []
    other = next(i for i in content["updates"] if i["code"] != "RIGHTS-1")
    assert other["indicators"] == [] and other["means"] is None


def test_a_report_refuses_a_value_that_does_not_fit_its_kind(chosen_a, official_a, indicators, current_period):
    report = pledge_services.report_open(actor=official_a, pledge=chosen_a.pledge, period=current_period)
    update = next(u for u in pledge_services.ordered_updates(report) if u.chosen_id == chosen_a.pk)
    with pytest.raises(ValidationError):
        pledge_services.report_save(
            actor=official_a,
            report=report,
            updates=[_update_input(update, values={indicators["count"].pk: Decimal("2.5")})],
        )
    assert not IndicatorValue.objects.exists()


def test_the_currency_the_form_offers_alone_keeps_no_means(chosen_a, official_a):
    services.means_save(actor=official_a, chosen=chosen_a, data=MeansInput(budget_currency="EUR"))
    assert not MeansOfImplementation.objects.exists()
    assert not events(chosen_a.pledge, PledgeEvent.Action.MEANS_SAVED)
