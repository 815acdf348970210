"""Following a city: its Atom feed of published reports, and email updates with double
opt-in and one-click unsubscribe (pledges/following.py, campaign/public/follow_views.py,
campaign/public/feeds.py).

Reports are published through pledges.services.report_submit (a campaign without review),
which sends pledges.signals.report_published.
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from campaign.outbox.models import EmailDelivery
from pledges import following, services
from pledges.models import Follower, ProgressUpdate, ReportVersion
from pledges.signals import report_published
from tests.factories import StaffFactory, UserFactory, approve_official, give_totp

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FOLLOWER = "reader@example.net"
NARRATIVE = "Family doctors for every newcomer: zebra-follow-4411."


# --- helpers ---------------------------------------------------------------------------------


def follow_url(city, language="en"):
    return f"/{language}/follow/{city.slug}/"


def feed_url(city, language="en"):
    return f"/{language}/cities/{city.slug}/reports.atom"


def ask_to_follow(client, city, email=FOLLOWER, language="en"):
    return client.post(follow_url(city, language), {"email": email})


def publish(official, pledge, period, narrative=NARRATIVE, status=ProgressUpdate.Status.IN_PROGRESS):
    """Open, fill in and submit the city's report for ``period``; returns its new version."""
    report = services.report_open(actor=official, pledge=pledge, period=period)
    updates = [
        services.UpdateInput(chosen_id=u.chosen_id, status=status, narrative=narrative) for u in report.updates.all()
    ]
    services.report_save(actor=official, report=report, updates=updates)
    services.report_submit(actor=official, report=report)
    return ReportVersion.objects.filter(report=report).order_by("-number").first()


def link_in(text, name):
    match = re.search(rf"https?://[^\s\"<>]+/follow/{name}/[A-Za-z0-9_-]+/", text)
    assert match, text
    return match.group(0)


def path_of(url):
    return urlsplit(url).path


def updates_to(email):
    return list(EmailDelivery.objects.filter(to_email=email, template=following.UPDATE_TEMPLATE))


@pytest.fixture
def world(verified_pledge_a, current_period, past_period, official_a, city_a):
    return {"pledge": verified_pledge_a, "period": current_period, "official": official_a, "city": city_a}


@pytest.fixture
def confirmed(world, client, mailoutbox, django_capture_on_commit_callbacks, settings):
    """FOLLOWER follows city A (in English) and has confirmed."""
    settings.SITE_URL = "https://pledge.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_follow(client, world["city"])
    confirm = link_in(mailoutbox[-1].body, "confirm")
    client.post(path_of(confirm))
    follower = Follower.objects.get(email=FOLLOWER)
    assert follower.is_active
    mailoutbox.clear()
    return follower


# --- the whole opt-in -------------------------------------------------------------------------


def test_double_opt_in_then_updates_then_one_click_unsubscribe(
    world, client, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pledge.example.org"
    city, official, pledge = world["city"], world["official"], world["pledge"]

    # Asking: a pending follower and a confirmation email, nothing else.
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_to_follow(client, city, email="  Reader@Example.NET ")
    assert response.status_code == 302
    assert response["Location"] == f"/en/follow/{city.slug}/sent/"
    page = client.get(response["Location"]).content.decode()
    assert "Check your inbox" in page
    follower = Follower.objects.get()
    assert (follower.email, follower.language, follower.is_active) == (FOLLOWER, "en", False)
    assert len(mailoutbox) == 1
    confirmation = mailoutbox[0]
    assert confirmation.to == [FOLLOWER]
    assert "Mechelen" in confirmation.subject
    confirm = link_in(confirmation.body, "confirm")
    assert follower.token in confirm and follower.token not in page

    # A report published before confirming sends nothing to the address.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(official, pledge, world["period"])
    assert [m for m in mailoutbox if FOLLOWER in m.to] == []

    # The link asks first (a mail scanner opening it confirms nothing), the button confirms.
    page = client.get(path_of(confirm))
    assert page.status_code == 200 and "Yes, send me updates" in page.content.decode()
    follower.refresh_from_db()
    assert follower.confirmed_at is None
    done = client.post(path_of(confirm))
    assert done.status_code == 200 and "Email updates confirmed" in done.content.decode()
    follower.refresh_from_db()
    assert follower.is_active

    # A correction of the report, published: the follower hears of it.
    with django_capture_on_commit_callbacks(execute=True):
        version = publish(official, pledge, world["period"], narrative="Corrected: zebra-follow-5522.")
    update = next(m for m in mailoutbox if FOLLOWER in m.to)
    assert "This year" in update.subject and "Mechelen" in update.subject
    assert "This year" in update.body
    assert "Health care for everyone: In progress" in update.body
    unsubscribe = link_in(update.body, "unsubscribe")
    assert unsubscribe == f"https://pledge.example.org/en/follow/unsubscribe/{follower.token}/"
    headers = update.message()
    assert headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = update.alternatives[0][0]
    assert f'href="{unsubscribe}"' in html
    assert f"/en/cities/{city.slug}/#pledge-{pledge.pk}-report-{world['period'].pk}" in update.body
    assert "have an account" not in update.body  # a follower has none
    row = EmailDelivery.objects.get(to_email=FOLLOWER, template=following.UPDATE_TEMPLATE)
    assert row.idempotency_key == f"follow:{follower.pk}:version:{version.pk}"
    assert row.status == EmailDelivery.Status.SENT

    # One click from the mail program: a POST without a CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(path_of(unsubscribe), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    follower.refresh_from_db()
    assert follower.unsubscribed_at is not None and not follower.is_active

    # Nothing after.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(official, pledge, world["period"], narrative="Again: zebra-follow-6633.")
    assert [m for m in mailoutbox if FOLLOWER in m.to] == []
    # And the old confirmation link does not bring the updates back.
    assert client.post(path_of(confirm)).status_code == 404
    follower.refresh_from_db()
    assert not follower.is_active


def test_unsubscribe_link_asks_then_the_button_unsubscribes(confirmed, client):
    url = f"/en/follow/unsubscribe/{confirmed.token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Stop the emails" in page.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.is_active  # opening the link changes nothing
    response = client.post(url)
    assert response.status_code == 200 and "Unsubscribed" in response.content.decode()
    confirmed.refresh_from_db()
    assert not confirmed.is_active
    # Twice is harmless.
    assert client.post(url).status_code == 200
    assert "no longer receives" in client.get(url).content.decode()


def test_one_update_per_follower_and_version_however_often_the_signal_comes(
    world, confirmed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = publish(world["official"], world["pledge"], world["period"])
        report_published.send(sender=ReportVersion, version=version)
        following.notify_followers(version)
    assert len(updates_to(FOLLOWER)) == 1
    assert len([m for m in mailoutbox if FOLLOWER in m.to]) == 1


def test_only_the_citys_followers_hear_of_its_reports(
    world, confirmed, city_b, mailoutbox, django_capture_on_commit_callbacks
):
    Follower.objects.create(
        municipality=city_b,
        email="lyon-fan@example.net",
        language="en",
        token="t" * 43,
        confirmed_at=confirmed.confirmed_at,
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(world["official"], world["pledge"], world["period"])
    assert updates_to("lyon-fan@example.net") == []
    assert len(updates_to(FOLLOWER)) == 1


def test_a_version_waiting_for_review_sends_nothing_until_published(
    world, confirmed, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = world["pledge"].campaign
    campaign.reports_need_review = True
    campaign.save()
    with django_capture_on_commit_callbacks(execute=True):
        version = publish(world["official"], world["pledge"], world["period"])
    assert version.published_at is None
    assert following.notify_followers(version) == 0
    assert updates_to(FOLLOWER) == []


# --- the same answer, whoever asks -------------------------------------------------------------


def test_asking_again_does_not_reveal_that_the_address_follows(
    world, confirmed, client, mailoutbox, django_capture_on_commit_callbacks
):
    city = world["city"]
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_to_follow(client, city, email=FOLLOWER)
        unknown = ask_to_follow(client, city, email="newcomer@example.net")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    # The follower is still active, with the same token; nothing new was sent to them.
    confirmed.refresh_from_db()
    assert confirmed.is_active
    assert Follower.objects.get(email=FOLLOWER).token == confirmed.token
    assert [m.to for m in mailoutbox] == [["newcomer@example.net"]]


def test_a_pending_address_gets_the_confirmation_again_and_a_left_one_a_new_token(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    city = world["city"]
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_follow(client, city)
        ask_to_follow(client, city)
    assert len(mailoutbox) == 2
    follower = Follower.objects.get()
    assert link_in(mailoutbox[0].body, "confirm") == link_in(mailoutbox[1].body, "confirm")
    following.follower_unsubscribe(token=follower.token)
    old_token = follower.token
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_follow(client, city)
    follower.refresh_from_db()
    assert follower.token != old_token and follower.unsubscribed_at is None and follower.confirmed_at is None
    assert follower.token in mailoutbox[-1].body
    assert client.get(f"/en/follow/unsubscribe/{old_token}/").status_code == 404


def test_a_wrong_address_is_refused_with_the_text_kept(world, client):
    response = ask_to_follow(client, world["city"], email="not an address")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'value="not an address"' in html
    assert not Follower.objects.exists()


# --- languages ------------------------------------------------------------------------------


def test_emails_in_the_followers_language(world, client, mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://pledge.example.org"
    period = world["period"]
    period.label_fr = "Cette année"
    period.save()
    with django_capture_on_commit_callbacks(execute=True):
        ask_to_follow(client, world["city"], email="lectrice@example.fr", language="fr")
        ask_to_follow(client, world["city"], email=FOLLOWER, language="en")
    follower_fr = Follower.objects.get(email="lectrice@example.fr")
    assert follower_fr.language == "fr"
    confirmation_fr = next(m for m in mailoutbox if m.to == ["lectrice@example.fr"])
    assert '<html lang="fr"' in confirmation_fr.alternatives[0][0]
    assert f"https://pledge.example.org/fr/follow/confirm/{follower_fr.token}/" in confirmation_fr.body
    for follower in Follower.objects.all():
        following.confirm(token=follower.token)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        publish(world["official"], world["pledge"], period)
    french = next(m for m in mailoutbox if m.to == ["lectrice@example.fr"])
    english = next(m for m in mailoutbox if m.to == [FOLLOWER])
    assert "Cette année" in french.subject and "Cette année" in french.body
    assert "En cours" in french.body  # the status, in French
    assert f"/fr/follow/unsubscribe/{follower_fr.token}/" in french.message()["List-Unsubscribe"]
    assert '<html lang="fr"' in french.alternatives[0][0]
    assert "This year" in english.subject and "In progress" in english.body
    assert (
        EmailDelivery.objects.get(to_email="lectrice@example.fr", template=following.UPDATE_TEMPLATE).language == "fr"
    )


# --- rate limit -------------------------------------------------------------------------------


def test_the_follow_form_is_rate_limited_per_visitor(world, client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "follow_city": "3/m/ip,10/h/key"}
    for n in range(3):
        assert ask_to_follow(client, world["city"], email=f"reader{n}@example.net").status_code == 302
    refused = ask_to_follow(client, world["city"], email="reader9@example.net")
    assert refused.status_code == 429
    assert Follower.objects.count() == 3


def test_the_follow_form_is_rate_limited_per_address(world, client, settings, mailoutbox):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "follow_city": "100/m/ip,2/h/key"}
    for _ in range(2):
        assert ask_to_follow(client, world["city"]).status_code == 302
    # Another spelling of the same address counts for it too.
    assert ask_to_follow(client, world["city"], email="READER@example.net").status_code == 429
    assert ask_to_follow(client, world["city"], email="other@example.net").status_code == 302


# --- who may do what --------------------------------------------------------------------------

ACTORS = ("anonymous", "unverified", "official_a", "official_b", "admin", "superuser", "staff_no_mfa")


@pytest.fixture
def actor_user(request, world, official_a, official_b, settings):
    settings.STAFF_REQUIRE_MFA = True
    name = request.param
    if name == "anonymous":
        return None
    if name == "unverified":
        user = UserFactory(email="unverified@mechelen.be", verified=False)
        approve_official(user, world["city"])
        return user
    if name == "official_a":
        return official_a
    if name == "official_b":
        return official_b
    if name == "admin":
        return StaffFactory(totp=True)
    if name == "superuser":
        user = StaffFactory(is_superuser=True)
        give_totp(user)
        return user
    return StaffFactory()  # staff_no_mfa


@pytest.mark.parametrize("actor_user", ACTORS, indirect=True)
def test_anyone_may_follow_read_the_feed_and_use_their_links(
    actor_user, world, client, mailoutbox, django_capture_on_commit_callbacks
):
    if actor_user is not None:
        client.force_login(actor_user)
    city = world["city"]
    assert client.get(follow_url(city)).status_code == 200
    assert client.get(feed_url(city)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert ask_to_follow(client, city, email="someone@example.net").status_code == 302
    follower = Follower.objects.get(email="someone@example.net")
    # The token is the permission: whoever holds the link may confirm and unsubscribe.
    assert client.post(f"/en/follow/confirm/{follower.token}/").status_code == 200
    assert client.post(f"/en/follow/unsubscribe/{follower.token}/").status_code == 200
    follower.refresh_from_db()
    assert follower.confirmed_at is not None and follower.unsubscribed_at is not None
    # A token nobody was given opens nothing, whoever asks.
    for guess in ("x" * 43, follower.token[:-1] + ("A" if follower.token[-1] != "A" else "B"), "", "a" * 65):
        for name in ("confirm", "unsubscribe"):
            assert client.get(f"/en/follow/{name}/{guess}/").status_code == 404
            assert client.post(f"/en/follow/{name}/{guess}/").status_code == 404


def test_tokens_are_long_random_and_never_shown_on_a_page(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            ask_to_follow(client, world["city"], email=f"reader{n}@example.net")
    tokens = list(Follower.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 5
    assert all(len(token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in tokens)
    pages = (
        client.get(f"/en/follow/{world['city'].slug}/sent/").content.decode()
        + client.get(f"/en/cities/{world['city'].slug}/").content.decode()
        + client.get(feed_url(world["city"])).content.decode()
    )
    assert not any(token in pages for token in tokens)
    assert "reader0@example.net" not in pages


@pytest.mark.parametrize("fixture", ["draft_pledge_a", "submitted_pledge_a"])
def test_a_city_without_a_public_pledge_cannot_be_followed(request, fixture, client, city_a, current_period):
    request.getfixturevalue(fixture)
    assert client.get(follow_url(city_a)).status_code == 404
    assert ask_to_follow(client, city_a).status_code == 404
    assert client.get(feed_url(city_a)).status_code == 404
    assert not Follower.objects.exists()


def test_a_post_from_another_site_is_refused(world, client):
    response = client.post(follow_url(world["city"]), {"email": FOLLOWER}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    response = client.post(follow_url(world["city"]), {"email": FOLLOWER}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert not Follower.objects.exists()


def test_the_form_on_the_profile_posts_without_a_csrf_token(world, mailoutbox):
    """The profile is a finished page kept for everyone: it has no token to give."""
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(f"/en/cities/{world['city'].slug}/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert f'action="/en/follow/{world["city"].slug}/"' in html
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Mechelen: progress reports" '
        f'href="/en/cities/{world["city"].slug}/reports.atom">' in html
    )
    response = browser.post(
        f"/en/follow/{world['city'].slug}/", {"email": FOLLOWER}, headers={"Origin": "http://testserver"}
    )
    assert response.status_code == 302
    assert Follower.objects.filter(email=FOLLOWER).exists()


# --- the feed ---------------------------------------------------------------------------------


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer, in a test
    assert root.tag == f"{ATOM}feed"
    return root


def test_feed_lists_published_versions_in_the_feeds_language(world, client, past_period):
    city, pledge, official = world["city"], world["pledge"], world["official"]
    first = publish(official, pledge, world["period"])
    second = publish(official, pledge, world["period"], narrative="Corrected: zebra-follow-7744.")
    period = world["period"]
    period.label_fr = "Cette année"
    period.save()

    root = parse_feed(client.get(feed_url(city)))
    assert root.findtext(f"{ATOM}title") == "Mechelen: progress reports"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Mechelen — corrected report for This year",
        "Mechelen — report for This year",
    ]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert ids == [f"tag:testserver,2017:report-version-{v.pk}" for v in (second, first)]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/en/cities/{city.slug}/#pledge-{pledge.pk}-report-{period.pk}"
    summary = entries[0].findtext(f"{ATOM}summary")
    assert "Health care for everyone" in summary and "In progress" in summary
    assert "zebra" not in summary  # a summary: commitments and statuses, not the narratives
    # The anchor exists on the profile.
    assert f'id="pledge-{pledge.pk}-report-{period.pk}"' in client.get(f"/en/cities/{city.slug}/").content.decode()

    french = parse_feed(client.get(feed_url(city, "fr")))
    assert french.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    titles = [e.findtext(f"{ATOM}title") for e in french.findall(f"{ATOM}entry")]
    assert all("Cette année" in title for title in titles)
    assert "En cours" in french.findall(f"{ATOM}entry")[0].findtext(f"{ATOM}summary")


def test_feed_has_no_draft_nor_version_waiting_for_review(world, client):
    city, pledge, official = world["city"], world["pledge"], world["official"]
    # A draft: opened and saved, never submitted.
    report = services.report_open(actor=official, pledge=pledge, period=world["period"])
    services.report_save(
        actor=official,
        report=report,
        updates=[
            services.UpdateInput(chosen_id=u.chosen_id, status="in_progress", narrative="Draft")
            for u in report.updates.all()
        ],
    )
    assert parse_feed(client.get(feed_url(city))).findall(f"{ATOM}entry") == []
    # Submitted to a campaign that reviews reports: waiting, not public.
    campaign = pledge.campaign
    campaign.reports_need_review = True
    campaign.save()
    services.report_submit(actor=official, report=report)
    assert ReportVersion.objects.filter(report=report, published_at__isnull=True).exists()
    assert parse_feed(client.get(feed_url(city))).findall(f"{ATOM}entry") == []


def test_feed_of_a_pledge_made_private_again_is_gone(world, client, staff_admin):
    publish(world["official"], world["pledge"], world["period"])
    assert len(parse_feed(client.get(feed_url(world["city"]))).findall(f"{ATOM}entry")) == 1
    campaign = world["pledge"].campaign
    campaign.status = "draft"
    campaign.save()
    assert client.get(feed_url(world["city"])).status_code == 404


def test_the_service_checks_the_address_and_the_city(world, city_b):
    with pytest.raises(ValidationError):
        following.follow(email="nobody", municipality=world["city"], language="en")
    with pytest.raises(ValidationError):
        following.follow(email=FOLLOWER, municipality=city_b, language="en")  # no public pledge
    follower = following.follow(email=FOLLOWER, municipality=world["city"], language="pt-br")
    assert follower.language == "en"  # not a site language: the site's default
    assert not Follower.objects.filter(municipality=city_b).exists()


def test_the_follow_pages_in_arabic_read_right_to_left(world, client):
    html = client.get(f"/ar/cities/{world['city'].slug}/").content.decode()
    assert f'action="/ar/follow/{world["city"].slug}/"' in html
    assert f'href="/ar/cities/{world["city"].slug}/reports.atom"' in html
    page = client.get(follow_url(world["city"], "ar")).content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page
