"""The public dashboard and the CSV behind each of its charts. Read-only, thin."""

import csv
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from campaign.models import Campaign
from campaign.public import charts, dashboard, monitoring


def _campaign(request: HttpRequest) -> tuple[list[Campaign], Campaign | None]:
    campaigns = dashboard.public_campaigns_for_dashboard()
    campaign = dashboard.pick_campaign(campaigns, request.GET.get("campaign"))
    if request.GET.get("campaign") and campaign is None:
        raise Http404
    return campaigns, campaign


def dashboard_page(request: HttpRequest) -> HttpResponse:
    campaigns, campaign = _campaign(request)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "charts": []}
    if campaign is not None:
        data = dashboard.cached_dashboard_data(campaign)
        built = charts.dashboard_charts(data)
        query = f"?campaign={campaign.slug}" if request.GET.get("campaign") else ""
        for chart in built.values():
            chart.csv_url = f"{request.path}{chart.slug}.csv{query}"
        context.update(data=data, charts=list(built.values()))
        # the indicators added up, and the support the cities need (campaign/public/monitoring.py)
        watched = monitoring.cached_monitoring_data(campaign)
        watched_charts = monitoring.monitoring_charts(watched)
        for chart in watched_charts.values():
            chart.csv_url = f"{request.path}{chart.slug}.csv{query}"
        context.update(
            monitoring=watched,
            monitoring_rows=monitoring.indicator_table(watched),
            monitoring_charts=watched_charts,
        )
    return render(request, "public/dashboard.html", context)


def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in charts.CHART_SLUGS and chart not in monitoring.MONITORING_CHART_SLUGS:
        raise Http404
    _campaigns, campaign = _campaign(request)
    if campaign is None:
        raise Http404
    if chart in monitoring.MONITORING_CHART_SLUGS:
        built = monitoring.monitoring_charts(monitoring.cached_monitoring_data(campaign))[chart]
    else:
        built = charts.dashboard_charts(dashboard.cached_dashboard_data(campaign))[chart]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{slugify(chart)}.csv"'
    writer = csv.writer(response)
    writer.writerow(built.columns)
    writer.writerows(built.csv_rows)
    return response
