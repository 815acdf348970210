"""The Django admin of local actions and peer learning: campaign events edited in every
language; local actions read-only but for the event they were presented at; exchanges,
partnerships, peer reviews and history read-only."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from pledges.learning.models import CampaignEvent, ExchangeRequest, HistoryEntry, LocalAction
from tests.factories import StaffFactory, UserFactory
from tests.learning.moderation_world import ask_exchange, make_action, make_event


def _day(days_from_today):
    return (date.today() + timedelta(days=days_from_today)).isoformat()


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture
def admin_user(db):
    return StaffFactory(email="events@campaign.org")


def test_an_admin_adds_an_event_in_several_languages(client, admin_user, campaign):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:learning_campaignevent_add"),
        {
            "campaign": campaign.pk,
            "kind": "forum",
            "title_en": "Mayors' forum",
            "title_fr": "Forum des maires",
            "starts_on": _day(100),
            "ends_on": _day(101),
            "place_en": "Marrakesh, Morocco",
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = CampaignEvent.objects.get()
    assert event.title_fr == "Forum des maires" and event.place_en == "Marrakesh, Morocco"


def test_an_event_cannot_end_before_it_starts(client, admin_user, campaign):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:learning_campaignevent_add"),
        {
            "campaign": campaign.pk,
            "kind": "forum",
            "title_en": "Backwards",
            "starts_on": _day(100),
            "ends_on": _day(97),
        },
    )
    assert response.status_code == 200
    assert "An event cannot end before it starts." in response.content.decode()
    assert not CampaignEvent.objects.exists()


def test_the_action_list_shows_state_and_exchange_counts(client, admin_user, campaign, city_a, city_b):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Housing first")
    ask_exchange(action, city_b, status=ExchangeRequest.Status.ACCEPTED)
    ask_exchange(action, city_b)
    make_action(campaign, city_b, state=LocalAction.State.DRAFT, title="Lyon's draft")
    client.force_login(admin_user)
    url = reverse("admin:learning_localaction_changelist")
    response = client.get(url)
    assert response.status_code == 200
    row = next(r for r in response.context["cl"].result_list if r.pk == action.pk)
    assert (row.n_exchanges, row.n_accepted) == (2, 1)
    assert client.get(url, {"q": "Housing"}).context["cl"].result_count == 1
    assert client.get(url, {"state__exact": "draft"}).context["cl"].result_count == 1


def test_only_the_event_of_an_action_changes_in_the_admin(client, admin_user, campaign, city_a):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Housing first")
    event = make_event(campaign, days_from_today=10)
    client.force_login(admin_user)
    url = reverse("admin:learning_localaction_change", args=[action.pk])
    html = client.get(url).content.decode()
    assert 'name="event"' in html and 'name="title"' not in html
    assert reverse("learning_staff:action", args=[action.pk]) in html
    response = client.post(url, {"event": event.pk, "title": "Renamed", "state": "draft"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.event == event and action.title == "Housing first" and action.state == LocalAction.State.PUBLISHED
    assert client.get(reverse("admin:learning_localaction_add")).status_code == 403
    assert (
        client.post(reverse("admin:learning_localaction_delete", args=[action.pk]), {"post": "yes"}).status_code == 403
    )


@pytest.mark.parametrize("model", ["exchangerequest", "partnership", "peerreview", "historyentry"])
def test_the_records_of_the_services_are_read_only(client, admin_user, model, campaign, city_a, city_b):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED)
    exchange = ask_exchange(action, city_b)
    HistoryEntry.objects.create(verb=HistoryEntry.Verb.EXCHANGE_ASKED, municipality=city_b, exchange=exchange)
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:learning_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:learning_{model}_add")).status_code == 403


def test_the_admin_needs_staff(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:learning_localaction_changelist"))
    assert response.status_code == 302
