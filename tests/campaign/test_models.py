from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaign.models import Commitment, ReportingPeriod, validate_reminder_offsets
from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "offsets, code",
    [
        ([-7, 0, 7], "zero"),
        ([-7, -7], "duplicate"),
        ([-400], "out_of_range"),
        ([366], "out_of_range"),
        ([1.5], "not_an_integer"),
        (["7"], "not_an_integer"),
        ([True], "not_an_integer"),
    ],
)
def test_reminder_offsets_refuse_nonsense(offsets, code):
    with pytest.raises(ValidationError) as caught:
        validate_reminder_offsets(offsets)
    assert code in [error.code for error in caught.value.error_list]


def test_reminder_offsets_accept_a_schedule_and_are_sorted_on_clean():
    validate_reminder_offsets([-365, -30, -7, -1, 7, 30, 365])
    campaign = CampaignFactory.build(reminder_offsets=[30, -1, 7, -30, -7])
    campaign.full_clean()
    assert campaign.reminder_offsets == [-30, -7, -1, 7, 30]
    assert campaign.reminders_before() == [30, 7, 1]
    assert campaign.reminders_after() == [7, 30]


def test_signing_window_must_not_close_before_it_opens():
    campaign = CampaignFactory.build(signing_opens=date(2026, 5, 1), signing_closes=date(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        campaign.full_clean()
    assert "signing_closes" in caught.value.message_dict


def test_commitment_code_is_unique_per_campaign_in_the_database():
    first = CommitmentFactory(code="RIGHTS-1")
    CommitmentFactory(code="RIGHTS-1")  # another campaign: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(campaign=first.campaign, code="RIGHTS-1", theme="rights", title_en="Twin")


def test_commitment_clean_refuses_a_code_taken_in_any_case():
    first = CommitmentFactory(code="RIGHTS-1")
    twin = Commitment(campaign=first.campaign, code="rights-1", theme="rights", title_en="Twin")
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "already has a commitment with the code RIGHTS-1" in caught.value.message_dict["code"][0]


@pytest.mark.parametrize(
    "field, value",
    [("sdg_targets", ["18.1"]), ("sdg_targets", ["ten"]), ("gcm_objectives", [24]), ("nua_paragraphs", [0])],
)
def test_commitment_framework_links_are_checked(field, value):
    commitment = CommitmentFactory.build(campaign=CampaignFactory(), **{field: value})
    with pytest.raises(ValidationError) as caught:
        commitment.full_clean()
    assert field in caught.value.message_dict


def test_commitment_badges_link_each_framework():
    commitment = CommitmentFactory.build(sdg_targets=["10.7", "16.b"], gcm_objectives=[4], nua_paragraphs=[28])
    labels = [(b["kind"], b["label"]) for b in commitment.badges]
    assert labels == [("sdg", "SDG 10.7"), ("sdg", "SDG 16.b"), ("gcm", "GCM 4"), ("nua", "NUA 28")]
    assert commitment.badges[1]["url"] == "https://sdgs.un.org/goals/goal16"


def test_period_must_be_due_after_it_opens():
    campaign = CampaignFactory()
    period = ReportingPeriod(campaign=campaign, label_en="2026", opens=date(2026, 12, 1), due=date(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        period.full_clean()
    assert "due" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        period.save()  # the database refuses it too


def test_periods_of_a_campaign_do_not_overlap_and_labels_are_unique():
    existing = ReportingPeriodFactory(label_en="2026", opens=date(2026, 1, 15), due=date(2026, 12, 15))
    overlapping = ReportingPeriod(
        campaign=existing.campaign, label_en="Late 2026", opens=date(2026, 12, 1), due=date(2027, 3, 1)
    )
    with pytest.raises(ValidationError, match="overlaps the period 2026"):
        overlapping.full_clean()
    same_label = ReportingPeriod(
        campaign=existing.campaign, label_en="2026", opens=date(2027, 1, 15), due=date(2027, 12, 15)
    )
    with pytest.raises(ValidationError) as caught:
        same_label.full_clean()
    assert "label_en" in caught.value.message_dict
    # Another campaign may use the same dates and label.
    ReportingPeriod(
        campaign=CampaignFactory(), label_en="2026", opens=date(2026, 1, 15), due=date(2026, 12, 15)
    ).full_clean()


def test_period_state_follows_the_calendar():
    period = ReportingPeriodFactory.build(opens=date(2026, 1, 15), due=date(2026, 12, 15))
    assert period.status_on(date(2026, 1, 1)) == "upcoming"
    assert period.status_on(date(2026, 11, 24)) == "open"
    assert period.status_on(date(2026, 12, 16)) == "past"
