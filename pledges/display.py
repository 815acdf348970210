"""What the public sees of one pledge: its commitments, its reports and its periods.

The public profile and the official's preview both render this, so that the official
sees exactly what the public will. Only what is public leaves here: of reports, only
the frozen ReportVersion content; never a draft edit.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.geo import local_today
from campaign.models import Commitment, ReportingPeriod
from pledges import rules
from pledges.models import EvidenceFile, Pledge, PledgeCommitment, ProgressReport, ProgressUpdate, ReportVersion

UPDATE_BADGES = {
    ProgressUpdate.Status.NOT_STARTED: "text-bg-light border",
    ProgressUpdate.Status.PLANNED: "text-bg-info",
    ProgressUpdate.Status.IN_PROGRESS: "text-bg-primary",
    ProgressUpdate.Status.ACHIEVED: "text-bg-success",
}


def _chosen_queryset():
    return PledgeCommitment.objects.select_related("commitment").order_by("commitment__order", "commitment__code")


def report_timeline(pledge: Pledge) -> list[dict]:
    """Each published report of the pledge as the public sees it: its latest *published*
    version's content (rules.latest_published_versions), never a version waiting for review
    nor the report's current (possibly draft) updates."""
    reports = (
        ProgressReport.objects.filter(pledge=pledge, versions__published_at__isnull=False)
        .distinct()
        .select_related("period")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ReportVersion.objects.filter(published_at__isnull=False).order_by("number"),
                to_attr="published",
            )
        )
        .order_by("period__due")
    )
    timeline = []
    commitment_ids = set()
    for report in reports:
        versions = report.published  # type: ignore[attr-defined]
        if not versions:
            continue
        first, latest = versions[0], versions[-1]
        updates = (latest.content or {}).get("updates", [])
        commitment_ids.update(u.get("commitment_id") for u in updates)
        timeline.append(
            {
                "period": report.period,
                "report_id": report.pk,
                "submitted_at": report.first_submitted_at or first.submitted_at,
                "corrected_at": latest.submitted_at if latest.number != first.number else None,
                "is_late": report.is_late,
                "version": latest.number,
                # The published version before it, for "what changed" (None for the first).
                "previous_version": versions[-2].number if len(versions) > 1 else None,
                # "" for versions from before the language was recorded: unknown.
                "language": (latest.content or {}).get("language", ""),
                "updates": updates,
            }
        )
    listed = {
        f.get("id")
        for entry in timeline
        for u in entry["updates"]
        for f in u.get("evidence_files") or []
        if isinstance(f, dict)
    }
    # A file the city removed since stays listed, without its link.
    kept = set(EvidenceFile.objects.filter(pk__in=[i for i in listed if i]).values_list("pk", flat=True))
    commitments = Commitment.objects.in_bulk([i for i in commitment_ids if i])
    labels = dict(ProgressUpdate.Status.choices)
    for entry in timeline:
        entry["updates"] = [
            {
                "commitment": commitments.get(u.get("commitment_id")),
                "code": u.get("code", ""),
                "status": u.get("status", ""),
                "status_label": labels.get(u.get("status"), u.get("status", "")),
                "badge": UPDATE_BADGES.get(u.get("status"), "text-bg-secondary"),
                "narrative": u.get("narrative", ""),
                "figures": u.get("figures", ""),
                "evidence_links": [link for link in u.get("evidence_links") or [] if isinstance(link, str)],
                "evidence_files": [
                    {**f, "available": f.get("id") in kept}
                    for f in u.get("evidence_files") or []
                    if isinstance(f, dict)
                ],
            }
            for u in entry["updates"]
        ]
    return timeline


PERIOD_STATES = {
    "on_time": (_("Reported on time"), "✓"),
    "late": (_("Reported late"), "!"),
    "missing": (_("No report"), "✗"),
    "awaited": (_("Report awaited"), "…"),
    "upcoming": (_("Upcoming"), "○"),
    "not_owed": (_("Before the city joined"), "–"),
}


def period_timeline(pledge: Pledge, reports: list[dict]) -> list[dict]:
    """Every period of the campaign, with where the city stands for it (and the day it is
    due for the city, a granted delay counted): three queries."""
    by_period = {entry["period"].pk: entry for entry in reports}
    joined = rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)
    today = local_today(pledge.municipality)
    granted = rules.granted_due_dates([pledge.pk])
    # Submitted reports not published yet (waiting for review) count for the late rule: the
    # city reported; what it wrote shows once published.
    submitted = dict(
        ProgressReport.objects.filter(pledge=pledge, status__in=rules.SUBMITTED_REPORT_STATUSES).values_list(
            "period_id", "is_late"
        )
    )
    steps = []
    for period in ReportingPeriod.objects.filter(campaign_id=pledge.campaign_id).order_by("opens"):
        entry = by_period.get(period.pk)
        due = rules.due_date(period.due, granted.get((pledge.pk, period.pk)))
        when = rules.period_status(opens=period.opens, due=due, today=today)
        if entry:
            state = "late" if entry["is_late"] else "on_time"
        elif period.pk in submitted:
            state = "late" if submitted[period.pk] else "on_time"
        elif when == "upcoming":
            state = "upcoming"
        elif not rules.owes(period.due, joined):
            state = "not_owed"
        else:
            state = "missing" if when == "past" else "awaited"
        label, symbol = PERIOD_STATES[state]
        steps.append({"period": period, "due": due, "state": state, "label": label, "symbol": symbol, "report": entry})
    return steps


def pledge_display(pledge: Pledge, *, with_reports: bool = True) -> dict:
    """What a pledge's public block shows. The preview page uses it too, so that the
    official sees exactly what the public will."""
    chosen = list(_chosen_queryset().filter(pledge=pledge))
    reports = report_timeline(pledge) if with_reports else []
    return {
        "pledge": pledge,
        "campaign": pledge.campaign,
        # Before verification the council decision date stands in for the signing date,
        # which is what pledge_verify will record.
        "signed_on": pledge.signed_on or pledge.council_decision_date,
        "chosen": chosen,
        "is_withdrawn": pledge.status == Pledge.Status.WITHDRAWN,
        "reports": reports,
        "periods": period_timeline(pledge, reports) if with_reports else [],
    }
