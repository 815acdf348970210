"""seed_demo's local actions and peer learning (seeds/demo_learning.py): a library of
published actions in several languages and cities, one waiting for moderation and one
returned, an accepted and a pending exchange, a confirmed partnership between a city of
departure and a city of arrival, a published peer review and the 2018 events; and a second
run that creates nothing.

The demo is seeded once for the whole module (twice in fact: the second run is the
idempotence check), inside a transaction rolled back at the end, so that every test reads
the same seeded world and CI pays for the demo once.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.functional import empty
from PIL import Image

from campaign.storage import private_storage
from campaign.uploads import validate_pdf
from pledges.learning.models import (
    CampaignEvent,
    ExchangeRequest,
    HistoryEntry,
    LocalAction,
    LocalActionFile,
    LocalActionResult,
    LocalActionTranslation,
    Partnership,
    PeerReview,
    PeerReviewFeedback,
)
from pledges.learning.rules import public_actions, public_events, public_partnerships, public_peer_reviews
from pledges.learning.search import search_actions
from pledges.models import Pledge, ProgressReport
from seeds.demo_learning import leaflet_pdf, poster_png, read_learning_data

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def learning_counts():
    return {
        "actions": LocalAction.objects.count(),
        "translations": LocalActionTranslation.objects.count(),
        "files": LocalActionFile.objects.count(),
        "results": LocalActionResult.objects.count(),
        "exchanges": ExchangeRequest.objects.count(),
        "partnerships": Partnership.objects.count(),
        "reviews": PeerReview.objects.count(),
        "feedback": PeerReviewFeedback.objects.count(),
        "events": CampaignEvent.objects.count(),
        "history": HistoryEntry.objects.count(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded twice, in a transaction undone after the module's last test."""
    private = tmp_path_factory.mktemp("learning-private")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PRIVATE_MEDIA_ROOT=private, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
    ):
        private_storage._wrapped = empty
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # A high threshold keeps it quick; the named cities come in whatever their size.
            call_command("seed_demo", "--min-population", "5000000", stdout=StringIO())
            first = learning_counts()
            call_command("seed_demo", "--no-directory", stdout=StringIO())
            yield {"first": first, "second": learning_counts()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            private_storage._wrapped = empty


def test_the_library_has_published_actions_in_several_cities_and_languages(demo):
    published = list(public_actions().select_related("municipality"))
    assert len(published) >= 12
    assert len({a.municipality_id for a in published}) >= 4
    assert {"en", "fr", "es"} <= {a.language for a in published}
    for action in published:
        assert action.published_at is not None and action.published_at < timezone.now()
        assert action.submitted_at is not None and action.submitted_at <= action.published_at
        assert action.contact_role and action.summary and action.commitments.exists()
        # each in a city whose pledge is public (verified) in the demo campaign
        assert Pledge.objects.filter(
            municipality=action.municipality, campaign=action.campaign, status=Pledge.Status.VERIFIED
        ).exists()
    assert sum(1 for a in published if a.budget and a.budget_currency) >= 12
    assert all(link.startswith("https://") for a in published for link in a.links)


def test_one_action_waits_for_moderation_and_one_was_returned_with_a_reason(demo):
    waiting = LocalAction.objects.filter(state=LocalAction.State.SUBMITTED)
    assert waiting.count() == 1 and waiting.get().submitted_at is not None
    returned = LocalAction.objects.get(state=LocalAction.State.RETURNED)
    assert returned.return_reason
    assert not public_actions().filter(pk__in=[waiting.get().pk, returned.pk]).exists()
    assert HistoryEntry.objects.filter(local_action=returned, verb=HistoryEntry.Verb.ACTION_RETURNED).exists()


def test_translations_files_and_indicator_results(demo):
    published = public_actions()
    arabic = published.filter(translations__language="ar").distinct()
    assert arabic.count() >= 2
    assert published.filter(language="es", translations__language="fr").exists()
    images = LocalActionFile.objects.filter(kind=LocalActionFile.Kind.IMAGE)
    assert images.count() == 2 and all(f.alt_text and f.width and f.height for f in images)
    assert LocalActionFile.objects.filter(kind=LocalActionFile.Kind.PDF).count() == 1
    with_results = published.filter(indicator_results__isnull=False).distinct()
    assert with_results.count() >= 3
    for result in LocalActionResult.objects.select_related("indicator", "action"):
        # an indicator of a commitment the action serves
        assert result.action.commitments.filter(pk=result.indicator.commitment_id).exists()


def test_a_french_search_finds_the_action_written_in_spanish(demo):
    found = list(search_actions(public_actions(), "bureau contre les discriminations"))
    assert [a.language for a in found] == ["es"]
    assert found[0].title == "Oficina por la No Discriminación"
    assert found[0].municipality.name == "Barcelona"
    # and in its own language too
    assert found[0] in search_actions(public_actions(), "oficina discriminación")


def test_an_accepted_and_a_pending_exchange(demo):
    accepted = ExchangeRequest.objects.select_related("action__municipality", "requester").get(
        status=ExchangeRequest.Status.ACCEPTED
    )
    assert accepted.action.municipality.name == "Turin" and accepted.requester.name == "Barcelona"
    assert accepted.author_contact_email and accepted.requester_contact_email and accepted.answered_at
    pending = ExchangeRequest.objects.get(status=ExchangeRequest.Status.PENDING)
    assert pending.requester != pending.action.municipality and not pending.author_contact_email
    assert HistoryEntry.objects.filter(exchange=accepted, verb=HistoryEntry.Verb.EXCHANGE_ACCEPTED).exists()


def test_a_confirmed_partnership_between_a_city_of_departure_and_a_city_of_arrival(demo):
    partnership = public_partnerships().select_related("proposer", "partner").get()
    assert partnership.kind == Partnership.Kind.DEPARTURE_ARRIVAL
    assert (partnership.proposer.name, partnership.partner.name) == ("Nador", "Madrid")
    assert partnership.answered_at is not None


def test_a_published_peer_review_on_a_submitted_report(demo):
    review = public_peer_reviews().select_related("reviewed__municipality", "reviewer").get()
    assert (review.reviewer.name, review.reviewed.municipality.name) == ("Vienna", "Lisbon")
    assert review.published_at and review.reviewer_agreed_at and review.reviewed_agreed_at
    assert ProgressReport.objects.filter(
        pledge=review.reviewed, period=review.period, status=ProgressReport.Status.SUBMITTED
    ).exists()
    feedback = list(review.feedback.all())
    assert len(feedback) == review.reviewed.chosen.count()
    assert all(item.feedback and item.answer for item in feedback)
    assert review.summary and review.answer_summary


def test_the_2018_events_in_every_language_and_actions_presented_there(demo):
    events = {e.title_en: e for e in public_events()}
    compact = next(e for e in events.values() if "Global Compact" in e.title_en)
    assert (compact.starts_on, compact.ends_on) == (date(2018, 12, 10), date(2018, 12, 11))
    assert compact.place_en == "Marrakesh, Morocco"
    gwangju = next(e for e in events.values() if e.place_en.startswith("Gwangju"))
    assert (gwangju.starts_on, gwangju.ends_on) == (date(2018, 10, 18), date(2018, 10, 21))
    mechelen = next(e for e in events.values() if e.place_en.startswith("Mechelen"))
    assert mechelen.starts_on == date(2017, 11, 16)
    assert any("Mayor" in e.title_en and e.starts_on.year == 2018 for e in events.values())
    for event in events.values():
        assert event.title_en and event.title_fr and event.title_es and event.title_ar, event
        assert event.place_fr and event.place_ar and event.description_ar, event
    assert public_actions().filter(event=mechelen).count() >= 2
    assert public_actions().filter(event=gwangju).exists()


def test_a_second_run_creates_nothing(demo):
    assert demo["first"] == demo["second"]
    assert demo["first"]["actions"] == len(read_learning_data()["actions"])


def test_the_generated_poster_and_leaflet_are_real_files():
    poster = poster_png(heading="ONE CITY", colours=["#1d4e89", "#f2c14e"])
    with Image.open(poster) as image:
        assert image.format == "PNG" and image.size == (800, 1000)
    leaflet = leaflet_pdf(heading="Permanences (gratuites)", lines=["Titre de séjour", "Logement"])
    validate_pdf(leaflet)  # what file_add checks an upload with
    leaflet.seek(0)
    assert leaflet.read().startswith(b"%PDF-1.4")
