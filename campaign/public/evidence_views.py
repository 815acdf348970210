"""The public side of evidence and versions: a file listed in a published version of a public
pledge's report, downloaded as an attachment; and what a published version changed in the
published one before it. Nothing of a version waiting for review, nor of one sent back for
changes, is ever shown here (pledges.rules: latest_published_versions, pledges.evidence)."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.place_names import municipality_name_of
from campaign.storage import private_download
from pledges import rules
from pledges.evidence import published_evidence
from pledges.models import ReportVersion
from pledges.reports import diff


@require_GET
def evidence_download(request: HttpRequest, municipality_slug: str, file_pk: int) -> HttpResponseBase:
    evidence = published_evidence(file_pk, municipality_slug)
    if evidence is None:
        raise Http404
    try:
        response = private_download(evidence.file, evidence.original_name, content_type=evidence.content_type)
    except FileNotFoundError as exc:
        raise Http404 from exc
    # Published files may be kept by browsers, never by shared caches (a file can be taken down).
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def report_changes(request: HttpRequest, municipality_slug: str, report_pk: int, number: int) -> HttpResponse:
    """What published version ``number`` of a public report changed in the published version
    before it."""
    version = get_object_or_404(
        ReportVersion.objects.select_related(
            "report__period", "report__pledge__campaign", "report__pledge__municipality"
        ),
        report_id=report_pk,
        number=number,
        published_at__isnull=False,
        report__pledge__in=rules.public_pledges(),
        report__pledge__municipality__slug=municipality_slug,
    )
    previous, changes = diff.version_changes(version, published_only=True)
    pledge = version.report.pledge
    return render(
        request,
        "public/report_changes.html",
        {
            "municipality": pledge.municipality,
            "place_name": municipality_name_of(pledge.municipality),
            "pledge": pledge,
            "period": version.report.period,
            "version": version,
            "previous": previous,
            "changes": changes,
            "language": (version.content or {}).get("language", ""),
        },
    )
