"""Peer review through its services: pairing rules, the reviewer's draft and feedback, the
reviewed city's answer, double consent before publication (an edit clears both agreements),
cancelling, and the reminders (once only per official)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, translation

from campaign.outbox.models import EmailDelivery
from pledges.learning import rules
from pledges.learning.models import HistoryEntry, PeerReview
from pledges.learning.services import reviews
from tests.factories import UserFactory, approve_official

from .review_world import rw  # noqa: F401 - fixture


def deliveries(template, user=None):
    qs = EmailDelivery.objects.filter(template=template)
    return qs.filter(recipient=user) if user else qs


def verbs(review):
    return list(HistoryEntry.objects.filter(peer_review=review).order_by("pk").values_list("verb", flat=True))


# --- pairing -------------------------------------------------------------------------------


def test_pairing_makes_one_feedback_row_per_chosen_commitment_and_tells_the_reviewer(rw):  # noqa: F811
    review = rw.pair()
    assert review.status == PeerReview.Status.PAIRED
    assert set(review.feedback.values_list("chosen_id", flat=True)) == set(rw.chosen_ids())
    assert deliveries("learning_review_paired", rw.official_b).count() == 1
    assert not deliveries("learning_review_paired", rw.official_a).exists()
    assert verbs(review) == [HistoryEntry.Verb.REVIEW_PAIRED]


def test_only_campaign_admins_pair(rw):  # noqa: F811
    with pytest.raises(PermissionDenied):
        rw.pair(actor=rw.official_b)
    assert not PeerReview.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ("self", "reviewer"),
        ("no_report", "reviewed"),
        ("past", "due_on"),
        ("no_due", "due_on"),
        ("not_signatory", "reviewer"),
    ],
)
def test_pairing_refuses_bad_input_by_field(rw, change, field):  # noqa: F811
    from tests.factories import MunicipalityFactory  # noqa: PLC0415 - tests may import late

    overrides = {
        "self": {"reviewer": rw.city_a},
        "no_report": {"reviewed": rw.pledge_b},
        "past": {"due_on": date.today() - timedelta(days=1)},
        "no_due": {"due_on": None},
        "not_signatory": {"reviewer": MunicipalityFactory(name="Nowhere")},
    }[change]
    with pytest.raises(ValidationError) as caught:
        rw.pair(**overrides)
    assert field in caught.value.error_dict
    assert not PeerReview.objects.exists()


def test_the_same_pair_cannot_be_made_twice_but_can_after_a_cancel(rw):  # noqa: F811
    review = rw.pair()
    with pytest.raises(ValidationError) as caught:
        rw.pair()
    assert "reviewer" in caught.value.error_dict
    reviews.review_cancel(actor=rw.admin, review=review)
    assert rw.pair().pk != review.pk


def test_cancel_is_refused_once_published(rw):  # noqa: F811
    review = rw.answered()
    reviews.review_agree(actor=rw.official_a, review=review)
    review = reviews.review_agree(actor=rw.official_b, review=review)
    assert review.status == PeerReview.Status.PUBLISHED
    with pytest.raises(ValidationError):
        reviews.review_cancel(actor=rw.admin, review=review)
    with pytest.raises(PermissionDenied):
        reviews.review_cancel(actor=rw.official_b, review=rw.pair(period=rw.period, reviewer=rw.city_c))


# --- feedback -------------------------------------------------------------------------------


def test_only_the_reviewers_officials_write_feedback(rw):  # noqa: F811
    review = rw.pair()
    first = rw.chosen_ids()[0]
    for stranger in (rw.official_a, rw.official_c):
        with pytest.raises(PermissionDenied):
            reviews.feedback_save(actor=stranger, review=review, feedback={first: "Hijacked"})
    assert not review.feedback.exclude(feedback="").exists()


def test_feedback_cannot_be_given_empty(rw):  # noqa: F811
    review = rw.pair()
    reviews.feedback_save(actor=rw.official_b, review=review, feedback={rw.chosen_ids()[0]: "   "}, summary="")
    with pytest.raises(ValidationError) as caught:
        reviews.feedback_give(actor=rw.official_b, review=review)
    assert "summary" in caught.value.error_dict
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PAIRED
    assert not deliveries("learning_review_given").exists()


def test_giving_feedback_tells_the_reviewed_city(rw):  # noqa: F811
    review = rw.given()
    assert review.status == PeerReview.Status.FEEDBACK_GIVEN
    assert review.feedback_given_at is not None
    assert deliveries("learning_review_given", rw.official_a).count() == 1
    with pytest.raises(ValidationError):
        reviews.feedback_give(actor=rw.official_b, review=review)


def test_a_feedback_of_an_unknown_commitment_is_refused(rw):  # noqa: F811
    review = rw.pair()
    with pytest.raises(ValidationError):
        reviews.feedback_save(actor=rw.official_b, review=review, feedback={999999: "?"})


# --- answer and double consent -----------------------------------------------------------------


def test_the_answer_needs_some_text_and_the_reviewed_side(rw):  # noqa: F811
    review = rw.given()
    with pytest.raises(PermissionDenied):
        reviews.review_answer(actor=rw.official_b, review=review, answers={}, summary="Not mine")
    with pytest.raises(ValidationError) as caught:
        reviews.review_answer(actor=rw.official_a, review=review, answers={}, summary="")
    assert "answer_summary" in caught.value.error_dict


def test_agreement_is_possible_only_once_answered(rw):  # noqa: F811
    review = rw.given()
    with pytest.raises(ValidationError):
        reviews.review_agree(actor=rw.official_a, review=review)
    with pytest.raises(PermissionDenied):
        reviews.review_agree(actor=rw.official_c, review=review)


def test_published_only_when_both_sides_agreed(rw):  # noqa: F811
    review = rw.answered()
    assert review.status == PeerReview.Status.ANSWERED
    review = reviews.review_agree(actor=rw.official_b, review=review)
    assert review.status == PeerReview.Status.ANSWERED
    assert review.reviewer_agreed_by == rw.official_b and review.reviewed_agreed_at is None
    assert not rules.public_peer_reviews().exists()
    review = reviews.review_agree(actor=rw.official_a, review=review)
    assert review.status == PeerReview.Status.PUBLISHED
    assert review.published_at is not None
    assert list(rules.public_peer_reviews()) == [review]
    assert HistoryEntry.Verb.REVIEW_PUBLISHED in verbs(review)
    assert deliveries("learning_review_published", rw.official_a).count() == 1
    assert deliveries("learning_review_published", rw.official_b).count() == 1


def test_an_answer_edit_after_the_reviewers_agreement_clears_both(rw):  # noqa: F811
    review = rw.answered()
    review = reviews.review_agree(actor=rw.official_b, review=review)
    review = reviews.review_answer(
        actor=rw.official_a, review=review, answers={rw.chosen_ids()[0]: "A better answer."}, summary="We agree."
    )
    assert review.agreements_cleared is True
    review.refresh_from_db()
    assert review.reviewer_agreed_at is None and review.reviewed_agreed_at is None
    review = reviews.review_agree(actor=rw.official_a, review=review)
    assert review.status == PeerReview.Status.ANSWERED  # the reviewer must agree again
    review = reviews.review_agree(actor=rw.official_b, review=review)
    assert review.status == PeerReview.Status.PUBLISHED


def test_a_feedback_correction_after_the_reviewed_agreement_clears_both(rw):  # noqa: F811
    review = rw.answered()
    review = reviews.review_agree(actor=rw.official_a, review=review)
    review = reviews.feedback_save(
        actor=rw.official_b, review=review, feedback={rw.chosen_ids()[0]: "Corrected."}, summary="Overall fine."
    )
    assert review.agreements_cleared is True
    review.refresh_from_db()
    assert review.reviewed_agreed_at is None
    review = reviews.review_agree(actor=rw.official_b, review=review)
    assert review.status == PeerReview.Status.ANSWERED


def test_saving_the_same_texts_keeps_the_agreement(rw):  # noqa: F811
    review = rw.answered()
    review = reviews.review_agree(actor=rw.official_b, review=review)
    review = reviews.review_answer(
        actor=rw.official_a, review=review, answers={rw.chosen_ids()[0]: "Thank you."}, summary="We agree."
    )
    assert review.agreements_cleared is False
    review.refresh_from_db()
    assert review.reviewer_agreed_at is not None


def test_a_published_review_can_no_longer_change(rw):  # noqa: F811
    review = rw.answered()
    reviews.review_agree(actor=rw.official_a, review=review)
    review = reviews.review_agree(actor=rw.official_b, review=review)
    with pytest.raises(ValidationError):
        reviews.feedback_save(actor=rw.official_b, review=review, feedback={}, summary="Changed")
    with pytest.raises(ValidationError):
        reviews.review_answer(actor=rw.official_a, review=review, answers={}, summary="Changed")


def test_cancelled_review_is_never_public(rw):  # noqa: F811
    review = rw.answered()
    reviews.review_cancel(actor=rw.admin, review=review)
    with pytest.raises(ValidationError):
        reviews.review_agree(actor=rw.official_a, review=review)
    assert not rules.public_peer_reviews().exists()


# --- reminders --------------------------------------------------------------------------------------


def test_reminders_go_once_only_to_each_reviewer_official(rw):  # noqa: F811
    colleague = UserFactory(email="second@lyon.fr", preferred_language="fr")
    approve_official(colleague, rw.city_b)
    due_soon = rw.pair(due_on=date.today() + timedelta(days=5))
    rw.pair(reviewer=rw.city_c, due_on=date.today() + timedelta(days=20))  # not due soon
    assert reviews.remind_reviewers() == 2
    assert reviews.remind_reviewers() == 0
    assert reviews.remind_reviewers(today=date.today() + timedelta(days=3)) == 0
    sent = deliveries("learning_review_reminder")
    assert sorted(sent.values_list("recipient_id", flat=True)) == sorted([rw.official_b.pk, colleague.pk])
    assert set(sent.values_list("category", flat=True)) == {"reminder"}
    assert sent.get(recipient=colleague).idempotency_key == f"peer-review-reminder:{due_soon.pk}:{colleague.pk}"
    assert verbs(due_soon).count(HistoryEntry.Verb.REVIEW_REMINDED) == 1


def test_no_reminder_once_the_feedback_is_given_and_overdue_ones_are_reminded(rw):  # noqa: F811
    given = rw.given()
    PeerReview.objects.filter(pk=given.pk).update(due_on=date.today() - timedelta(days=2))
    overdue = rw.pair(reviewer=rw.city_c, due_on=date.today())
    PeerReview.objects.filter(pk=overdue.pk).update(due_on=date.today() - timedelta(days=10))
    assert reviews.remind_reviewers() == 1
    assert deliveries("learning_review_reminder", rw.official_c).count() == 1
    assert not deliveries("learning_review_reminder", rw.official_b).exists()


def test_the_reminder_is_sent_in_the_recipients_language(
    rw,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    rw.official_b.preferred_language = "fr"
    rw.official_b.save()
    rw.pair(due_on=date.today() + timedelta(days=2))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.remind_reviewers()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.remind_reviewers()
    [message] = mailoutbox
    assert message.to == [rw.official_b.email]
    with translation.override("fr"):
        due_fr = formats.date_format(date.today() + timedelta(days=2), "DATE_FORMAT")
    assert due_fr in message.subject and "Mechelen" in message.subject  # the French date format
    assert "/fr/learning/reviews/" in message.body
    assert message.extra_headers.get("List-Unsubscribe")


def test_the_migration_schedules_the_daily_reminder_task_once(db):
    import importlib  # noqa: PLC0415

    from django.apps import apps  # noqa: PLC0415
    from django_celery_beat.models import PeriodicTask  # noqa: PLC0415

    migration = importlib.import_module("pledges.learning.migrations.0003_peer_review_reminder_schedule")
    PeriodicTask.objects.filter(task=migration.TASK).delete()
    migration.schedule(apps, None)
    migration.schedule(apps, None)
    task = PeriodicTask.objects.get(task=migration.TASK)
    assert task.enabled and task.crontab.hour == "8"
    from pledges.learning import tasks  # noqa: PLC0415

    assert tasks.remind_peer_reviewers.name == migration.TASK
