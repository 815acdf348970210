"""A batch of pledges whose due reminders are known in advance, against the real clock.

One open campaign (offsets -30, -7, -1, 7, 30 days) and one reporting period due on day X + 7,
where X is chosen from the real UTC clock so that 09:00 on day X has already come in some
of the time zones below and not yet in the others (no zone closer than `MARGIN` to its
09:00, so the answer cannot change while the test runs). In the first kind of city
"before_7" is due now; in the second nothing is (the "before_30" of day X - 23 is past the
seven-day catch-up window).

Expected to get exactly one "before_7" reminder: the approved official of each VERIFIED
pledge in a zone where it is due, unless the pledge's report is SUBMITTED (a DRAFT report
does not stop it). Expected to get nothing: officials of submitted reports, of cities in the
zones where 09:00 has not come, of pledges verified after the reminder's moment, and of
pledges that are not verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from accounts.models import Membership, Municipality, User
from campaign.models import Campaign, ReportingPeriod
from pledges.models import Pledge, ProgressReport

ZONES = [
    "Pacific/Kiritimati",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/Moscow",
    "Europe/Brussels",
    "UTC",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    # Kiritimati and Honolulu are 24 hours apart: without a zone after them, no day splits
    # the zones for half an hour every evening (UTC) around their 09:00.
    "Pacific/Pago_Pago",
]
LANGUAGES = ["en", "fr", "es"]
MARGIN = timedelta(minutes=15)
LOCAL_HOUR = 9


def nine_local(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(LOCAL_HOUR), tzinfo=ZoneInfo(zone))


def choose_day(now: datetime) -> tuple[date, list[str], list[str]]:
    """(X, zones where 09:00 on X has come, zones where it has not), the most due zones first."""
    today = now.astimezone(ZoneInfo("UTC")).date()
    best = None
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        usable = [z for z in ZONES if abs(nine_local(day, z) - now) > MARGIN]
        due = [z for z in usable if nine_local(day, z) <= now]
        later = [z for z in usable if nine_local(day, z) > now]
        if due and later and (best is None or len(due) > len(best[1])):
            best = (day, due, later)
    assert best, f"no day splits the zones at {now}"
    return best


@dataclass
class Expected:
    email: str
    user_id: int
    language: str
    zone: str
    pledge_id: int
    municipality: str


@dataclass
class Batch:
    campaign: Campaign
    period: ReportingPeriod
    day: date
    due_zones: list[str]
    later_zones: list[str]
    expected: dict[str, Expected] = field(default_factory=dict)  # by address
    silent: dict[str, str] = field(default_factory=dict)  # address -> why no mail

    @property
    def due(self) -> date:
        return self.period.due

    def expected_subjects(self, item: Expected, moments: list[datetime], *, language: str = "") -> set[str]:
        """The subject as the worker should render it in the recipient's language (or in
        `language`). Days left depend on the city's date when it was sent: any of `moments`
        (start and end of the test)."""
        subjects = set()
        for moment in moments:
            days_left = (self.due - moment.astimezone(ZoneInfo(item.zone)).date()).days
            with translation.override(language or item.language):
                context = {
                    "phase": "before",
                    "days_left": days_left,
                    "municipality": item.municipality,
                    "period": str(self.period.label),
                }
                subject = render_to_string("emails/reminder_subject.txt", context)
            subjects.add(" ".join(subject.split()))
        return subjects

    def due_date_display(self, language: str) -> str:
        with translation.override(language):
            return formats.date_format(self.due, "DATE_FORMAT")


def build_batch(*, verified: int = 300, submitted_every: int = 10, later: int = 20, extras: int = 5) -> Batch:
    """`verified` verified pledges in the zones where before_7 is due (every `submitted_every`-th
    with its report submitted, every 7th with a draft), `later` in the zones where it is not yet
    due, `extras` verified after the reminder's moment and `extras` not verified."""
    now = timezone.now()
    day, due_zones, later_zones = choose_day(now)
    campaign = Campaign.objects.create(
        title_en="Integration campaign",
        slug=f"integration-{now:%H%M%S%f}",
        status=Campaign.Status.OPEN,
        signing_opens=day - timedelta(days=400),
        reminder_offsets=[-30, -7, -1, 7, 30],
    )
    period = ReportingPeriod.objects.create(
        campaign=campaign, label_en="Integration year", opens=day - timedelta(days=300), due=day + timedelta(days=7)
    )
    batch = Batch(campaign=campaign, period=period, day=day, due_zones=due_zones, later_zones=later_zones)

    # (zone, pledge status, verified_at, report status or None, expected?, why not)
    plan = []
    long_ago = now - timedelta(days=60)
    for i in range(verified):
        zone = due_zones[i % len(due_zones)]
        if submitted_every and i % submitted_every == submitted_every - 1:
            plan.append((zone, Pledge.Status.VERIFIED, long_ago, ProgressReport.Status.SUBMITTED, "report submitted"))
        elif i % 7 == 3:
            plan.append((zone, Pledge.Status.VERIFIED, long_ago, ProgressReport.Status.DRAFT, ""))
        else:
            plan.append((zone, Pledge.Status.VERIFIED, long_ago, None, ""))
    for i in range(later):
        plan.append((later_zones[i % len(later_zones)], Pledge.Status.VERIFIED, long_ago, None, "09:00 not yet"))
    for i in range(extras):
        zone = due_zones[i % len(due_zones)]
        plan.append((zone, Pledge.Status.VERIFIED, now - timedelta(minutes=1), None, "verified after its moment"))
        plan.append((zone, Pledge.Status.SUBMITTED, None, None, "pledge not verified"))

    tag = f"{now:%H%M%S}"
    cities = Municipality.objects.bulk_create(
        Municipality(
            name=f"Integ {zone.rsplit('/', 1)[-1].replace('_', ' ')} {i}",
            ascii_name=f"Integ {zone.rsplit('/', 1)[-1].replace('_', ' ')} {i}",
            slug=f"integ-{tag}-{i}",
            country="BE",
            admin_region="",
            latitude=10.0 + i / 100,
            longitude=20.0,
            time_zone=zone,
        )
        for i, (zone, *_rest) in enumerate(plan)
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"official{i}@city{i}.example.org",
            full_name=f"Official {i}",
            preferred_language=LANGUAGES[i % len(LANGUAGES)],
            password=password,
        )
        for i in range(len(plan))
    )
    Membership.objects.bulk_create(
        Membership(
            user=user,
            municipality=city,
            role=Membership.Role.FOCAL_POINT,
            status=Membership.Status.APPROVED,
            evidence_email=user.email,
        )
        for user, city in zip(users, cities, strict=True)
    )
    pledges = Pledge.objects.bulk_create(
        Pledge(campaign=campaign, municipality=city, status=status, verified_at=verified_at)
        for city, (_zone, status, verified_at, _report, _why) in zip(cities, plan, strict=True)
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            pledge=pledge,
            period=period,
            status=report,
            submitted_at=now if report == ProgressReport.Status.SUBMITTED else None,
            first_submitted_at=now if report == ProgressReport.Status.SUBMITTED else None,
        )
        for pledge, (_zone, _status, _verified_at, report, _why) in zip(pledges, plan, strict=True)
        if report
    )
    for user, city, pledge, (zone, _status, _verified_at, _report, why) in zip(
        users, cities, pledges, plan, strict=True
    ):
        if why:
            batch.silent[user.email] = why
        else:
            batch.expected[user.email] = Expected(
                email=user.email,
                user_id=user.pk,
                language=user.preferred_language,
                zone=zone,
                pledge_id=pledge.pk,
                municipality=city.name,
            )
    return batch
