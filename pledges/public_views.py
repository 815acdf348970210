"""Public city profiles and the list of signatories (namespace "cities").

Only what is public leaves here: verified pledges (and withdrawn ones, as a record of
when), and of their reports only the frozen ReportVersion content. Drafts, rejected
pledges and unsubmitted report edits never appear.
"""

from django.core.paginator import Paginator
from django.db.models import Min, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.models import Municipality
from accounts.search import country_name, normalize
from campaign.models import Commitment

from .forms import SignatorySearchForm
from .models import Pledge, PledgeCommitment, ProgressReport, ProgressUpdate, ReportVersion

PUBLIC_STATUSES = (Pledge.Status.VERIFIED, Pledge.Status.WITHDRAWN)
UPDATE_BADGES = {
    ProgressUpdate.Status.NOT_STARTED: "text-bg-light border",
    ProgressUpdate.Status.PLANNED: "text-bg-info",
    ProgressUpdate.Status.IN_PROGRESS: "text-bg-primary",
    ProgressUpdate.Status.ACHIEVED: "text-bg-success",
}


def public_pledges():
    """Pledges the public may see: verified, or withdrawn after having been verified."""
    return Pledge.objects.filter(status__in=PUBLIC_STATUSES, verified_at__isnull=False)


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


def pledge_display(pledge: Pledge, *, with_reports: bool = True) -> dict:
    """What a pledge's public block shows. The preview page uses it too, so that the
    official sees exactly what the public will."""
    chosen = list(_chosen_queryset().filter(pledge=pledge))
    return {
        "pledge": pledge,
        "campaign": pledge.campaign,
        # Before verification the council decision date stands in for the signing date,
        # which is what pledge_verify will record.
        "signed_on": pledge.signed_on or pledge.council_decision_date,
        "chosen": chosen,
        "is_withdrawn": pledge.status == Pledge.Status.WITHDRAWN,
        "reports": report_timeline(pledge) if with_reports else [],
    }


def city_profile(request, municipality_slug):
    municipality = get_object_or_404(Municipality, slug=municipality_slug)
    pledges = list(
        public_pledges()
        .filter(municipality=municipality)
        .select_related("campaign", "municipality")
        .order_by("-signed_on", "-verified_at")
    )
    if not pledges:
        raise Http404
    return render(
        request,
        "pledges/city_profile.html",
        {
            "municipality": municipality,
            "country": country_name(municipality.country) or municipality.country,
            "items": [pledge_display(p) for p in pledges],
        },
    )


def signatory_list(request):
    form = SignatorySearchForm(request.GET or None)
    municipalities = Municipality.objects.filter(pledges__status=Pledge.Status.VERIFIED).annotate(
        signed_on=Min("pledges__signed_on", filter=Q(pledges__status=Pledge.Status.VERIFIED))
    )
    query = ""
    if form.is_valid():
        query = normalize(form.cleaned_data.get("q") or "")
        if query:
            municipalities = municipalities.filter(
                Q(search_names__normalized_name__startswith=query) | Q(name__icontains=query)
            )
    municipalities = municipalities.distinct().order_by("name", "country")
    page = Paginator(municipalities, 50).get_page(request.GET.get("page"))
    rows = [{"municipality": m, "country": country_name(m.country) or m.country} for m in page.object_list]
    return render(
        request,
        "pledges/city_list.html",
        {"form": form, "page": page, "rows": rows, "query": form.data.get("q", "") if form.is_bound else ""},
    )
