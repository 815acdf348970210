"""The "Means and indicators" page and the report form's values and means, over HTTP:
what an official sees, what is saved, typed input kept on errors, numbers in French."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from pledges import services as pledge_services
from pledges.models import PledgeEvent, ReportVersion
from pledges.monitoring import services
from pledges.monitoring.models import Indicator, IndicatorTarget, IndicatorValue, MeansOfImplementation
from pledges.monitoring.services import MeansInput, TargetInput


def fr(name, *args):
    """The French address of a page (the language is in the path)."""
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.fixture
def page_url(verified_pledge_a):
    return reverse("monitoring:page", args=[verified_pledge_a.pk])


def test_the_page_lists_each_commitment_with_its_indicators_and_forms(client, official_a, chosen_a, page_url):
    client.force_login(official_a)
    response = client.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Equal rights" in page and "Report progress every year" in page
    assert "People reached" in page and "ID-4" in page
    assert f'name="m{chosen_a.pk}-budget_amount"' in page
    assert f'name="t{chosen_a.pk}-target_value_{Indicator.objects.get(code="ID-1").pk}"' in page
    # the currency defaults to the city's
    assert 'value="EUR" selected' in page


def test_the_page_is_linked_from_the_report_index(client, official_a, chosen_a):
    client.force_login(official_a)
    index = client.get(reverse("reports:index", args=[chosen_a.pledge_id])).content.decode()
    assert reverse("monitoring:page", args=[chosen_a.pledge_id]) in index


def test_the_page_is_linked_from_the_draft_and_its_preview(client, official_a, draft_pledge_a):
    client.force_login(official_a)
    link = reverse("monitoring:page", args=[draft_pledge_a.pk])
    assert link in client.get(reverse("pledges:edit", args=[draft_pledge_a.pk])).content.decode()
    assert link in client.get(reverse("pledges:preview", args=[draft_pledge_a.pk])).content.decode()
    assert client.get(link).status_code == 200


def test_means_are_saved_from_french_numbers(client, official_a, chosen_a):
    client.force_login(official_a)
    p = f"m{chosen_a.pk}"
    url = fr("monitoring:means", chosen_a.pledge_id, chosen_a.pk)
    response = client.post(
        url,
        {
            f"{p}-budget_amount": "1 250 000,50",
            f"{p}-budget_currency": "EUR",
            f"{p}-staff_fte": "2,5",
            f"{p}-lead_department": "Affaires sociales",
            f"{p}-partners_civil_society": "Croix-Rouge\nCaritas",
            f"{p}-support_needed": ["tools"],
            f"{p}-support_details": "Un outil de données",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    means = MeansOfImplementation.objects.get(chosen=chosen_a)
    assert means.budget_amount == Decimal("1250000.50")
    assert means.staff_fte == Decimal("2.5")
    assert means.partners == {"civil_society": ["Croix-Rouge", "Caritas"]}
    assert means.support_needed == ["tools"]
    # shown back as a French reader writes it
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "1\u202f250\u202f000,5" in page


def test_bad_means_keep_what_was_typed_and_say_what_is_wrong(client, official_a, chosen_a):
    client.force_login(official_a)
    p = f"m{chosen_a.pk}"
    url = fr("monitoring:means", chosen_a.pledge_id, chosen_a.pk)
    response = client.post(
        url,
        {
            f"{p}-budget_amount": "douze",
            f"{p}-budget_currency": "EUR",
            f"{p}-lead_department": "Service de la cohésion",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="douze"' in page and 'value="Service de la cohésion"' in page
    # the error shows the example as French writes numbers, and the page's error summary lists it
    assert "1\u202f234,5" in page
    assert "error-summary" in page
    assert not MeansOfImplementation.objects.exists()


def test_targets_are_saved_and_bad_ones_kept_with_their_error(client, official_a, chosen_a, indicators):
    client.force_login(official_a)
    p = f"t{chosen_a.pk}"
    count, pct = indicators["count"].pk, indicators["percentage"].pk
    url = fr("monitoring:targets", chosen_a.pledge_id, chosen_a.pk)
    later = (date.today() + timedelta(days=500)).isoformat()
    bad = {
        f"{p}-baseline_value_{pct}": "12,5",
        f"{p}-baseline_year_{pct}": str(date.today().year - 1),
        f"{p}-target_value_{pct}": "140",
        f"{p}-target_date_{pct}": later,
    }
    response = client.post(url, bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="140"' in page and 'value="12,5"' in page
    assert not IndicatorTarget.objects.exists()
    good = {
        **bad,
        f"{p}-target_value_{pct}": "60",
        f"{p}-baseline_value_{count}": "1 200",
        f"{p}-baseline_year_{count}": str(date.today().year - 2),
    }
    response = client.post(url, good)
    assert response.status_code == 302
    rows = {t.indicator_id: t for t in IndicatorTarget.objects.all()}
    assert rows[pct].baseline_value == Decimal("12.5") and rows[pct].target_value == 60
    assert rows[count].baseline_value == 1200
    assert PledgeEvent.objects.filter(action=PledgeEvent.Action.TARGETS_SAVED).count() == 1


def test_an_official_adds_and_removes_an_own_indicator(client, official_a, chosen_a):
    client.force_login(official_a)
    p = f"i{chosen_a.pk}"
    url = reverse("monitoring:indicator_add", args=[chosen_a.pledge_id, chosen_a.pk])
    response = client.post(
        url, {f"{p}-code": "ID-1", f"{p}-name": "Clash", f"{p}-kind": "count", f"{p}-language": "fr"}
    )
    assert response.status_code == 200 and 'value="Clash"' in response.content.decode()
    response = client.post(
        url, {f"{p}-code": "own-1", f"{p}-name": "Cartes délivrées", f"{p}-kind": "count", f"{p}-language": "fr"}
    )
    assert response.status_code == 302
    own = Indicator.objects.get(code="OWN-1")
    assert own.name_fr == "Cartes délivrées" and own.language == "fr"
    # it now has a baseline and target row on the page, and a value field in the report
    page = client.get(reverse("monitoring:page", args=[chosen_a.pledge_id])).content.decode()
    assert f"baseline_value_{own.pk}" in page
    remove = reverse("monitoring:indicator_remove", args=[chosen_a.pledge_id, chosen_a.pk, own.pk])
    assert client.post(remove).status_code == 302
    assert not Indicator.objects.filter(pk=own.pk).exists()


# --- the report form ------------------------------------------------------------------------


def _report_data(client, url):
    """What the form shows, as a browser would send it back."""
    response = client.get(url)
    formset = response.context["formset"]
    data = {
        "action": "save",
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.total_form_count()),
    }
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, list):
                if name.startswith("partners_"):
                    data[key] = "\n".join(value)
                else:
                    data[key] = value
            elif value is None:
                data[key] = ""
            else:
                data[key] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    return formset, data


def test_the_report_form_takes_values_in_french_and_shows_baseline_and_target(
    client, official_a, chosen_a, indicators, current_period
):
    services.targets_save(
        actor=official_a,
        chosen=chosen_a,
        targets={
            indicators["count"]: TargetInput(
                Decimal(1200), date.today().year - 1, Decimal(4000), date.today() + timedelta(days=700)
            )
        },
    )
    services.means_save(actor=official_a, chosen=chosen_a, data=MeansInput(lead_department="Affaires sociales"))
    client.force_login(official_a)
    url = fr("reports:edit", chosen_a.pledge_id, current_period.pk)
    formset, data = _report_data(client, url)
    index = next(i for i, u in enumerate(formset.updates) if u.chosen_id == chosen_a.pk)
    page = client.get(url).content.decode()
    assert 'inputmode="decimal"' in page
    assert "1\u202f200" in page and "4\u202f000" in page  # baseline and target in French
    assert data[f"form-{index}-lead_department"] == "Affaires sociales"  # the means prefilled
    for i in range(formset.total_form_count()):
        data[f"form-{i}-status"] = "in_progress"
        data[f"form-{i}-narrative"] = "Fait."
    data[f"form-{index}-value_{indicators['count'].pk}"] = "1 350"
    data[f"form-{index}-value_{indicators['percentage'].pk}"] = "12,5"
    data[f"form-{index}-value_{indicators['yes_no'].pk}"] = "1"
    data[f"form-{index}-staff_fte"] = "3"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["formset"].errors
    values = dict(IndicatorValue.objects.values_list("indicator__code", "value"))
    assert values == {"ID-1": Decimal(1350), "ID-2": Decimal("12.5"), "ID-4": Decimal(1)}
    assert MeansOfImplementation.objects.get(chosen=chosen_a).staff_fte == 3
    # prefilled back in French
    page = client.get(url).content.decode()
    assert 'value="1\u202f350"' in page and 'value="12,5"' in page


def test_a_bad_value_in_the_report_keeps_the_typed_input(client, official_a, chosen_a, indicators, current_period):
    client.force_login(official_a)
    url = fr("reports:edit", chosen_a.pledge_id, current_period.pk)
    formset, data = _report_data(client, url)
    index = next(i for i, u in enumerate(formset.updates) if u.chosen_id == chosen_a.pk)
    data[f"form-{index}-value_{indicators['count'].pk}"] = "12,5"
    data[f"form-{index}-narrative"] = "Texte gardé"
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="12,5"' in page and "Texte gardé" in page
    assert not IndicatorValue.objects.exists()


def test_the_submitted_version_and_the_read_only_report_show_values_and_means(
    client, official_a, chosen_a, indicators, current_period
):
    report = pledge_services.report_open(actor=official_a, pledge=chosen_a.pledge, period=current_period)
    inputs = [
        pledge_services.UpdateInput(
            chosen_id=u.chosen_id,
            status="in_progress",
            narrative="Done.",
            values={indicators["count"].pk: Decimal(1350)} if u.chosen_id == chosen_a.pk else None,
            means=MeansInput(budget_amount=Decimal(5000), budget_currency="EUR", lead_department="Social affairs")
            if u.chosen_id == chosen_a.pk
            else None,
        )
        for u in pledge_services.ordered_updates(report)
    ]
    pledge_services.report_save(actor=official_a, report=report, updates=inputs)
    pledge_services.report_submit(actor=official_a, report=report)
    client.force_login(official_a)
    version = ReportVersion.objects.get(report=report)
    page = client.get(
        reverse("reports:version", args=[chosen_a.pledge_id, current_period.pk, version.number])
    ).content.decode()
    assert "People reached" in page and "1,350" in page
    assert "Social affairs" in page and "€5,000.00" in page
