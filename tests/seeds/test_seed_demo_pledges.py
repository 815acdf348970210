"""seed_demo brings the campaign to life: officials, pledges in every state, reports."""

from collections import Counter
from contextlib import nullcontext
from datetime import UTC, date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings as site_settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, MembershipEvent, User
from accounts.place_names import is_known_language
from campaign.models import Campaign
from pledges.models import Pledge, PledgeCommitment, PledgeEvent, ProgressReport, ProgressUpdate, ReportVersion
from pledges.queries import overdue_reports
from seeds.demo import DEMO_PASSWORD, read_demo_data
from seeds.management.commands.seed_commitments import read_catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """The demo uploads council resolutions: keep them out of the project's media folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def counts():
    return {
        "users": User.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "memberships": Membership.objects.count(),
        "membership_events": MembershipEvent.objects.count(),
        "pledges": Pledge.objects.count(),
        "chosen": PledgeCommitment.objects.count(),
        "pledge_events": PledgeEvent.objects.count(),
        "reports": ProgressReport.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "versions": ReportVersion.objects.count(),
    }


def seed(*options):
    out = StringIO()
    # A high threshold keeps the test quick; the named cities come in whatever their size.
    call_command("seed_demo", "--min-population", "5000000", *options, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "moment",
    [
        None,  # today, whatever day the suite runs
        datetime(2026, 12, 20, 12, tzinfo=UTC),  # between two periods: the next one opens today
        datetime(2027, 1, 10, 12, tzinfo=UTC),  # still between them, in the new year
        datetime(2027, 3, 1, 12, tzinfo=UTC),  # in the catalogue's last period
        datetime(2028, 6, 1, 12, tzinfo=UTC),  # every period past and signing closed
    ],
)
def test_seed_demo_signs_pledges_files_reports_and_changes_nothing_the_second_time(moment, mailoutbox):
    # The travelled days skip the directory slice: the named cities are all the demo needs.
    options = () if moment is None else ("--no-directory",)
    with nullcontext() if moment is None else time_machine.travel(moment, tick=False):
        check_demo_pledges(mailoutbox, options)


def check_demo_pledges(mailoutbox, options):
    text = seed(*options)
    campaign = Campaign.objects.get(slug=read_catalogue()["campaign"]["slug"])
    today = timezone.now().date()
    if not campaign.is_signing_open(today):
        # The services refuse new pledges once the signing window has closed: the demo signs
        # none, files nothing, and still succeeds (and again the second time).
        assert not Pledge.objects.exists() and not ProgressReport.objects.exists()
        assert "demo-pledge-2026" in text and "nothing new" in text
        first = counts()
        seed(*options)
        assert counts() == first and mailoutbox == []
        return
    # The current period (open today, or the next one) has the drafts; there is one as long
    # as the catalogue has a period not yet due.
    has_current = campaign.periods.filter(due__gte=today).exists()

    # Pledges in each of the five states, most of them verified: each demo city in the state
    # the demo data gives it.
    cities = read_demo_data()["cities"]
    statement_languages = {city["statement"]: city["statement_language"] for city in cities}
    pledges = Pledge.objects.filter(campaign=campaign).select_related("municipality")
    states = Counter(p.status for p in pledges)
    assert set(states) == set(Pledge.Status.values), states
    assert states == Counter(city["state"] for city in cities)
    assert Pledge.objects.get(status=Pledge.Status.REJECTED).rejection_reason
    withdrawn = Pledge.objects.get(status=Pledge.Status.WITHDRAWN)
    assert withdrawn.withdrawn_at and withdrawn.verified_at and withdrawn.withdrawn_at > withdrawn.verified_at
    assert not Pledge.objects.get(status=Pledge.Status.DRAFT).submitted_at

    # Verified pledges: required commitments and more, a real resolution, past dates.
    required = set(campaign.commitments.filter(is_required=True).values_list("pk", flat=True))
    verified = [p for p in pledges if p.status == Pledge.Status.VERIFIED]
    for pledge in verified:
        chosen = set(pledge.chosen.values_list("commitment_id", flat=True))
        assert required <= chosen and len(chosen) > len(required), pledge
        assert pledge.chosen.exclude(target="").exists() and pledge.chosen.filter(target_date__isnull=False).exists()
        assert pledge.signatory_name and pledge.signatory_title and pledge.statement
        # Each statement is marked with the language it is written in, not the seed's.
        assert pledge.statement_language == statement_languages[pledge.statement]
        assert pledge.signed_on == pledge.council_decision_date
        assert pledge.submitted_at < pledge.verified_at < timezone.now()
        assert pledge.submitted_at.date() >= pledge.signed_on
        with pledge.resolution.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert {p.signed_on.year for p in verified} == {
        date.fromisoformat(city["decided"]).year for city in cities if city["state"] == "verified"
    }, "signatures spread over the years of the demo data"
    assert not any(p.signed_on > today for p in pledges if p.signed_on)

    # Reports: on time and late, back-dated consistently, every status, a draft for the open period.
    submitted = ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED).select_related(
        "period", "pledge__municipality"
    )
    assert submitted.filter(is_late=True).exists() and submitted.filter(is_late=False).exists()
    for report in submitted:
        zone = ZoneInfo(report.pledge.municipality.time_zone)
        assert report.is_late == (report.first_submitted_at.astimezone(zone).date() > report.period.due), report
        assert report.first_submitted_at < timezone.now()
        version = report.versions.get()
        assert version.number == report.version == 1 and version.submitted_at == report.submitted_at
        assert version.content["updates"], "the frozen version holds the updates"
    drafts = ProgressReport.objects.filter(status=ProgressReport.Status.DRAFT).select_related("period")
    assert drafts.exists() == has_current
    assert all(r.period.status_on(today) == "open" for r in drafts)
    # No report for a period that has not opened yet.
    assert not ProgressReport.objects.filter(period__opens__gt=today).exists()
    statuses = set(ProgressUpdate.objects.values_list("status", flat=True))
    assert statuses >= {"planned", "in_progress", "achieved"}
    assert not ProgressUpdate.objects.filter(report__status="submitted", narrative="").exclude(status="not_started")

    # Some verified city skipped a past report it owed (due after it was verified): overdue.
    def verified_on(pledge):
        return pledge.verified_at.astimezone(ZoneInfo(pledge.municipality.time_zone)).date()

    owed_but_missing = [
        (pledge, period)
        for pledge in verified
        for period in campaign.periods.filter(due__gte=verified_on(pledge), due__lt=today)
        if not pledge.reports.filter(period=period, status=ProgressReport.Status.SUBMITTED).exists()
    ]
    assert owed_but_missing
    overdue = {(row.pledge.pk, row.period.pk) for row in overdue_reports(campaign=campaign)}
    assert {(p.pk, period.pk) for p, period in owed_but_missing} <= overdue

    # Officials: every demo official is verified and approved, in a fitting language.
    officials = User.objects.filter(email__endswith="@demo.example", is_staff=False)
    assert officials.count() == len(cities) + 1
    for official in officials:
        assert EmailAddress.objects.filter(user=official, verified=True, primary=True).exists()
        assert official.memberships.filter(status=Membership.Status.APPROVED).exists(), official
        assert official.check_password(DEMO_PASSWORD)
        assert official.email in text
    languages = dict(officials.values_list("email", "preferred_language"))
    assert languages["focal.lyon@demo.example"] == "fr" and languages["focal.pikine@demo.example"] == "fr"
    assert languages["focal.madrid@demo.example"] == "es" and languages["focal.pichincha@demo.example"] == "es"
    assert languages["focal.amman@demo.example"] == "ar" and languages["focal.beirut@demo.example"] == "ar"
    assert languages["focal.saopaulo@demo.example"] == "en"
    approved_by_admin = Membership.objects.filter(decided_by__email="admin@demo.example", status="approved")
    assert approved_by_admin.count() == Membership.objects.count()
    # The evidence is the official's own confirmed address at the city's domain (a second
    # address: the primary one stays the demo address they sign in with).
    domains = {city["domain"] for city in cities}
    for membership in Membership.objects.select_related("user"):
        assert membership.evidence_email.rsplit("@", 1)[1] in domains, membership
        assert EmailAddress.objects.filter(
            user=membership.user, email=membership.evidence_email, verified=True, primary=False
        ).exists(), membership
    # Nobody decided on their own request, and whoever verified or rejected a pledge acts
    # for none of the cities.
    assert not Membership.objects.filter(decided_by=F("user")).exists()
    assert not Membership.objects.filter(user__email="admin@demo.example").exists()
    judgements = PledgeEvent.objects.filter(
        action__in=[PledgeEvent.Action.VERIFIED, PledgeEvent.Action.REJECTED]
    ).select_related("pledge", "actor")
    # One verdict per pledge that was judged: the verified ones, the withdrawn one (verified
    # before it left) and the rejected one.
    judged = states[Pledge.Status.VERIFIED] + states[Pledge.Status.WITHDRAWN] + states[Pledge.Status.REJECTED]
    assert judgements.count() == judged
    for event in judgements:
        assert event.actor.email == "admin@demo.example", event
        assert not event.actor.memberships.filter(municipality=event.pledge.municipality_id).exists(), event

    # The shared demo official acts for Mechelen, whose pledge has reports to look at.
    demo = User.objects.get(email="official@demo.example")
    mechelen = demo.memberships.get(status=Membership.Status.APPROVED).municipality
    assert mechelen.name == "Mechelen"
    mechelen_pledge = mechelen.pledges.get(campaign=campaign)
    assert mechelen_pledge.status == Pledge.Status.VERIFIED
    mechelen_plan = next(city for city in cities if city["key"] == "mechelen")["reports"]
    filed = [plan for plan in mechelen_plan["past"] if plan != "missing"]
    assert mechelen_pledge.reports.filter(status=ProgressReport.Status.SUBMITTED).count() == len(filed)

    # Nobody was emailed while seeding.
    assert mailoutbox == []
    assert "demo-pledge-2026" in text and "verified" in text

    # A second run changes nothing and says so.
    first = counts()
    again = seed(*options)
    assert counts() == first
    assert "nothing new" in again
    assert mailoutbox == []


def test_demo_data_is_consistent():
    """Every city has what its state needs; dates are in order."""
    data = read_demo_data()
    codes = {item["code"] for item in read_catalogue()["commitments"]}
    keys = [city["key"] for city in data["cities"]]
    assert len(keys) == len(set(keys))
    for city in data["cities"]:
        assert city["state"] in Pledge.Status.values
        assert city["language"] in dict(site_settings.LANGUAGES), city["key"]
        assert is_known_language(city["statement_language"]), city["key"]
        assert set(city.get("optional", [])) <= codes, city["key"]
        assert city["statement"] and len(city["signatory"]) == 2
        assert date.fromisoformat(city["decided"]) >= date(2023, 1, 15)
        if city["state"] == "rejected":
            assert city["rejection_reason"]
        if city["state"] == "withdrawn":
            assert date.fromisoformat(city["withdrawn_on"]) > date.fromisoformat(city["decided"])
        reports = city.get("reports", {})
        assert set(reports) <= {"current", "past"}, city["key"]
        assert reports.get("current", "draft") in {"draft", "submitted"}, city["key"]
        assert set(reports.get("past", [])) <= {"on_time", "late", "missing"}, city["key"]
        if reports:
            assert city["state"] in {"verified", "withdrawn"}, city["key"]
    assert set(data["commitments"]) <= codes
    # A demo official may work in any site language: the texts their reports are made of
    # (targets, actions, narratives) exist in each of them, with the same placeholders.
    languages = {code for code, _name in site_settings.LANGUAGES}
    assert set(data["narratives"]) == languages
    for language in languages:
        words = data["narratives"][language]
        assert set(words) == set(data["narratives"]["en"]), language
        assert "{action}" in words["planned"] and "{year}" in words["planned"], language
        assert "{note}" in words["in_progress"] and "{n}" in words["figures"], language
    for code, texts in data["commitments"].items():
        assert set(texts) == languages, code
        assert all(len(pair) == 2 and all(part.strip() for part in pair) for pair in texts.values()), code
