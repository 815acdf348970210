"""Every pledge transition through pledges.services, and the refusals that keep it safe."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Membership
from pledges import rules, services
from pledges.models import Pledge, PledgeCommitment, PledgeEvent
from tests.factories import StaffFactory, UserFactory, approve_official

pytestmark = pytest.mark.django_db


def codes(pledge):
    return set(PledgeCommitment.objects.filter(pledge=pledge).values_list("commitment__code", flat=True))


def actions(pledge):
    return list(PledgeEvent.objects.filter(pledge=pledge).values_list("action", flat=True))


# --- start -------------------------------------------------------------------------------


def test_start_opens_a_draft_with_the_required_commitments(draft_pledge_a, official_a, city_a):
    assert draft_pledge_a.status == Pledge.Status.DRAFT
    assert draft_pledge_a.municipality == city_a
    assert draft_pledge_a.created_by == official_a
    assert codes(draft_pledge_a) == {"RIGHTS-1", "MONITORING-1"}
    assert actions(draft_pledge_a) == [PledgeEvent.Action.CREATED]


def test_start_twice_returns_the_same_pledge(draft_pledge_a, official_a, campaign, city_a):
    again = services.pledge_start(actor=official_a, campaign=campaign, municipality=city_a)
    assert again.pk == draft_pledge_a.pk
    assert Pledge.objects.filter(campaign=campaign, municipality=city_a).count() == 1


def test_official_of_b_cannot_start_for_a(campaign, required_commitments, official_b, city_a):
    with pytest.raises(PermissionDenied):
        services.pledge_start(actor=official_b, campaign=campaign, municipality=city_a)
    assert not Pledge.objects.exists()


def test_requested_or_revoked_membership_is_not_enough(campaign, required_commitments, city_a):
    user = UserFactory()
    membership = Membership.objects.create(user=user, municipality=city_a, role="focal_point")
    with pytest.raises(PermissionDenied):
        services.pledge_start(actor=user, campaign=campaign, municipality=city_a)
    membership.status = Membership.Status.REVOKED
    membership.save()
    with pytest.raises(PermissionDenied):
        services.pledge_start(actor=user, campaign=campaign, municipality=city_a)


def test_start_refused_on_a_campaign_that_is_not_open(campaign, official_a, city_a):
    campaign.status = "closed"
    campaign.save()
    with pytest.raises(ValidationError, match="not open"):
        services.pledge_start(actor=official_a, campaign=campaign, municipality=city_a)


def test_one_pledge_per_municipality_per_campaign_is_enforced_by_the_database(draft_pledge_a, campaign, city_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(campaign=campaign, municipality=city_a)


# --- save draft --------------------------------------------------------------------------


def test_save_draft_keeps_required_commitments_whatever_is_sent(draft_pledge_a, official_a, optional_commitments):
    pledge = services.pledge_save_draft(
        actor=official_a,
        pledge=draft_pledge_a,
        signatory_name="  Bart Somers ",
        signatory_title="Mayor",
        council_decision_date=date.today(),
        statement="We sign.",
        chosen=[services.ChosenCommitment(commitment=optional_commitments[2], target="A census", target_date=None)],
    )
    assert codes(pledge) == {"RIGHTS-1", "MONITORING-1", "DATA-1"}
    assert pledge.signatory_name == "Bart Somers"
    assert PledgeCommitment.objects.get(pledge=pledge, commitment__code="DATA-1").target == "A census"
    assert actions(pledge)[-1] == PledgeEvent.Action.SAVED


def test_official_of_b_cannot_save_a_pledge_of_a(draft_pledge_a, official_b):
    with pytest.raises(PermissionDenied):
        services.pledge_save_draft(
            actor=official_b,
            pledge=draft_pledge_a,
            signatory_name="Intruder",
            signatory_title="",
            council_decision_date=None,
            statement="Hijacked",
            chosen=[],
        )
    assert Pledge.objects.get(pk=draft_pledge_a.pk).statement == ""


def test_staff_cannot_save_a_city_draft(draft_pledge_a, staff_admin):
    with pytest.raises(PermissionDenied):
        services.pledge_save_draft(
            actor=staff_admin,
            pledge=draft_pledge_a,
            signatory_name="x",
            signatory_title="",
            council_decision_date=None,
            statement="",
            chosen=[],
        )


def test_save_refuses_a_future_council_decision(draft_pledge_a, official_a):
    with pytest.raises(ValidationError) as exc:
        services.pledge_save_draft(
            actor=official_a,
            pledge=draft_pledge_a,
            signatory_name="x",
            signatory_title="",
            council_decision_date=date.today() + timedelta(days=30),
            statement="",
            chosen=[],
        )
    assert "council_decision_date" in exc.value.error_dict


def test_save_refuses_a_commitment_of_another_campaign(draft_pledge_a, official_a):
    from tests.factories import CommitmentFactory

    stranger = CommitmentFactory()
    with pytest.raises(ValidationError, match="does not belong"):
        services.pledge_save_draft(
            actor=official_a,
            pledge=draft_pledge_a,
            signatory_name="",
            signatory_title="",
            council_decision_date=None,
            statement="",
            chosen=[services.ChosenCommitment(commitment=stranger)],
        )


def test_a_submitted_pledge_cannot_be_edited(submitted_pledge_a, official_a):
    with pytest.raises(ValidationError, match="can no longer be edited"):
        services.pledge_save_draft(
            actor=official_a,
            pledge=submitted_pledge_a,
            signatory_name="Changed",
            signatory_title="",
            council_decision_date=None,
            statement="",
            chosen=[],
        )


# --- submit ------------------------------------------------------------------------------


def test_submit_refuses_an_incomplete_pledge_and_lists_what_is_missing(draft_pledge_a, official_a):
    missing = services.pledge_missing_for_submission(draft_pledge_a)
    assert "the signatory's name" in missing
    assert "the council resolution (PDF)" in missing
    assert "a public statement" in missing
    with pytest.raises(ValidationError) as exc:
        services.pledge_submit(actor=official_a, pledge=draft_pledge_a)
    message = exc.value.messages[0]
    assert "the signatory's name" in message and "the council resolution (PDF)" in message
    assert Pledge.objects.get(pk=draft_pledge_a.pk).status == Pledge.Status.DRAFT


def test_submit_a_complete_pledge(ready_pledge_a, official_a):
    assert services.pledge_missing_for_submission(ready_pledge_a) == []
    pledge = services.pledge_submit(actor=official_a, pledge=ready_pledge_a)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.submitted_at is not None
    assert actions(pledge)[-1] == PledgeEvent.Action.SUBMITTED


def test_official_of_b_cannot_submit_a_pledge_of_a(ready_pledge_a, official_b):
    with pytest.raises(PermissionDenied):
        services.pledge_submit(actor=official_b, pledge=ready_pledge_a)
    assert Pledge.objects.get(pk=ready_pledge_a.pk).status == Pledge.Status.DRAFT


def test_submit_twice_is_refused(submitted_pledge_a, official_a):
    with pytest.raises(ValidationError, match="already been submitted"):
        services.pledge_submit(actor=official_a, pledge=submitted_pledge_a)


# --- verify and reject -------------------------------------------------------------------


def test_staff_verifies_a_submitted_pledge(submitted_pledge_a, staff_admin):
    pledge = services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.VERIFIED
    assert pledge.verified_by == staff_admin
    assert pledge.signed_on == pledge.council_decision_date
    assert rules.is_public(pledge)


def test_only_staff_verify_or_reject(submitted_pledge_a, official_a):
    with pytest.raises(PermissionDenied):
        services.pledge_verify(actor=official_a, pledge=submitted_pledge_a)
    with pytest.raises(PermissionDenied):
        services.pledge_reject(actor=official_a, pledge=submitted_pledge_a, reason="Self-rejection")
    assert Pledge.objects.get(pk=submitted_pledge_a.pk).status == Pledge.Status.SUBMITTED


def test_an_admin_who_acts_for_the_city_does_not_judge_its_pledge(submitted_pledge_a, city_a, city_b, staff_admin):
    """An admin who is also an approved official of the pledge's city may neither verify
    nor reject it; another admin may, and an official of another city is no obstacle."""
    insider = StaffFactory()
    approve_official(insider, city_a)
    with pytest.raises(PermissionDenied):
        services.pledge_verify(actor=insider, pledge=submitted_pledge_a)
    with pytest.raises(PermissionDenied):
        services.pledge_reject(actor=insider, pledge=submitted_pledge_a, reason="Looks fine to me, but no.")
    pledge = Pledge.objects.get(pk=submitted_pledge_a.pk)
    assert pledge.status == Pledge.Status.SUBMITTED and pledge.verified_by is None

    approve_official(staff_admin, city_b)
    assert services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a).status == Pledge.Status.VERIFIED


def test_verify_and_reject_only_from_submitted(ready_pledge_a, verified_pledge_a, staff_admin):
    with pytest.raises(ValidationError, match="Only a submitted pledge can be verified"):
        services.pledge_verify(actor=staff_admin, pledge=verified_pledge_a)
    with pytest.raises(ValidationError, match="Only a submitted pledge can be rejected"):
        services.pledge_reject(actor=staff_admin, pledge=verified_pledge_a, reason="Too late")


def test_draft_cannot_be_verified(ready_pledge_a, staff_admin):
    with pytest.raises(ValidationError):
        services.pledge_verify(actor=staff_admin, pledge=ready_pledge_a)
    assert Pledge.objects.get(pk=ready_pledge_a.pk).status == Pledge.Status.DRAFT


def test_reject_needs_a_reason(submitted_pledge_a, staff_admin):
    with pytest.raises(ValidationError) as exc:
        services.pledge_reject(actor=staff_admin, pledge=submitted_pledge_a, reason="   ")
    assert "reason" in exc.value.error_dict
    assert Pledge.objects.get(pk=submitted_pledge_a.pk).status == Pledge.Status.SUBMITTED


def test_rejected_pledge_is_corrected_and_resubmitted(submitted_pledge_a, staff_admin, official_a):
    pledge = services.pledge_reject(actor=staff_admin, pledge=submitted_pledge_a, reason="The PDF is unsigned.")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.REJECTED
    assert pledge.rejection_reason == "The PDF is unsigned."
    assert pledge.is_editable
    services.pledge_save_draft(
        actor=official_a,
        pledge=pledge,
        signatory_name=pledge.signatory_name,
        signatory_title=pledge.signatory_title,
        council_decision_date=pledge.council_decision_date,
        statement="Corrected statement.",
        chosen=[],
    )
    pledge = services.pledge_submit(actor=official_a, pledge=pledge)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.rejection_reason == ""
    assert pledge.statement == "Corrected statement."
    last = PledgeEvent.objects.filter(pledge=pledge).last()
    assert last.action == PledgeEvent.Action.SUBMITTED and last.note == "Resubmitted"


# --- withdraw ----------------------------------------------------------------------------


def test_official_withdraws_a_verified_pledge(verified_pledge_a, official_a):
    pledge = services.pledge_withdraw(actor=official_a, pledge=verified_pledge_a, reason="New council")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert pledge.withdrawn_at is not None
    assert pledge.withdrawal_reason == "New council"
    assert rules.is_public(pledge)  # the public record says when
    assert actions(pledge)[-1] == PledgeEvent.Action.WITHDRAWN


def test_official_withdraws_a_submitted_pledge(submitted_pledge_a, official_a):
    pledge = services.pledge_withdraw(actor=official_a, pledge=submitted_pledge_a, reason="Mistake")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert not rules.is_public(pledge)  # never verified: nothing public


def test_official_of_b_cannot_withdraw_a_pledge_of_a(verified_pledge_a, official_b):
    with pytest.raises(PermissionDenied):
        services.pledge_withdraw(actor=official_b, pledge=verified_pledge_a, reason="Not mine")
    assert Pledge.objects.get(pk=verified_pledge_a.pk).status == Pledge.Status.VERIFIED


def test_a_draft_cannot_be_withdrawn(draft_pledge_a, official_a):
    with pytest.raises(ValidationError, match="Only a submitted or verified pledge"):
        services.pledge_withdraw(actor=official_a, pledge=draft_pledge_a, reason="x")


# --- documents ---------------------------------------------------------------------------


def test_record_document_download_only_for_officials_and_staff(ready_pledge_a, official_a, official_b, staff_admin):
    services.record_document_download(actor=official_a, pledge=ready_pledge_a)
    services.record_document_download(actor=staff_admin, pledge=ready_pledge_a)
    with pytest.raises(PermissionDenied):
        services.record_document_download(actor=official_b, pledge=ready_pledge_a)
    assert actions(ready_pledge_a).count(PledgeEvent.Action.DOCUMENT_DOWNLOADED) == 2
