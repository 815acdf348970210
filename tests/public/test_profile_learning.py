"""The city profile shows the city's published local actions, its confirmed partnerships
and the peer reviews both sides agreed to publish, and nothing else of peer learning."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pledges.learning.models import LocalAction, Partnership, PeerReview
from tests.public.learning_world import action, assert_no_secret, build_learning_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_learning_world()


def profile(client, city, language="en"):
    response = client.get(f"/{language}/cities/{city.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_published_action_shows_with_link_status_and_themes(client, world):
    html = profile(client, world["cities"]["verified"])
    welcome = world["actions"]["welcome"]
    assert 'id="local-actions-heading"' in html
    assert "Welcome desk for newcomers" in html
    assert "One desk answers every newcomer" in html
    assert f'href="/en/actions/{welcome.pk}/"' in html
    assert "Ongoing" in html
    assert "Rights and non-discrimination" in html and "Local data" in html  # themes of its commitments


def test_action_in_the_readers_language_when_translated(client, world):
    html = profile(client, world["cities"]["verified"], "fr")
    assert "Guichet d&#x27;accueil des nouveaux arrivants" in html
    assert "Welcome desk for newcomers" not in html
    assert 'lang="fr"' in html


def test_nothing_unpublished_shows(client, world):
    html = profile(client, world["cities"]["verified"])
    assert_no_secret(html)
    # another city's action is on its own profile only
    assert "Language cafés" not in html
    assert "Language cafés" in profile(client, world["cities"]["withdrawn"])


def test_confirmed_partnership_links_the_other_city(client, world):
    html = profile(client, world["cities"]["verified"])
    lyon = world["cities"]["withdrawn"]
    assert "Partnerships" in html
    assert "Twinning" in html
    assert f'href="/en/cities/{lyon.slug}/"' in html
    assert "Since " in html
    # and from the other side
    other = profile(client, lyon)
    assert "Twinning" in other and f'href="/en/cities/{world["cities"]["verified"].slug}/"' in other


def test_partnership_with_a_city_without_profile_is_not_a_link(client, world):
    gent = world["cities"]["unsigned"]
    Partnership.objects.filter(partner=gent).update(status=Partnership.Status.CONFIRMED)
    html = profile(client, world["cities"]["verified"])
    assert "Gent" in html
    assert f'href="/en/cities/{gent.slug}/"' not in html


def test_published_peer_review_shows_feedback_and_answers(client, world):
    html = profile(client, world["cities"]["verified"])
    assert "Peer reviews" in html
    assert "Review of the report for Last year" in html
    assert "Public overall feedback from Lyon" in html
    assert "Public overall answer of Mechelen" in html
    assert "Feedback on equal rights" in html and "Answer on equal rights" in html
    assert "RIGHTS-1" in html
    assert "SECRET ONE-SIDED REVIEW" not in html


def test_reviewer_profile_lists_the_review_it_gave(client, world):
    html = profile(client, world["cities"]["withdrawn"])
    review = world["reviews"]["published"]
    assert "Reviews this city gave" in html
    assert f"/en/cities/{world['cities']['verified'].slug}/#review-{review.pk}" in html
    assert "Public overall feedback from Lyon" not in html  # the text is on the reviewed city's page


def test_a_review_agreed_by_one_side_only_is_not_shown(client, world):
    PeerReview.objects.filter(pk=world["reviews"]["published"].pk).update(
        status=PeerReview.Status.ANSWERED, reviewed_agreed_at=None, published_at=None
    )
    html = profile(client, world["cities"]["verified"])
    assert "Public overall feedback from Lyon" not in html
    assert "Reviews this city gave" not in profile(client, world["cities"]["withdrawn"])


def test_no_sections_without_learning_data(client, verified_pledge_a, city_a):
    html = profile(client, city_a)
    for heading in ("local-actions-heading", "partnerships-heading", "peer-reviews-heading"):
        assert f'id="{heading}"' not in html


def test_the_sections_in_arabic(client, world):
    html = profile(client, world["cities"]["verified"], "ar")
    assert 'dir="rtl"' in html
    assert "Welcome desk for newcomers" in html  # no Arabic translation: the original


def _queries(client, city):
    with CaptureQueriesContext(connection) as captured:
        html = profile(client, city)
    return len(captured), html


def test_a_fixed_number_of_queries(client, world):
    mechelen, lyon = world["cities"]["verified"], world["cities"]["withdrawn"]
    one, _html = _queries(client, mechelen)
    for i in range(4):
        made = action(world, mechelen, f"More action {i}", days_ago=10 + i)
        made.commitments.set([world["commitments"]["rights"]])
    for key in ("submitted", "draft", "rejected"):
        Partnership.objects.create(
            campaign=world["campaign"],
            proposer=world["cities"][key],
            partner=mechelen,
            kind=Partnership.Kind.MUTUAL_AID,
            status=Partnership.Status.CONFIRMED,
            answered_at=timezone.now(),
        )
    PeerReview.objects.create(
        period=world["periods"]["current"],
        reviewed=world["pledges"]["verified"],
        reviewer=lyon,
        status=PeerReview.Status.PUBLISHED,
        due_on=timezone.localdate() - timedelta(days=1),
        summary="A second review",
        published_at=timezone.now(),
    )
    assert LocalAction.objects.filter(municipality=mechelen, state="published").count() == 5
    several, html = _queries(client, mechelen)
    assert "More action 3" in html and "A second review" in html and html.count('city-partnership"') == 4
    assert several == one
