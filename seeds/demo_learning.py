"""The demo's local actions and peer learning: the campaign's 2018 events, the cities' local
actions (seeds/data/local_actions.json), one accepted and one pending exchange, one
confirmed partnership between a city of departure and a city of arrival, and one published
peer review.

Everything that changes state goes through pledges/learning/services, as the cities'
officials and the campaign admin would do it in the browser: the officials write, translate,
illustrate and submit their actions, the admin publishes them (one is left waiting in the
moderation queue, one is returned with a reason). Only the campaign events, which the
campaign team keeps in the admin, are written directly (in every site language). The
services stamp "now"; the demo then back-dates the actions' timestamps and their history
(each such write is marked "demo back-dating"), as seeds/demo.py does for the pledges.

Idempotent: an action is known by its city and its title, an exchange by its action and the
asking city, the partnership by its two cities, the review by its period and its two sides,
an event by its start date and English title; what exists is left alone. Each action (and
each exchange, partnership, review) is loaded in its own transaction.

The posters (drawn with Pillow) and the leaflet (a one-page PDF written by hand, which
campaign.uploads.validate_pdf accepts) are generated here: no third-party asset.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.models import Municipality, User
from campaign.models import Campaign
from campaign.writes import write_batch
from pledges.learning.models import (
    CampaignEvent,
    ExchangeRequest,
    HistoryEntry,
    LocalAction,
    Partnership,
    PeerReview,
)
from pledges.learning.services.actions import (
    action_create,
    action_submit,
    file_add,
    result_save,
    translation_save,
)
from pledges.learning.services.exchanges import exchange_accept, exchange_ask
from pledges.learning.services.moderation import action_publish, action_return
from pledges.learning.services.partnerships import partnership_confirm, partnership_propose
from pledges.learning.services.reviews import (
    feedback_give,
    feedback_save,
    review_agree,
    review_answer,
    review_pair,
)
from pledges.models import Pledge, ProgressReport
from pledges.monitoring.models import Indicator

LEARNING_DATA = Path(settings.BASE_DIR) / "seeds" / "data" / "local_actions.json"
EVENTS_DATA = Path(settings.BASE_DIR) / "seeds" / "data" / "campaign_events.json"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
TRANSLATED_EVENT_FIELDS = ("title", "description", "place")
REVIEW_DUE_IN_DAYS = 30
EXCHANGE_ASKED_DAYS_AGO = 24
PARTNERSHIP_DAYS_AGO = 150


def read_learning_data(path: Path = LEARNING_DATA) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_events_data(path: Path = EVENTS_DATA) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(day: date, hour: int = 10) -> datetime:
    """Office hours on that day (UTC), never later than a few hours ago."""
    moment = datetime.combine(day, time(hour), tzinfo=UTC)
    return min(moment, timezone.now() - timedelta(hours=6))


# --- generated files ------------------------------------------------------------------------


def poster_png(*, heading: str, colours: list[str], name: str = "poster.png") -> SimpleUploadedFile:
    """A simple drawn poster: a coloured band, a large card and a row of people."""
    background, accent = colours[0], colours[1]
    image = Image.new("RGB", (800, 1000), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 760, 800, 1000), fill=accent)
    draw.rounded_rectangle((150, 180, 650, 480), radius=36, fill="white", outline=accent, width=10)
    draw.ellipse((200, 240, 330, 370), fill=accent)
    for row, width in enumerate((260, 200, 230)):
        top = 260 + row * 50
        draw.rounded_rectangle((360, top, 360 + width, top + 22), radius=10, fill=background)
    for number in range(6):
        left = 70 + number * 115
        draw.ellipse((left + 20, 560, left + 80, 620), fill="white")
        draw.rounded_rectangle((left, 630, left + 100, 760), radius=40, fill="white")
    font = ImageFont.load_default(size=54)
    box = draw.textbbox((0, 0), heading, font=font)
    draw.text(((800 - (box[2] - box[0])) / 2, 60), heading, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def _pdf_text(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", errors="replace")


def leaflet_pdf(*, heading: str, lines: list[str], name: str = "leaflet.pdf") -> SimpleUploadedFile:
    """A one-page A5 PDF with a heading and a few lines of text in Helvetica, written by
    hand (offsets and cross-reference table computed): a plain document, no active content."""
    stream = b"BT /F1 20 Tf 40 540 Td (" + _pdf_text(heading) + b") Tj /F1 12 Tf"
    for line in lines:
        stream += b" 0 -28 Td (" + _pdf_text(line) + b") Tj"
    stream += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title (" + _pdf_text(heading) + b") /Producer (Cities for Migration demo) >>",
    ]
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(output)
    output += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return SimpleUploadedFile(name, bytes(output), "application/pdf")


# --- events ---------------------------------------------------------------------------------


def load_events(campaign: Campaign, path: Path = EVENTS_DATA) -> tuple[dict[str, CampaignEvent], int]:
    """The campaign's events, in every site language: key → event, and how many were new."""
    events: dict[str, CampaignEvent] = {}
    created_count = 0
    for item in read_events_data(path)["events"]:
        fields: dict[str, Any] = {
            "kind": item["kind"],
            "ends_on": _day(item.get("ends_on")),
            "url": item.get("url", ""),
            "is_public": True,
        }
        for name in TRANSLATED_EVENT_FIELDS:
            texts = item.get(name, {})
            fields[name] = texts.get("en", "")
            fields.update({f"{name}_{code}": texts.get(code, "") for code in LANGUAGE_CODES})
        starts_on = date.fromisoformat(item["starts_on"])
        event = CampaignEvent.objects.filter(
            campaign=campaign, starts_on=starts_on, title_en=item["title"]["en"]
        ).first()
        if event is None:
            event = CampaignEvent(campaign=campaign, starts_on=starts_on, **fields)
            event.full_clean()
            event.save()
            created_count += 1
        events[item["key"]] = event
    return events, created_count


# --- local actions --------------------------------------------------------------------------


class DemoLearning:
    """Loads the learning part of the demo for the cities the pledge demo loaded."""

    def __init__(self, *, campaign: Campaign, admin: User, cities: Iterable[Any], data: dict):
        self.campaign = campaign
        self.admin = admin
        self.data = data
        # key → (municipality, its focal point), for the cities whose pledge is public.
        self.cities: dict[str, tuple[Municipality, User]] = {}
        for city in cities:
            if city.state != Pledge.Status.VERIFIED:
                continue
            official = User.objects.filter(email=city.email).first()
            if official is not None:
                self.cities[city.key] = (city.municipality, official)
        self.commitments = {c.code: c.pk for c in campaign.commitments.all()}
        self.indicators = {
            i.code: i for i in Indicator.objects.filter(commitment__campaign=campaign, municipality=None)
        }
        self.events: dict[str, CampaignEvent] = {}
        self.actions: dict[str, LocalAction] = {}
        self.created: Counter = Counter()

    def run(self) -> Counter:
        self.events, self.created["events"] = load_events(self.campaign)
        for item in self.data.get("actions", []):
            action = self.action(item)
            if action is not None:
                self.actions[item["key"]] = action
        for item in self.data.get("exchanges", []):
            self.exchange(item)
        if self.data.get("partnership"):
            self.partnership(self.data["partnership"])
        if self.data.get("peer_review"):
            self.peer_review(self.data["peer_review"])
        return self.created

    def _action_data(self, item: dict) -> dict:
        event = self.events.get(item.get("event") or "")
        return {
            "language": item["language"],
            "title": item["title"],
            "summary": item["summary"],
            "description": item.get("description", ""),
            "status": item.get("status", LocalAction.Status.ONGOING),
            "started_on": _day(item.get("started_on")),
            "ended_on": _day(item.get("ended_on")),
            "commitment_ids": [self.commitments[c] for c in item.get("commitments", []) if c in self.commitments],
            "gcm_objectives": item.get("gcm_objectives", []),
            "sdg_targets": item.get("sdg_targets", []),
            "audiences": item.get("audiences", []),
            "budget": Decimal(item["budget"]) if item.get("budget") else None,
            "budget_currency": item.get("budget_currency", ""),
            "funding_sources": item.get("funding_sources", ""),
            "partners": item.get("partners", ""),
            "results": item.get("results", ""),
            "links": item.get("links", []),
            "contact_role": item["contact_role"],
            "event_id": event.pk if event is not None else None,
        }

    @write_batch()
    def action(self, item: dict) -> LocalAction | None:
        if item["city"] not in self.cities:
            return None
        municipality, official = self.cities[item["city"]]
        existing = LocalAction.objects.filter(
            campaign=self.campaign, municipality=municipality, title=item["title"]
        ).first()
        if existing is not None:
            return existing
        action = action_create(
            actor=official, municipality=municipality, campaign=self.campaign, data=self._action_data(item)
        )
        for language, texts in item.get("translations", {}).items():
            translation_save(
                actor=official,
                action=action,
                language=language,
                title=texts["title"],
                summary=texts["summary"],
                description=texts.get("description", ""),
                results=texts.get("results", ""),
            )
        for number, spec in enumerate(item.get("files", [])):
            if spec["kind"] == "poster":
                upload = poster_png(heading=spec["heading"], colours=spec["colours"], name=f"poster-{number + 1}.png")
            else:
                upload = leaflet_pdf(heading=spec["heading"], lines=spec["lines"], name=f"leaflet-{number + 1}.pdf")
            file_add(actor=official, action=action, upload=upload, title=spec["title"], alt_text=spec["alt_text"])
        for result in item.get("indicator_results", []):
            indicator = self.indicators.get(result["indicator"])
            if indicator is None:
                continue
            result_save(
                actor=official,
                action=action,
                indicator=indicator,
                value_text=result["value"],
                measured_on=_day(result.get("measured_on")),
                note=result.get("note", ""),
            )
        state = item.get("state", LocalAction.State.PUBLISHED)
        if state != LocalAction.State.DRAFT:
            action = action_submit(actor=official, action=action)
        if state == LocalAction.State.PUBLISHED:
            action = action_publish(actor=self.admin, action=action)
        elif state == LocalAction.State.RETURNED:
            action = action_return(actor=self.admin, action=action, reason=item["return_reason"])
        self._back_date(action, item)
        self.created["actions"] += 1
        return action

    def _back_date(self, action: LocalAction, item: dict) -> None:
        """Demo back-dating: written, submitted and moderated on the demo's dates (the
        services stamped "now")."""
        now = timezone.now()
        if item.get("published_on"):
            moderated = _moment(date.fromisoformat(item["published_on"]), hour=15)
            submitted = moderated - timedelta(days=6, hours=3)
            created = submitted - timedelta(days=12, hours=2)
        elif action.state == LocalAction.State.RETURNED:
            moderated = now - timedelta(days=9, hours=4)
            submitted = moderated - timedelta(days=3)
            created = submitted - timedelta(days=2)
        else:
            moderated = None
            submitted = now - timedelta(days=2, hours=5)
            created = submitted - timedelta(days=8)
        stamps: dict[str, Any] = {"created_at": created, "updated_at": moderated or submitted}
        if action.submitted_at is not None:
            stamps["submitted_at"] = submitted
        if action.moderated_at is not None and moderated is not None:
            stamps["moderated_at"] = moderated
        if action.published_at is not None and moderated is not None:
            stamps["published_at"] = moderated
        LocalAction.objects.filter(pk=action.pk).update(**stamps)
        history = HistoryEntry.objects.filter(local_action=action)
        history.filter(verb=HistoryEntry.Verb.ACTION_SUBMITTED).update(at=submitted)
        if moderated is not None:
            history.filter(verb__in=[HistoryEntry.Verb.ACTION_PUBLISHED, HistoryEntry.Verb.ACTION_RETURNED]).update(
                at=moderated
            )
        history.exclude(
            verb__in=[
                HistoryEntry.Verb.ACTION_SUBMITTED,
                HistoryEntry.Verb.ACTION_PUBLISHED,
                HistoryEntry.Verb.ACTION_RETURNED,
            ]
        ).update(at=created)
        action.refresh_from_db()

    # --- exchanges, partnership, peer review ----------------------------------------------

    @write_batch()
    def exchange(self, item: dict) -> ExchangeRequest | None:
        action = self.actions.get(item["action"])
        if action is None or action.state != LocalAction.State.PUBLISHED or item["requester"] not in self.cities:
            return None
        requester, asking_official = self.cities[item["requester"]]
        existing = ExchangeRequest.objects.filter(action=action, requester=requester).first()
        if existing is not None:
            return existing
        exchange = exchange_ask(
            actor=asking_official,
            action=action,
            requester=requester,
            message=item["message"],
            contact_name=item["contact_name"],
            contact_role=item.get("contact_role", ""),
            contact_email=item["contact_email"],
        )
        self.created["exchanges"] += 1
        accept = item.get("accept")
        author = self.cities.get(item_city_key(self.cities, action.municipality_id))
        if accept and author is not None:
            exchange = exchange_accept(
                actor=author[1],
                exchange=exchange,
                answer=accept.get("answer", ""),
                contact_name=accept["contact_name"],
                contact_role=accept.get("contact_role", ""),
                contact_email=accept["contact_email"],
            )
        # Demo back-dating: asked some weeks ago (out of the asking rate's window), answered
        # two days later.
        asked = timezone.now() - timedelta(days=EXCHANGE_ASKED_DAYS_AGO, hours=3)
        answered = asked + timedelta(days=2, hours=1)
        ExchangeRequest.objects.filter(pk=exchange.pk).update(
            created_at=asked, **({"answered_at": answered} if exchange.answered_at else {})
        )
        HistoryEntry.objects.filter(exchange=exchange, verb=HistoryEntry.Verb.EXCHANGE_ASKED).update(at=asked)
        HistoryEntry.objects.filter(exchange=exchange).exclude(verb=HistoryEntry.Verb.EXCHANGE_ASKED).update(
            at=answered
        )
        exchange.refresh_from_db()
        return exchange

    @write_batch()
    def partnership(self, item: dict) -> Partnership | None:
        if item["proposer"] not in self.cities or item["partner"] not in self.cities:
            return None
        proposer, proposing_official = self.cities[item["proposer"]]
        partner, partner_official = self.cities[item["partner"]]
        existing = Partnership.objects.filter(campaign=self.campaign, proposer=proposer, partner=partner).first()
        if existing is not None:
            return existing
        partnership = partnership_propose(
            actor=proposing_official,
            campaign=self.campaign,
            proposer=proposer,
            partner=partner,
            kind=item["kind"],
            description=item.get("description", ""),
        )
        partnership = partnership_confirm(actor=partner_official, partnership=partnership)
        # Demo back-dating: proposed and confirmed some months ago.
        proposed = timezone.now() - timedelta(days=PARTNERSHIP_DAYS_AGO, hours=5)
        confirmed = proposed + timedelta(days=9, hours=2)
        Partnership.objects.filter(pk=partnership.pk).update(created_at=proposed, answered_at=confirmed)
        HistoryEntry.objects.filter(partnership=partnership, verb=HistoryEntry.Verb.PARTNERSHIP_PROPOSED).update(
            at=proposed
        )
        HistoryEntry.objects.filter(partnership=partnership, verb=HistoryEntry.Verb.PARTNERSHIP_CONFIRMED).update(
            at=confirmed
        )
        partnership.refresh_from_db()
        self.created["partnerships"] += 1
        return partnership

    @write_batch()
    def peer_review(self, item: dict) -> PeerReview | None:
        if item["reviewer"] not in self.cities or item["reviewed"] not in self.cities:
            return None
        reviewer, reviewer_official = self.cities[item["reviewer"]]
        reviewed_city, reviewed_official = self.cities[item["reviewed"]]
        pledge = Pledge.objects.filter(campaign=self.campaign, municipality=reviewed_city).first()
        if pledge is None:
            return None
        # The latest period whose report the reviewed city has submitted.
        report = (
            ProgressReport.objects.filter(pledge=pledge, status=ProgressReport.Status.SUBMITTED)
            .select_related("period")
            .order_by("-period__due")
            .first()
        )
        if report is None:
            return None
        existing = (
            PeerReview.objects.filter(period=report.period, reviewed=pledge, reviewer=reviewer)
            .exclude(status=PeerReview.Status.CANCELLED)
            .first()
        )
        if existing is not None:
            return existing
        review = review_pair(
            actor=self.admin,
            period=report.period,
            reviewed=pledge,
            reviewer=reviewer,
            due_on=timezone.now().date() + timedelta(days=REVIEW_DUE_IN_DAYS),
        )
        chosen = list(pledge.chosen.select_related("commitment").order_by("commitment__order"))
        titles = {c.pk: getattr(c.commitment, "title_en", "") or str(c.commitment) for c in chosen}
        feedback = {pk: item["feedback"].format(commitment=title) for pk, title in titles.items()}
        review = feedback_save(actor=reviewer_official, review=review, feedback=feedback, summary=item["summary"])
        review = feedback_give(actor=reviewer_official, review=review)
        answers = {pk: item["answer"].format(commitment=title) for pk, title in titles.items()}
        review = review_answer(
            actor=reviewed_official, review=review, answers=answers, summary=item.get("answer_summary", "")
        )
        review = review_agree(actor=reviewer_official, review=review)
        review = review_agree(actor=reviewed_official, review=review)
        self.created["peer_reviews"] += 1
        return review


def item_city_key(cities: dict[str, tuple[Municipality, User]], municipality_id: int) -> str:
    """The demo key of a loaded city, by its municipality ("" when it is not loaded)."""
    return next((key for key, (municipality, _o) in cities.items() if municipality.pk == municipality_id), "")


def seed_demo_learning(
    *, campaign: Campaign, admin: User, cities: Iterable[Any], path: Path = LEARNING_DATA
) -> Counter:
    """Events, local actions, exchanges, the partnership and the peer review of the demo, for
    ``cities`` (seeds.demo.DemoCity: key, municipality, focal point's email, pledge state).
    Returns what was created. Safe to run again."""
    return DemoLearning(campaign=campaign, admin=admin, cities=cities, data=read_learning_data(path)).run()
