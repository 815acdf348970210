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
from pledges.models import Pledge, PledgeCommitment, ProgressReport, ProgressUpdate, ReportVersion

UPDATE_BADGES = {
    ProgressUpdate.Status.NOT_STARTED: "text-bg-light border",
    ProgressUpdate.Status.PLANNED: "text-bg-info",
    ProgressUpdate.Status.IN_PROGRESS: "text-bg-primary",
    ProgressUpdate.Status.ACHIEVED: "text-bg-success",
}


def _chosen_queryset():
    return PledgeCommitment.objects.select_related("commitment").order_by("commitment__order", "commitment__code")


def report_timeline(pledge: Pledge) -> list[dict]:
    """Each submitted report of the pledge as the public sees it: its latest version's
    content, never the report's current (possibly draft) updates."""
    reports = (
        ProgressReport.objects.filter(pledge=pledge, versions__isnull=False)
        .distinct()
        .select_related("period")
        .prefetch_related(Prefetch("versions", queryset=ReportVersion.objects.order_by("number")))
        .order_by("period__due")
    )
    timeline = []
    commitment_ids = set()
    for report in reports:
        versions = list(report.versions.all())
        if not versions:
            continue
        first, latest = versions[0], versions[-1]
        updates = (latest.content or {}).get("updates", [])
        commitment_ids.update(u.get("commitment_id") for u in updates)
        timeline.append(
            {
                "period": report.period,
                "submitted_at": first.submitted_at,
                "corrected_at": latest.submitted_at if latest.number != first.number else None,
                "is_late": report.is_late,
                "version": latest.number,
                # "" for versions from before the language was recorded: unknown.
                "language": (latest.content or {}).get("language", ""),
                "updates": updates,
            }
        )
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
    """Every period of the campaign, with where the city stands for it: one query."""
    by_period = {entry["period"].pk: entry for entry in reports}
    joined = rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)
    today = local_today(pledge.municipality)
    steps = []
    for period in ReportingPeriod.objects.filter(campaign_id=pledge.campaign_id).order_by("opens"):
        entry = by_period.get(period.pk)
        when = period.status_on(today)
        if entry:
            state = "late" if entry["is_late"] else "on_time"
        elif when == "upcoming":
            state = "upcoming"
        elif not rules.owes(period.due, joined):
            state = "not_owed"
        else:
            state = "missing" if when == "past" else "awaited"
        label, symbol = PERIOD_STATES[state]
        steps.append({"period": period, "state": state, "label": label, "symbol": symbol, "report": entry})
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
