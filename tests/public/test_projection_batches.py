"""One change moves the read model once (campaign/writes.py): a report saved and submitted
with its commitments, a pledge verified, a campaign saved in the admin with its inlines
each recompute the pledges they touch once, at the end of their transaction, and a change
that fails moves nothing."""

import pytest
from django.urls import reverse

from campaign.public import projection
from campaign.public.models import PublicReport, PublicSignatory
from campaign.writes import write_batch
from pledges import services
from pledges.models import PledgeCommitment
from tests.pledges.test_report_services import fill


@pytest.fixture
def refreshes(monkeypatch):
    """The pledge ids of each refresh of the read model, in order (the refresh still runs)."""
    calls: list[set[int]] = []
    original = projection.refresh_pledges

    def counted(pledge_ids, **kwargs):
        ids = set(pledge_ids)
        calls.append(ids)
        return original(ids, **kwargs)

    monkeypatch.setattr(projection, "refresh_pledges", counted)
    return calls


def test_verifying_a_pledge_moves_the_read_model_once(submitted_pledge_a, staff_admin, refreshes):
    assert not PublicSignatory.objects.filter(pledge=submitted_pledge_a).exists()
    services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a)
    assert refreshes == [{submitted_pledge_a.pk}]
    assert PublicSignatory.objects.get(pledge=submitted_pledge_a).status == "verified"


def test_a_report_submitted_from_its_page_moves_the_read_model_once(
    client, verified_pledge_a, current_period, official_a, refreshes
):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    refreshes.clear()
    client.force_login(official_a)
    typed = fill(report)
    data = {"action": "submit", "form-TOTAL_FORMS": len(typed), "form-INITIAL_FORMS": len(typed)}
    for i, update in enumerate(typed):
        data |= {
            f"form-{i}-chosen_id": update.chosen_id,
            f"form-{i}-status": update.status,
            f"form-{i}-narrative": update.narrative,
            f"form-{i}-evidence_links": "\n".join(update.evidence_links),
            f"form-{i}-figures": update.figures,
        }
    url = reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(typed) == 3  # three commitments' updates, the report and its first version saved
    assert refreshes == [{verified_pledge_a.pk}]
    assert PublicReport.objects.filter(signatory_id=verified_pledge_a.pk, period_due=current_period.due).exists()


def test_a_change_that_fails_moves_nothing(verified_pledge_a, refreshes):
    kept = PublicSignatory.objects.get(pledge=verified_pledge_a)
    with pytest.raises(RuntimeError), write_batch():
        verified_pledge_a.municipality.name = "Renamed in a change that fails"
        verified_pledge_a.municipality.save()
        raise RuntimeError("the change fails before its end")
    assert refreshes == []
    assert PublicSignatory.objects.get(pledge=verified_pledge_a).name == kept.name


def test_an_inner_batch_joins_the_outer_one(verified_pledge_a, refreshes):
    city = verified_pledge_a.municipality
    with write_batch():
        with write_batch():
            city.name = "Mechelen-aan-de-Dijle"
            city.save()
        assert refreshes == []  # the inner end is not the change's end
        assert PublicSignatory.objects.get(pledge=verified_pledge_a).name != city.name
        PledgeCommitment.objects.filter(pledge=verified_pledge_a).first().save()
    assert refreshes == [{verified_pledge_a.pk}]
    assert PublicSignatory.objects.get(pledge=verified_pledge_a).name == "Mechelen-aan-de-Dijle"


def test_a_save_outside_any_batch_moves_the_read_model_at_once(verified_pledge_a, refreshes):
    city = verified_pledge_a.municipality
    city.name = "Malines"
    city.save()
    assert refreshes == [{verified_pledge_a.pk}]
    assert PublicSignatory.objects.get(pledge=verified_pledge_a).name == "Malines"
