"""Peer review through HTTP: the campaign team pairs and cancels; the reviewer reads the
submitted report, saves a draft and gives the feedback; the reviewed city answers; both
agree and the review is published. Privacy: the reviewed city cannot read a draft, a third
city sees nothing."""

from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from pledges.learning.models import PeerReview
from pledges.learning.services import reviews

from .review_world import DRAFT_FEEDBACK, REPORT_TEXT, rw  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_REQUIRE_MFA = False


def feedback_data(rw, text, summary=""):  # noqa: F811
    return {**{f"feedback_{pk}": text for pk in rw.chosen_ids()[:1]}, "summary": summary}


# --- staff ---------------------------------------------------------------------------------------


def test_pairing_form_lists_who_can_be_paired_and_pairs(client, rw):  # noqa: F811
    client.force_login(rw.admin)
    url = reverse("learning_staff:review_pair")
    page = client.get(url, {"period": rw.period.pk})
    assert page.status_code == 200
    reviewed_choices = [str(c[1]) for c in page.context["form"].fields["reviewed"].choices]
    assert any("Mechelen" in c for c in reviewed_choices)
    assert not any("Lyon" in c for c in reviewed_choices)  # no submitted report
    due = (date.today() + timedelta(days=30)).isoformat()
    assert page.context["form"]["due_on"].value() == date.today() + timedelta(days=30)
    response = client.post(
        url, {"period": rw.period.pk, "reviewed": rw.pledge_a.pk, "reviewer": rw.city_b.pk, "due_on": due}
    )
    assert response.status_code == 302
    review = PeerReview.objects.get()
    assert (review.reviewer, review.reviewed, review.paired_by) == (rw.city_b, rw.pledge_a, rw.admin)
    listing = client.get(reverse("learning_staff:reviews"))
    assert listing.status_code == 200
    assert "Lyon" in listing.content.decode() and review.get_status_display() in listing.content.decode()


def test_pairing_errors_show_beside_the_field_and_keep_the_input(client, rw):  # noqa: F811
    client.force_login(rw.admin)
    past = (date.today() - timedelta(days=3)).isoformat()
    response = client.post(
        reverse("learning_staff:review_pair"),
        {"period": rw.period.pk, "reviewed": rw.pledge_a.pk, "reviewer": rw.city_a.pk, "due_on": past},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "reviewer" in form.errors and "due_on" in form.errors
    assert form["due_on"].value() == past
    assert str(rw.pledge_a.pk) == str(form["reviewed"].value())
    assert not PeerReview.objects.exists()


def test_cancel_through_the_staff_page(client, rw):  # noqa: F811
    review = rw.pair()
    client.force_login(rw.admin)
    response = client.post(reverse("learning_staff:review_cancel", args=[review.pk]))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == PeerReview.Status.CANCELLED


# --- the reviewer -----------------------------------------------------------------------------------


def test_the_reviewer_reads_the_report_saves_a_draft_that_the_reviewed_city_cannot_see(client, rw):  # noqa: F811
    review = rw.pair()
    client.force_login(rw.official_b)
    page = client.get(reverse("learning:review", args=[review.pk]))
    assert page.status_code == 200
    assert REPORT_TEXT in page.content.decode()
    response = client.post(reverse("learning:review_feedback", args=[review.pk]), feedback_data(rw, DRAFT_FEEDBACK))
    assert response.status_code == 302
    assert DRAFT_FEEDBACK in client.get(reverse("learning:review", args=[review.pk])).content.decode()

    client.force_login(rw.official_a)
    assert client.get(reverse("learning:review", args=[review.pk])).status_code == 404
    listing = client.get(reverse("learning:reviews"))
    assert DRAFT_FEEDBACK not in listing.content.decode()
    assert reverse("learning:review", args=[review.pk]) not in listing.content.decode()
    assert client.post(reverse("learning:review_answer", args=[review.pk]), {"answer_summary": "x"}).status_code == 404


def test_giving_empty_feedback_shows_a_clear_error_and_keeps_the_text(client, rw):  # noqa: F811
    review = rw.pair()
    client.force_login(rw.official_b)
    response = client.post(reverse("learning:review_give", args=[review.pk]), feedback_data(rw, "   ", ""))
    assert response.status_code == 200
    assert "Write feedback on at least one commitment" in response.content.decode()
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PAIRED
    too_long = "x" * (reviews.MAX_TEXT_LENGTH + 1)
    response = client.post(reverse("learning:review_give", args=[review.pk]), feedback_data(rw, "Kept", too_long))
    assert response.status_code == 200
    assert response.context["feedback_form"]["summary"].errors
    assert response.context["feedback_form"][f"feedback_{rw.chosen_ids()[0]}"].value() == "Kept"
    assert not review.feedback.exclude(feedback="").exists()  # nothing saved on error


def test_the_whole_review_through_the_pages(client, rw):  # noqa: F811
    review = rw.pair()
    first = rw.chosen_ids()[0]
    client.force_login(rw.official_b)
    response = client.post(
        reverse("learning:review_give", args=[review.pk]), feedback_data(rw, "Great legal clinics.", "Keep going.")
    )
    assert response.status_code == 302

    client.force_login(rw.official_a)
    page = client.get(reverse("learning:review", args=[review.pk])).content.decode()
    assert "Great legal clinics." in page and "Keep going." in page
    response = client.post(
        reverse("learning:review_answer", args=[review.pk]), {f"answer_{first}": "Thanks!", "answer_summary": ""}
    )
    assert response.status_code == 302
    assert client.post(reverse("learning:review_agree", args=[review.pk])).status_code == 302
    page = client.get(reverse("learning:review", args=[review.pk])).content.decode()
    assert "(reviewed) agreed on" in page and "(reviewer) has not agreed yet" in page

    client.force_login(rw.official_b)
    assert "Thanks!" in client.get(reverse("learning:review", args=[review.pk])).content.decode()
    client.post(reverse("learning:review_agree", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PUBLISHED


def test_an_edit_after_an_agreement_says_both_agreements_are_cleared(client, rw):  # noqa: F811
    review = rw.answered()
    reviews.review_agree(actor=rw.official_b, review=review)
    client.force_login(rw.official_a)
    response = client.post(
        reverse("learning:review_answer", args=[review.pk]),
        {f"answer_{rw.chosen_ids()[0]}": "Changed our answer.", "answer_summary": "We agree."},
        follow=True,
    )
    assert "both agreements to publish were cleared" in response.content.decode()
    review.refresh_from_db()
    assert review.reviewer_agreed_at is None


def test_another_city_sees_nothing(client, rw):  # noqa: F811
    review = rw.answered()
    client.force_login(rw.official_c)
    for name in ("review",):
        assert client.get(reverse(f"learning:{name}", args=[review.pk])).status_code == 404
    for name in ("review_feedback", "review_give", "review_answer", "review_agree"):
        assert client.post(reverse(f"learning:{name}", args=[review.pk]), {"summary": "x"}).status_code == 404
    listing = client.get(reverse("learning:reviews")).content.decode()
    assert "Good work on rights." not in listing and reverse("learning:review", args=[review.pk]) not in listing


def test_the_listing_shows_each_side(client, rw):  # noqa: F811
    given = rw.given()
    client.force_login(rw.official_b)
    page = client.get(reverse("learning:reviews")).content.decode()
    assert reverse("learning:review", args=[given.pk]) in page
    client.force_login(rw.official_a)
    page = client.get(reverse("learning:reviews")).content.decode()
    assert reverse("learning:review", args=[given.pk]) in page


def test_hub_card_counts(rw):  # noqa: F811
    rw.pair()
    rw.pair(reviewer=rw.city_c)
    request = RequestFactory().get("/")
    request.user = rw.official_b
    html = Template('{% include "learning/reviews/hub_card.html" %}').render(Context({"request": request}))
    assert "1 review to give" in html and "0 reviews to answer" in html
    assert reverse("learning:reviews") in html
