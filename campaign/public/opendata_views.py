"""Open data downloads (/data/..., no language prefix) and the open data page (/<lang>/open-data/).

Downloads are streamed: rows are read in chunks (a fixed number of queries per chunk) and
written as they go, so that thousands of signatories never sit in memory at once. CSVs are
UTF-8 with a byte order mark and every cell is neutralised against formula injection; JSON
has a small envelope ``{generated_at, licence, count, results}``. Both may be narrowed to
one campaign with ``?campaign=<slug>`` (404 for a campaign that is not public).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from campaign.models import Campaign
from campaign.public import opendata

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # (queryset builder, path to the campaign, columns, CSV rows, JSON record)
    Dataset = tuple[
        Callable[[], QuerySet[Any]],
        str,
        Sequence[tuple[str, StrOrPromise]],
        Callable[[Iterable[Any]], Iterator[list[Any]]],
        Callable[..., dict[str, Any]],
    ]

CACHE_CONTROL = "public, max-age=300"

DATASETS: dict[str, Dataset] = {
    "signatories": (
        opendata.signatories_queryset,
        "campaign",
        opendata.SIGNATORY_COLUMNS,
        opendata.signatory_rows,
        opendata.signatory_record,
    ),
    "commitments": (
        opendata.commitments_queryset,
        "campaign",
        opendata.COMMITMENT_COLUMNS,
        opendata.commitment_rows,
        opendata.commitment_record,
    ),
    "reports": (
        opendata.reports_queryset,
        "report__pledge__campaign",
        opendata.REPORT_COLUMNS,
        opendata.report_rows,
        opendata.report_record,
    ),
}


def _campaign(request: HttpRequest) -> Campaign | None:
    slug = (request.GET.get("campaign") or "").strip()
    if not slug:
        return None
    campaign = opendata.public_campaigns().filter(slug=slug[:80]).first()
    if campaign is None:
        raise Http404("No such public campaign.")
    return campaign


def _response(content: Iterator[str], content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def download(request: HttpRequest, dataset: str, extension: str) -> StreamingHttpResponse:
    if dataset not in DATASETS or extension not in ("csv", "json"):
        raise Http404
    build_queryset, campaign_path, columns, rows, record = DATASETS[dataset]
    campaign = _campaign(request)
    queryset = opendata.for_campaign(build_queryset(), campaign, campaign_path)
    now = timezone.now()
    filename = opendata.dated_filename(dataset, extension, campaign, now.date())
    # Signatories and reports are read as rows of values in one query (two for the
    # signatories' chosen commitments), however many there are; commitments are few.
    streamed: dict[str, Callable[[Campaign | None], Iterator[dict[str, Any]]]] = {
        "signatories": opendata.signatory_records,
        "reports": opendata.report_records,
    }
    if extension == "csv":
        source = streamed[dataset](campaign) if dataset in streamed else opendata.iterate(queryset)
        body = opendata.stream_csv(columns, rows(source))
        return _response(body, "text/csv; charset=utf-8", filename)

    # JSON texts in English, whatever the visitor's language: a download is a stable file.
    def records() -> Iterator[dict[str, Any]]:
        with translation.override("en"):
            if dataset in streamed:
                yield from streamed[dataset](campaign)
            else:
                for obj in opendata.iterate(queryset):
                    yield record(obj, translations=True)

    with translation.override("en"):
        count = queryset.count()
    body = opendata.stream_json(count, records(), generated_at=now)
    return _response(body, "application/json; charset=utf-8", filename)


def open_data_page(request: HttpRequest) -> HttpResponse:
    base = settings.SITE_URL
    downloads = [
        {
            "name": name,
            "title": title,
            "description": description,
            "csv": reverse("opendata-download", args=[name, "csv"]),
            "json": reverse("opendata-download", args=[name, "json"]),
            "columns": DATASETS[name][2],
        }
        for name, title, description in opendata.DOWNLOAD_DESCRIPTIONS
    ]
    campaigns = list(opendata.public_campaigns().order_by("-signing_opens", "slug"))
    return render(
        request,
        "public/open_data.html",
        {
            "downloads": downloads,
            "campaigns": campaigns,
            "example_campaign": campaigns[0].slug if campaigns else "cities-pledge",
            "licence": opendata.licence(),
            "site_url": base,
            "api_endpoints": opendata.API_ENDPOINTS,
        },
    )
