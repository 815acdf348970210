"""Open data of peer learning: the published local actions and the confirmed partnerships,
for the API (api.py: ``/api/v1/actions/``, ``/api/v1/partnerships/``) and the downloads at
/data/ (opendata_views.py: ``actions`` and ``partnerships``, CSV and JSON) alike.

What is public is pledges.learning.rules': actions published by the campaign team, of public
campaigns; partnerships both cities confirmed, of public campaigns. Never a draft, a
submitted or returned action (nor the reason it was returned), a proposed, declined or ended
partnership, an exchange request or anyone's contact: an action's public contact is a role
(``contact_role``), never a person.

An action's texts are given as the city wrote them (``language``, ``title``, ``summary``,
``description``, ``results``) and in every translation the city added (``translations``).
Its files are listed with their public addresses (the library's download, served while the
action is published). Numbers are written as opendata_indicators writes them ("12000.5").

Queries: one per page or chunk for the rows (select_related) and one per prefetched relation
(translations, commitments, indicator results, files), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from campaign.models import Commitment
from campaign.public import opendata
from campaign.public.opendata_indicators import plain_number
from pledges.learning.models import LocalAction, LocalActionFile, LocalActionResult, LocalActionTranslation, Partnership
from pledges.learning.rules import public_actions, public_partnerships

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LANGUAGE_CODES = opendata.LANGUAGE_CODES
TEXT_FIELDS = ("title", "summary", "description", "results")


# --- local actions ------------------------------------------------------------------------------


def actions_queryset() -> QuerySet[LocalAction]:
    """The published actions of public campaigns, newest first."""
    return (
        public_actions()
        .select_related("campaign", "municipality", "event")
        .prefetch_related(
            Prefetch("translations", queryset=LocalActionTranslation.objects.order_by("language", "pk")),
            Prefetch("commitments", queryset=Commitment.objects.order_by("order", "code", "pk")),
            Prefetch(
                "indicator_results",
                queryset=LocalActionResult.objects.select_related("indicator").order_by("indicator__code", "pk"),
            ),
            Prefetch("files", queryset=LocalActionFile.objects.order_by("order", "uploaded_at", "pk")),
        )
        .order_by("-published_at", "-pk")
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def file_url(action: LocalAction, file: LocalActionFile) -> str:
    """The public address of an action's file (the library's download, in English)."""
    with translation.override("en"):
        path = reverse("library:file", kwargs={"pk": action.pk, "file_pk": file.pk})
    return f"{settings.SITE_URL}{path}"


def page_url(action: LocalAction) -> str:
    with translation.override("en"):
        path = reverse("library:detail", kwargs={"pk": action.pk})
    return f"{settings.SITE_URL}{path}"


def _event(action: LocalAction) -> dict[str, Any] | None:
    event = action.event
    if event is None or not event.is_public or event.campaign_id != action.campaign_id:
        return None
    return {
        "id": event.pk,
        "title": event.title,
        "starts_on": opendata._iso(event.starts_on),
        "ends_on": opendata._iso(event.ends_on),
        "place": event.place,
    }


def action_record(action: LocalAction, *, translations: bool = True) -> dict[str, Any]:
    """One published action as the API and the JSON download give it."""
    return {
        "id": action.pk,
        "campaign": action.campaign.slug,
        "municipality": opendata.municipality_record(action.municipality),
        "url": page_url(action),
        "language": action.language,
        "title": action.title,
        "summary": action.summary,
        "description": action.description,
        "results": action.results,
        "translations": [
            {"language": t.language, **{field: getattr(t, field) or "" for field in TEXT_FIELDS}}
            for t in action.translations.all()
        ],
        "status": action.status,
        "started_on": opendata._iso(action.started_on),
        "ended_on": opendata._iso(action.ended_on),
        "commitments": [c.code for c in action.commitments.all()],
        "gcm_objectives": [int(o) for o in action.gcm_objectives or []],
        "sdg_targets": [str(t) for t in action.sdg_targets or []],
        "audiences": [str(a) for a in action.audiences or []],
        "budget": plain_number(action.budget),
        "budget_currency": action.budget_currency or "",
        "funding_sources": _lines(action.funding_sources),
        "partners": _lines(action.partners),
        "indicator_results": [
            {
                "indicator_id": r.indicator_id,
                "indicator": r.indicator.code,
                "value": plain_number(r.value),
                "unit": r.indicator.unit or "",
                "measured_on": opendata._iso(r.measured_on),
                "note": r.note,
            }
            for r in action.indicator_results.all()
        ],
        "links": [str(link) for link in action.links or []],
        "contact_role": action.contact_role,
        "event": _event(action),
        "published_at": opendata._iso(action.published_at),
        "files": [
            {
                "id": f.pk,
                "kind": f.kind,
                "title": f.title,
                "alt_text": f.alt_text,
                "content_type": f.content_type,
                "size": f.size,
                "width": f.width,
                "height": f.height,
                "url": file_url(action, f),
            }
            for f in action.files.all()
        ],
    }


# --- partnerships -------------------------------------------------------------------------------


def partnerships_queryset() -> QuerySet[Partnership]:
    """The confirmed partnerships of public campaigns, newest confirmation first."""
    return public_partnerships().select_related("campaign", "proposer", "partner").order_by("-answered_at", "-pk")


def partnership_record(partnership: Partnership, *, translations: bool = False) -> dict[str, Any]:
    return {
        "id": partnership.pk,
        "campaign": partnership.campaign.slug,
        "kind": partnership.kind,
        "kind_label": str(partnership.get_kind_display()),
        "description": partnership.description,
        "confirmed_at": opendata._iso(partnership.answered_at),
        "proposer": opendata.municipality_record(partnership.proposer),
        "partner": opendata.municipality_record(partnership.partner),
    }


# --- CSV ----------------------------------------------------------------------------------------


def _language_columns(field: str, what: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    return [(f"{field}_{code}", what) for code in LANGUAGE_CODES]


ACTION_COLUMNS: list[tuple[str, StrOrPromise]] = [
    ("action_id", _("The action's stable identifier (the same as in the API).")),
    ("campaign", _("The campaign's slug.")),
    ("municipality_id", _("The municipality's identifier in this directory.")),
    ("municipality", _("The municipality's name.")),
    ("geonames_id", _("GeoNames identifier, empty for places the campaign team added.")),
    ("country", _("ISO 3166-1 alpha-2 country code, such as BE.")),
    ("url", _("The action's page in the library.")),
    ("language", _("The language the city wrote the action in.")),
    ("title", _("The title, as the city wrote it.")),
    ("summary", _("The summary, as the city wrote it.")),
    ("description", _("The description, as the city wrote it.")),
    ("results", _("The results, as the city wrote them.")),
    *_language_columns("title", _("The title in this language: the city's translation or its own text, else empty.")),
    *_language_columns(
        "summary", _("The summary in this language: the city's translation or its own text, else empty.")
    ),
    ("status", _("planned, ongoing or completed.")),
    ("started_on", _("When the action started (YYYY-MM-DD).")),
    ("ended_on", _("When it ended (YYYY-MM-DD), empty if it goes on.")),
    ("commitments", _("The codes of the commitments it serves, separated by spaces.")),
    ("gcm_objectives", _("Global Compact for Migration objectives, separated by spaces.")),
    ("sdg_targets", _("Sustainable Development Goal targets, separated by spaces.")),
    ("audiences", _("The people it is for, as codes separated by spaces.")),
    ("budget", _("The budget, in budget_currency (a point as decimal mark).")),
    ("budget_currency", _("The budget's currency, an ISO 4217 code such as EUR.")),
    ("funding_sources", _("Funding sources, separated by semicolons.")),
    ("partners", _("Partners, separated by semicolons.")),
    ("indicator_results", _("Indicator values, as code=value separated by spaces.")),
    ("links", _("Web addresses, separated by spaces.")),
    ("contact_role", _("The public contact: a role or an office.")),
    ("event_id", _("The campaign event where it was presented, empty if none.")),
    ("event", _("That event's title.")),
    ("published_at", _("When the campaign team published it (UTC).")),
    ("files", _("The addresses of its images and documents, separated by spaces.")),
]

PARTNERSHIP_COLUMNS: list[tuple[str, StrOrPromise]] = [
    ("partnership_id", _("The partnership's stable identifier (the same as in the API).")),
    ("campaign", _("The campaign's slug.")),
    ("kind", _("departure_arrival, twinning, cooperation or mutual_aid.")),
    ("description", _("What the two cities say of it.")),
    ("confirmed_at", _("When the partner city confirmed it (UTC).")),
    ("proposer_id", _("The identifier of the city that proposed it.")),
    ("proposer", _("The name of the city that proposed it.")),
    ("proposer_country", _("Its ISO 3166-1 alpha-2 country code.")),
    ("partner_id", _("The identifier of the partner city.")),
    ("partner", _("The name of the partner city.")),
    ("partner_country", _("Its ISO 3166-1 alpha-2 country code.")),
]


def _in_language(record: dict[str, Any], field: str, code: str) -> str:
    if record["language"].split("-")[0] == code:
        return str(record[field] or "")
    for t in record["translations"]:
        if t["language"].split("-")[0] == code:
            return str(t[field] or "")
    return ""


def action_rows(actions: Iterable[LocalAction]) -> Iterator[list[Any]]:
    for action in actions:
        r = action_record(action)
        m = r["municipality"]
        event = r["event"] or {}
        yield [
            r["id"],
            r["campaign"],
            m["id"],
            m["name"],
            m["geonames_id"],
            m["country"],
            r["url"],
            r["language"],
            r["title"],
            r["summary"],
            r["description"],
            r["results"],
            *(_in_language(r, "title", code) for code in LANGUAGE_CODES),
            *(_in_language(r, "summary", code) for code in LANGUAGE_CODES),
            r["status"],
            r["started_on"],
            r["ended_on"],
            " ".join(r["commitments"]),
            " ".join(str(o) for o in r["gcm_objectives"]),
            " ".join(r["sdg_targets"]),
            " ".join(r["audiences"]),
            r["budget"],
            r["budget_currency"],
            "; ".join(r["funding_sources"]),
            "; ".join(r["partners"]),
            " ".join(f"{v['indicator']}={v['value']}" for v in r["indicator_results"]),
            " ".join(r["links"]),
            r["contact_role"],
            event.get("id", ""),
            event.get("title", ""),
            r["published_at"],
            " ".join(f["url"] for f in r["files"]),
        ]


def partnership_rows(partnerships: Iterable[Partnership]) -> Iterator[list[Any]]:
    for partnership in partnerships:
        r = partnership_record(partnership)
        yield [
            r["id"],
            r["campaign"],
            r["kind"],
            r["description"],
            r["confirmed_at"],
            r["proposer"]["id"],
            r["proposer"]["name"],
            r["proposer"]["country"],
            r["partner"]["id"],
            r["partner"]["name"],
            r["partner"]["country"],
        ]


# --- what the open data page says -----------------------------------------------------------------

DOWNLOAD_DESCRIPTIONS: list[tuple[str, StrOrPromise, StrOrPromise]] = [
    (
        "actions",
        _("Local actions"),
        _(
            "The actions the cities published in the library: texts as written and as translated, status, dates, "
            "the commitments they serve, the people they are for, budget, partners, results and the addresses of "
            "their files. Drafts and actions waiting for review are not published."
        ),
    ),
    (
        "partnerships",
        _("Partnerships"),
        _("The partnerships between two cities that both confirmed: kind, description, when, and both cities."),
    ),
]

COLUMNS: dict[str, list[tuple[str, StrOrPromise]]] = {
    "actions": ACTION_COLUMNS,
    "partnerships": PARTNERSHIP_COLUMNS,
}

API_ENDPOINTS: list[tuple[str, StrOrPromise, str]] = [
    ("/api/v1/actions/", _("The published local actions, with their translations, results and files."), "?country=BE"),
    ("/api/v1/partnerships/", _("The partnerships both cities confirmed."), "?kind=twinning"),
]
