"""A city's published reports as an Atom feed: /<lang>/cities/<slug>/reports.atom.

One entry per published version of a report of the city's public pledges (a correction is
a new entry), newest first, in the feed's language: the city's name, the period's label,
the commitments' titles and the statuses. Never a draft, a version waiting for review or
one sent back for changes, nor anything of a pledge that is not public (pledges/rules.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.place_names import municipality_name_of
from pledges import rules
from pledges.following import access_followed_city, report_anchor, report_summary, version_commitments
from pledges.models import ReportVersion

MAX_ENTRIES = 50


def published_versions(municipality: Municipality) -> QuerySet[ReportVersion]:
    """The published versions of the city's public pledges' reports, newest first."""
    return (
        ReportVersion.objects.filter(
            published_at__isnull=False,
            report__pledge__in=rules.public_pledges().filter(municipality=municipality),
        )
        .select_related("report__period", "report__pledge__campaign")
        .order_by("-published_at", "-pk")
    )


if TYPE_CHECKING:
    BaseFeed = Feed[ReportVersion, Municipality]  # items, object (generic in the stubs only)
else:
    BaseFeed = Feed


class CityReportsFeed(BaseFeed):
    """One instance per request (``city_reports_feed``): it keeps the request's city and
    commitments between Django's calls."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def __init__(self) -> None:
        super().__init__()
        self._commitments: dict[int, Any] = {}
        self._city_name = ""
        self._slug = ""
        self._request: HttpRequest | None = None

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Municipality:
        self._request = request
        municipality = access_followed_city(kwargs["municipality_slug"])
        self._slug = municipality.slug
        return municipality

    def _city(self, obj: Municipality) -> str:
        return municipality_name_of(obj).name

    def title(self, obj: Municipality) -> str:
        return _("%(city)s: progress reports") % {"city": self._city(obj)}

    def subtitle(self, obj: Municipality) -> str:
        return _("The progress reports %(city)s publishes on its pledge on the human rights of migrants.") % {
            "city": self._city(obj)
        }

    def _absolute(self, path: str) -> str:
        # The address asked for, as the profile's canonical link (not the Sites framework's).
        return self._request.build_absolute_uri(path) if self._request is not None else path

    def link(self, obj: Municipality) -> str:
        return self._absolute(reverse("cities:detail", args=[obj.slug]))

    def feed_url(self, obj: Municipality) -> str:
        return self._absolute(reverse("cities:reports_feed", args=[obj.slug]))

    def items(self, obj: Municipality) -> list[ReportVersion]:
        versions = list(published_versions(obj)[:MAX_ENTRIES])
        self._commitments = version_commitments(versions)
        self._city_name = self._city(obj)
        return versions

    def item_title(self, item: ReportVersion) -> str:
        values = {"city": self._city_name, "period": item.report.period.label}
        if item.number > 1:
            return _("%(city)s — corrected report for %(period)s") % values
        return _("%(city)s — report for %(period)s") % values

    def item_link(self, item: ReportVersion) -> str:
        profile = self._absolute(reverse("cities:detail", args=[self._slug]))
        return f"{profile}#{report_anchor(item.report.pledge_id, item.report.period_id)}"

    def item_guid(self, item: ReportVersion) -> str:
        """Each version its own entry, the same id in every language."""
        host = self._request.get_host().split(":")[0] if self._request is not None else "localhost"
        return f"tag:{host},2017:report-version-{item.pk}"

    def item_pubdate(self, item: ReportVersion) -> Any:
        return item.published_at

    def item_updateddate(self, item: ReportVersion) -> Any:
        return item.published_at

    def item_description(self, item: ReportVersion) -> str:
        rows = report_summary(item, self._commitments)
        intro = format_html("<p>{}</p>", item.report.pledge.campaign.title)
        lines = format_html_join(
            "",
            "<li>{} {}: {}</li>",
            ((row["code"], row["title"], row["status"]) for row in rows),
        )
        return str(intro + format_html("<ul>{}</ul>", lines))


def city_reports_feed(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return CityReportsFeed()(request, municipality_slug=municipality_slug)
