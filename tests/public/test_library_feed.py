"""The Atom feed of the library: it parses, newest first, only published actions of public
campaigns, entries in the feed's language."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from pledges.learning.models import LocalAction
from tests.factories import CampaignFactory, MunicipalityFactory
from tests.public.library_helpers import make_action, translate

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, language="en"):
    with translation.override(language):
        address = reverse("library:feed")
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own answer, in a test


@pytest.fixture
def actions(db):
    campaign = CampaignFactory(slug="feed-campaign", status="open")
    city = MunicipalityFactory(name="Mechelen", country="BE")
    old = make_action(campaign, city, title="Older action", published_ago=timedelta(days=10))
    new = make_action(campaign, city, title="Newer action", published_ago=timedelta(days=1))
    translate(new, "fr", "Action plus récente", "En français.")
    make_action(campaign, city, title="Draft zebra", state=LocalAction.State.DRAFT)
    make_action(campaign, city, title="Returned zebra", state=LocalAction.State.RETURNED)
    make_action(CampaignFactory(slug="draft-feed", status="draft"), city, title="Zebra of a draft campaign")
    return old, new


def entry_titles(root):
    return [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


def test_feed_lists_published_actions_newest_first(client, actions):
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    assert entry_titles(root) == ["Mechelen: Newer action", "Mechelen: Older action"]
    old, new = actions
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    assert links[0].endswith(reverse("library:detail", args=[new.pk]))
    assert "zebra" not in ET.tostring(root, encoding="unicode").lower()


def test_feed_entries_are_in_the_feeds_language(client, actions):
    root = feed(client, "fr")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    # French typography: a no-break space before the colon.
    assert entry_titles(root) == ["Mechelen\u00a0: Action plus récente", "Mechelen\u00a0: Older action"]
    ids = [entry.find(f"{ATOM}id").text for entry in root.findall(f"{ATOM}entry")]
    assert ids == [entry.find(f"{ATOM}id").text for entry in feed(client, "en").findall(f"{ATOM}entry")]


def test_feed_keeps_the_fifty_newest(client, db):
    campaign = CampaignFactory(slug="many", status="open")
    city = MunicipalityFactory(name="Many", country="BE")
    for i in range(52):
        make_action(campaign, city, title=f"Action {i}", published_ago=timedelta(hours=100 - i))
    titles = entry_titles(feed(client))
    assert len(titles) == 50
    assert titles[0] == "Many: Action 51" and titles[-1] == "Many: Action 2"
