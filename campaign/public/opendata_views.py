"""Open data downloads (/data/..., no language prefix) and the open data page (/<lang>/open-data/).

Downloads are streamed: rows are read in chunks (a fixed number of queries per chunk) and
written as they go, so that thousands of signatories never sit in memory at once. CSVs are
UTF-8 with a byte order mark and every cell is neutralised against formula injection; JSON
has a small envelope ``{generated_at, licence, count, results}``. Both may be narrowed to
one campaign with ``?campaign=<slug>`` (404 for a campaign that is not public).
"""

from __future__ import annotations

import json
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
from campaign.public import opendata, opendata_indicators, opendata_learning
from campaign.public.models import PublicReport, PublicSignatory

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
    # Monitoring (opendata_indicators.py); indicator-values, a long table, is built below.
    "indicators": (
        opendata_indicators.indicators_queryset,
        "commitment__campaign",
        opendata_indicators.INDICATOR_COLUMNS,
        opendata_indicators.indicator_rows,
        opendata_indicators.indicator_record,
    ),
    "indicator-targets": (
        opendata_indicators.targets_queryset,
        "chosen__pledge__campaign",
        opendata_indicators.TARGET_COLUMNS,
        opendata_indicators.target_rows,
        opendata_indicators.target_record,
    ),
    "means": (
        opendata_indicators.means_queryset,
        "chosen__pledge__campaign",
        opendata_indicators.MEANS_COLUMNS,
        opendata_indicators.means_rows,
        opendata_indicators.means_record,
    ),
    # Peer learning (opendata_learning.py).
    "actions": (
        opendata_learning.actions_queryset,
        "campaign",
        opendata_learning.ACTION_COLUMNS,
        opendata_learning.action_rows,
        opendata_learning.action_record,
    ),
    "partnerships": (
        opendata_learning.partnerships_queryset,
        "campaign",
        opendata_learning.PARTNERSHIP_COLUMNS,
        opendata_learning.partnership_rows,
        opendata_learning.partnership_record,
    ),
}


# The downloads rendered in the read model when its rows are kept (projection.py): the model,
# its CSV text's field and the download's order.
RENDERED: dict[str, tuple[type[PublicSignatory] | type[PublicReport], str, tuple[str, ...]]] = {
    "signatories": (PublicSignatory, "csv_row", ("name", "campaign_slug", "pledge_id")),
    "reports": (PublicReport, "csv_rows", ("period_due", "name", "campaign_slug", "report_id")),
}


def _campaign(request: HttpRequest) -> Campaign | None:
    slug = (request.GET.get("campaign") or "").strip()
    if not slug:
        return None
    campaign = opendata.public_campaigns().filter(slug=slug[:80]).first()
    if campaign is None:
        raise Http404("No such public campaign.")
    return campaign


def _response(content: Iterator[bytes], content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _indicator_values(request: HttpRequest, extension: str) -> StreamingHttpResponse:
    """The long table of values: one row per city, indicator and period (published reports)."""
    campaign = _campaign(request)
    now = timezone.now()
    filename = opendata.dated_filename("indicator-values", extension, campaign, now.date())
    versions = opendata_indicators.value_versions(campaign)
    if extension == "csv":

        def rows() -> Iterator[list[Any]]:
            with translation.override("en"):
                yield from opendata_indicators.value_rows(opendata_indicators.value_records(versions))

        body = opendata.stream_csv(opendata_indicators.VALUE_COLUMNS, rows())
        return _response(body, "text/csv; charset=utf-8", filename)
    with translation.override("en"):
        records = [json.dumps(r, ensure_ascii=False) for r in opendata_indicators.value_records(versions)]
    body = opendata.stream_json(len(records), records, generated_at=now)
    return _response(body, "application/json; charset=utf-8", filename)


@require_GET
def download(request: HttpRequest, dataset: str, extension: str) -> StreamingHttpResponse:
    if dataset == "indicator-values" and extension in ("csv", "json"):
        return _indicator_values(request, extension)
    if dataset not in DATASETS or extension not in ("csv", "json"):
        raise Http404
    build_queryset, campaign_path, columns, rows, record = DATASETS[dataset]
    campaign = _campaign(request)
    queryset = opendata.for_campaign(build_queryset(), campaign, campaign_path)
    now = timezone.now()
    filename = opendata.dated_filename(dataset, extension, campaign, now.date())
    if dataset in RENDERED:
        # Texts the read model keeps, joined in one query (and one to count for the JSON).
        model, csv_field, ordering = RENDERED[dataset]
        rendered = model.objects.all()
        if campaign is not None:
            rendered = rendered.filter(campaign=campaign)
        rendered = rendered.order_by(*ordering)
        if extension == "csv":
            texts = rendered.values_list(csv_field, flat=True).iterator(chunk_size=2000)
            body = opendata.stream_texts(opendata.csv_head(columns), texts, "")
            return _response(body, "text/csv; charset=utf-8", filename)
        objects = rendered.values_list("json_record", flat=True).iterator(chunk_size=2000)
        body = opendata.stream_json(rendered.count(), objects, generated_at=now)
        return _response(body, "application/json; charset=utf-8", filename)

    if extension == "csv":
        body = opendata.stream_csv(columns, rows(opendata.iterate(queryset)))
        return _response(body, "text/csv; charset=utf-8", filename)

    # JSON texts in English, whatever the visitor's language: a download is a stable file.
    def records() -> Iterator[str]:
        with translation.override("en"):
            for obj in opendata.iterate(queryset):
                yield json.dumps(record(obj, translations=True), ensure_ascii=False)

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
    downloads += [
        {
            "name": name,
            "title": title,
            "description": description,
            "csv": reverse("opendata-download", args=[name, "csv"]),
            "json": reverse("opendata-download", args=[name, "json"]),
            "columns": opendata_indicators.COLUMNS[name],
        }
        for name, title, description in opendata_indicators.DOWNLOAD_DESCRIPTIONS
    ]
    downloads += [
        {
            "name": name,
            "title": title,
            "description": description,
            "csv": reverse("opendata-download", args=[name, "csv"]),
            "json": reverse("opendata-download", args=[name, "json"]),
            "columns": opendata_learning.COLUMNS[name],
        }
        for name, title, description in opendata_learning.DOWNLOAD_DESCRIPTIONS
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
            "api_endpoints": [
                *opendata.API_ENDPOINTS,
                *opendata_indicators.API_ENDPOINTS,
                *opendata_learning.API_ENDPOINTS,
            ],
        },
    )
