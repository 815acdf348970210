"""A municipality's local actions, written by its approved officials: create, edit, submit
for review, delete a draft; translations into the other site languages, images and PDFs,
results as indicator values.

Each function checks that the actor acts for the action's municipality, runs in one
transaction with the action's row locked, validates (ValidationError by field), records the
history and refreshes the action's search words when what it says changes. A SUBMITTED
action is locked until the campaign team moderates it (services/moderation.py); a PUBLISHED
one stays published when edited (every edit is in its history).
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import campaign_admins, require_official
from accounts.models import Municipality
from accounts.place_names import is_known_language
from accounts.services import name_for
from campaign.models import Campaign, Commitment, validate_gcm_objectives, validate_sdg_targets
from campaign.outbox.emails import queue_email
from campaign.uploads import reencode_image, validate_action_file
from campaign.writes import write_batch
from pledges import rules as pledge_rules
from pledges.models import Pledge
from pledges.monitoring.models import Indicator
from pledges.monitoring.values import amount_decimals, check_value, is_currency_code, parse_number

from .. import search
from ..history import record
from ..models import (
    CampaignEvent,
    HistoryEntry,
    LocalAction,
    LocalActionFile,
    LocalActionResult,
    LocalActionTranslation,
)

SUBMITTED_TEMPLATE = "learning_action_submitted"
MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 500
MAX_DESCRIPTION_LENGTH = 20_000
MAX_TEXT_LENGTH = 5_000
MAX_CONTACT_LENGTH = 200
MAX_LINKS = 10
MAX_LINK_LENGTH = 500
MAX_FILES = 6
MAX_FILE_TITLE_LENGTH = 200
MAX_ALT_TEXT_LENGTH = 300
MAX_NOTE_LENGTH = 300
MAX_BUDGET = Decimal(10) ** 14

# The fields of ``data`` (action_create, action_update), in the order a form shows them.
FIELDS = (
    "language",
    "title",
    "summary",
    "description",
    "status",
    "started_on",
    "ended_on",
    "commitment_ids",
    "gcm_objectives",
    "sdg_targets",
    "audiences",
    "budget",
    "budget_currency",
    "funding_sources",
    "partners",
    "results",
    "links",
    "contact_role",
    "event_id",
)
# States whose action its officials may change (SUBMITTED waits for the campaign team).
EDITABLE_STATES = (LocalAction.State.DRAFT, LocalAction.State.RETURNED, LocalAction.State.PUBLISHED)
_EMAIL_LIKE = re.compile(r"@|\bmailto:", re.IGNORECASE)


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _base(language: str) -> str:
    return (language or "").lower().split("-")[0]


def _lock(action: LocalAction) -> LocalAction:
    return LocalAction.objects.select_for_update().select_related("municipality", "campaign").get(pk=action.pk)


def _require_editable(action: LocalAction) -> None:
    if action.state == LocalAction.State.SUBMITTED:
        raise ValidationError(
            _("This action is waiting for the campaign team's review: it can be changed once they have answered."),
            code="locked",
        )


def _record(verb: str, actor: Any, action: LocalAction | None, municipality_id: int, **detail: Any) -> None:
    record(verb, actor=actor, municipality_id=municipality_id, local_action=action, **detail)


# --- validation of an action's fields ----------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = "\n".join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


def _too_long(limit: int) -> ValidationError:
    return ValidationError(_("Keep it under %(limit)d characters.") % {"limit": limit}, code="max_length")


def _check_length(errors: dict, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors[name] = _too_long(limit)


def _valid_language(code: str) -> bool:
    return code in site_languages() or is_known_language(code)


def _clean(campaign: Campaign, data: dict[str, Any]) -> dict[str, Any]:
    """The action's fields from ``data`` (every key of FIELDS), checked; a ValidationError
    by field lists every problem at once."""
    errors: dict[str, ValidationError] = {}
    out: dict[str, Any] = {}

    language = _text(data.get("language")).lower()
    if not language:
        errors["language"] = ValidationError(_("Say which language the action is written in."), code="required")
    elif not _valid_language(language):
        errors["language"] = ValidationError(_("Choose a language from the list."), code="invalid_choice")
    out["language"] = language

    for name, limit, required_message in (
        ("title", MAX_TITLE_LENGTH, _("Give the action a title.")),
        ("summary", MAX_SUMMARY_LENGTH, _("Sum the action up in two or three sentences.")),
        (
            "contact_role",
            MAX_CONTACT_LENGTH,
            _("Give a public contact: a role or an office, such as “Integration office”."),
        ),
    ):
        value = _text(data.get(name))
        if not value:
            errors[name] = ValidationError(required_message, code="required")
        else:
            _check_length(errors, name, value, limit)
        out[name] = value
    if out["contact_role"] and _EMAIL_LIKE.search(out["contact_role"]):
        errors["contact_role"] = ValidationError(
            _(
                "The public contact is a role or an office, never an email address: everyone can read it. "
                "Other cities reach you through the site."
            ),
            code="email_in_contact",
        )

    for name, limit in (
        ("description", MAX_DESCRIPTION_LENGTH),
        ("funding_sources", MAX_TEXT_LENGTH),
        ("partners", MAX_TEXT_LENGTH),
        ("results", MAX_DESCRIPTION_LENGTH),
    ):
        out[name] = _text(data.get(name))
        _check_length(errors, name, out[name], limit)

    status = _text(data.get("status")) or LocalAction.Status.ONGOING
    if status not in LocalAction.Status.values:
        errors["status"] = ValidationError(_("Choose a status from the list."), code="invalid_choice")
    out["status"] = status

    started_on, ended_on = data.get("started_on"), data.get("ended_on")
    for name, day in (("started_on", started_on), ("ended_on", ended_on)):
        if day is not None and not isinstance(day, date):
            errors[name] = ValidationError(_("Enter a valid date."), code="invalid")
    if isinstance(started_on, date) and isinstance(ended_on, date) and ended_on < started_on:
        errors["ended_on"] = ValidationError(_("An action cannot end before it starts."), code="ends_before_start")
    if status == LocalAction.Status.COMPLETED and not ended_on and "ended_on" not in errors:
        errors["ended_on"] = ValidationError(_("Say when a completed action ended."), code="required")
    if status == LocalAction.Status.PLANNED and isinstance(ended_on, date) and ended_on < timezone.localdate():
        errors["ended_on"] = ValidationError(
            _("A planned action has not ended yet: choose another status, or correct the date."), code="planned_ended"
        )
    out["started_on"], out["ended_on"] = started_on, ended_on

    ids = data.get("commitment_ids") or []
    try:
        commitment_ids = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        commitment_ids = []
        errors["commitment_ids"] = ValidationError(_("Choose commitments from the list."), code="invalid_choice")
    if commitment_ids:
        known = set(Commitment.objects.filter(campaign=campaign, pk__in=commitment_ids).values_list("pk", flat=True))
        if known != set(commitment_ids):
            errors["commitment_ids"] = ValidationError(
                _("Choose commitments of this campaign only."), code="other_campaign"
            )
    out["commitment_ids"] = commitment_ids

    for name, validator, convert in (
        ("gcm_objectives", validate_gcm_objectives, lambda items: sorted(set(items))),
        ("sdg_targets", validate_sdg_targets, lambda items: list(dict.fromkeys(items))),
    ):
        items: list = list(data.get(name) or [])
        try:
            validator(items)
        except ValidationError as exc:
            errors[name] = exc
            items = []
        out[name] = convert(items)

    audiences = list(dict.fromkeys(data.get("audiences") or []))
    if any(a not in LocalAction.Audience.values for a in audiences):
        errors["audiences"] = ValidationError(_("Choose the people it is for from the list."), code="invalid_choice")
    out["audiences"] = audiences

    budget, currency = data.get("budget"), _text(data.get("budget_currency")).upper()
    if budget is not None:
        try:
            budget = Decimal(budget)
        except (InvalidOperation, TypeError, ValueError):
            budget = None
            errors["budget"] = ValidationError(_("Enter an amount."), code="invalid")
    if budget is not None:
        if budget < 0:
            errors["budget"] = ValidationError(_("An amount of money cannot be negative."), code="negative")
        elif budget >= MAX_BUDGET:
            errors["budget"] = ValidationError(_("This number is too large."), code="too_large")
        elif not currency:
            errors["budget_currency"] = ValidationError(_("Choose the budget's currency."), code="required")
        elif is_currency_code(currency):
            places = min(amount_decimals(currency), 2)
            if budget != budget.quantize(Decimal(1).scaleb(-places)):
                errors["budget"] = ValidationError(
                    ngettext(
                        "An amount of money has at most %(count)d digit after the decimal mark.",
                        "An amount of money has at most %(count)d digits after the decimal mark.",
                        places,
                    )
                    % {"count": places},
                    code="too_many_decimals",
                )
    if currency and not is_currency_code(currency):
        errors["budget_currency"] = ValidationError(_("Choose a currency from the list."), code="invalid_choice")
    out["budget"], out["budget_currency"] = budget, currency if budget is not None else ""

    links = [_text(link) for link in (data.get("links") or [])]
    links = list(dict.fromkeys(link for link in links if link))
    if len(links) > MAX_LINKS:
        errors["links"] = ValidationError(
            _("Give at most %(limit)d links.") % {"limit": MAX_LINKS}, code="too_many_links"
        )
    else:
        check_url = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                if len(link) > MAX_LINK_LENGTH:
                    raise ValidationError("too long")
                check_url(link)
            except ValidationError:
                errors["links"] = ValidationError(
                    _("“%(link)s” is not a web address: write each link in full, starting with https://.")
                    % {"link": link[:80]},
                    code="invalid_link",
                )
                break
    out["links"] = links

    event_id = data.get("event_id")
    if event_id in ("", None):
        event_id = None
    else:
        try:
            event_id = int(event_id)
        except (TypeError, ValueError):
            event_id = None
            errors["event_id"] = ValidationError(_("Choose an event from the list."), code="invalid_choice")
        else:
            if not CampaignEvent.objects.filter(pk=event_id, campaign=campaign).exists():
                errors["event_id"] = ValidationError(_("Choose an event of this campaign."), code="other_campaign")
    out["event_id"] = event_id

    if errors:
        raise ValidationError(errors)
    return out


def current_data(action: LocalAction) -> dict[str, Any]:
    """The action's fields as ``data`` holds them (what a form starts from)."""
    return {
        "language": action.language,
        "title": action.title,
        "summary": action.summary,
        "description": action.description,
        "status": action.status,
        "started_on": action.started_on,
        "ended_on": action.ended_on,
        "commitment_ids": sorted(action.commitments.values_list("pk", flat=True)) if action.pk else [],
        "gcm_objectives": list(action.gcm_objectives or []),
        "sdg_targets": list(action.sdg_targets or []),
        "audiences": list(action.audiences or []),
        "budget": action.budget,
        "budget_currency": action.budget_currency,
        "funding_sources": action.funding_sources,
        "partners": action.partners,
        "results": action.results,
        "links": list(action.links or []),
        "contact_role": action.contact_role,
        "event_id": action.event_id,
    }


def _apply(action: LocalAction, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name != "commitment_ids":
            setattr(action, name, value)


def _pledge_of(campaign: Campaign, municipality: Municipality) -> Pledge | None:
    return Pledge.objects.filter(campaign=campaign, municipality=municipality).select_related("campaign").first()


# --- the action ---------------------------------------------------------------------------


@write_batch()
def action_create(*, actor: Any, municipality: Municipality, campaign: Campaign, data: dict) -> LocalAction:
    """A DRAFT action of ``municipality`` in ``campaign``, where it must have a pledge (a
    draft is enough; a withdrawn one is not)."""
    require_official(actor, municipality.pk)
    pledge = _pledge_of(campaign, municipality)
    if pledge is None or pledge.status == Pledge.Status.WITHDRAWN:
        raise ValidationError(
            _("Your municipality needs a pledge in this campaign to share its local actions."), code="no_pledge"
        )
    values = _clean(campaign, data)
    action = LocalAction(campaign=campaign, municipality=municipality, created_by=actor)
    _apply(action, values)
    action.save()
    action.commitments.set(values["commitment_ids"])
    _record(HistoryEntry.Verb.ACTION_CREATED, actor, action, municipality.pk, title=action.title)
    return action


@write_batch()
def action_update(*, actor: Any, action: LocalAction, data: dict) -> LocalAction:
    """Change the action's fields (keys absent from ``data`` keep their value). Refused while
    it waits for review; a published action stays published, and its history says which
    fields changed."""
    require_official(actor, action.municipality_id)
    action = _lock(action)
    _require_editable(action)
    before = current_data(action)
    values = _clean(action.campaign, {**before, **{k: v for k, v in data.items() if k in FIELDS}})
    changed = [name for name in FIELDS if values[name] != before[name]]
    if not changed:
        return action
    _apply(action, values)
    action.save()
    if "commitment_ids" in changed:
        action.commitments.set(values["commitment_ids"])
    search.reindex_action(action)
    _record(
        HistoryEntry.Verb.ACTION_EDITED,
        actor,
        action,
        action.municipality_id,
        fields=changed,
        state=action.state,
    )
    return action


@write_batch()
def action_submit(*, actor: Any, action: LocalAction) -> LocalAction:
    """DRAFT or RETURNED → SUBMITTED, once the municipality's pledge is public; the campaign
    admins are told by email."""
    require_official(actor, action.municipality_id)
    action = _lock(action)
    if action.state not in (LocalAction.State.DRAFT, LocalAction.State.RETURNED):
        raise ValidationError(_("Only a draft or a returned action can be submitted."), code="state")
    pledge = _pledge_of(action.campaign, action.municipality)
    if pledge is None or pledge.status == Pledge.Status.WITHDRAWN or not pledge_rules.is_public(pledge):
        raise ValidationError(
            _("An action can be submitted once your municipality's pledge is verified and public."),
            code="pledge_not_public",
        )
    action.state = LocalAction.State.SUBMITTED
    action.submitted_at = timezone.now()
    action.save()
    _record(HistoryEntry.Verb.ACTION_SUBMITTED, actor, action, action.municipality_id)
    _email_admins(action)
    return action


@write_batch()
def action_delete(*, actor: Any, action: LocalAction) -> None:
    """Delete a draft (or a returned action that was never published), with its files."""
    require_official(actor, action.municipality_id)
    action = _lock(action)
    if action.state not in (LocalAction.State.DRAFT, LocalAction.State.RETURNED) or action.published_at:
        raise ValidationError(_("Only a draft that was never published can be deleted."), code="not_deletable")
    stored = [(f.file.storage, f.file.name) for f in action.files.all() if f.file.name]
    municipality_id, title, pk = action.municipality_id, action.title, action.pk
    action.delete()
    for storage, name in stored:
        if name:
            storage.delete(name)
    _record(HistoryEntry.Verb.ACTION_DELETED, actor, None, municipality_id, action_id=pk, title=title)


# --- translations -------------------------------------------------------------------------


@write_batch()
def translation_save(
    *,
    actor: Any,
    action: LocalAction,
    language: str,
    title: str,
    summary: str,
    description: str = "",
    results: str = "",
) -> LocalActionTranslation:
    """The action's texts in another site language (added, or replaced)."""
    require_official(actor, action.municipality_id)
    action = _lock(action)
    _require_editable(action)
    language = (language or "").lower()
    errors: dict[str, ValidationError] = {}
    if language not in site_languages():
        errors["language"] = ValidationError(_("Choose a language of the site."), code="invalid_choice")
    elif _base(language) == _base(action.language):
        errors["language"] = ValidationError(
            _("The action is already written in this language: choose another one."), code="own_language"
        )
    title, summary = _text(title), _text(summary)
    description, results = _text(description), _text(results)
    if not title:
        errors["title"] = ValidationError(_("Give the translated title."), code="required")
    if not summary:
        errors["summary"] = ValidationError(_("Give the translated summary."), code="required")
    for name, value, limit in (
        ("title", title, MAX_TITLE_LENGTH),
        ("summary", summary, MAX_SUMMARY_LENGTH),
        ("description", description, MAX_DESCRIPTION_LENGTH),
        ("results", results, MAX_DESCRIPTION_LENGTH),
    ):
        if name not in errors:
            _check_length(errors, name, value, limit)
    if errors:
        raise ValidationError(errors)
    translated, _created = LocalActionTranslation.objects.update_or_create(
        action=action,
        language=language,
        defaults={
            "title": title,
            "summary": summary,
            "description": description,
            "results": results,
            "translated_by": actor,
        },
    )
    search.reindex_action(action)
    _record(HistoryEntry.Verb.TRANSLATION_SAVED, actor, action, action.municipality_id, language=language)
    return translated


@write_batch()
def translation_remove(*, actor: Any, action: LocalAction, language: str) -> None:
    require_official(actor, action.municipality_id)
    action = _lock(action)
    _require_editable(action)
    deleted, _rows = LocalActionTranslation.objects.filter(action=action, language=language).delete()
    if not deleted:
        raise ValidationError(_("This action has no translation in this language."), code="no_translation")
    search.reindex_action(action)
    _record(HistoryEntry.Verb.TRANSLATION_REMOVED, actor, action, action.municipality_id, language=language)


# --- files --------------------------------------------------------------------------------


def _display_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "file"


@write_batch()
def file_add(*, actor: Any, action: LocalAction, upload, title: str = "", alt_text: str = "") -> LocalActionFile:
    """Attach an image (re-encoded, its metadata dropped; described by ``alt_text``) or a
    PDF (checked) to the action: at most MAX_FILES."""
    require_official(actor, action.municipality_id)
    action = _lock(action)
    _require_editable(action)
    title, alt_text = _text(title), _text(alt_text)
    errors: dict[str, Any] = {}
    _check_length(errors, "title", title, MAX_FILE_TITLE_LENGTH)
    _check_length(errors, "alt_text", alt_text, MAX_ALT_TEXT_LENGTH)
    kind = None
    count = action.files.count()
    if upload is None:
        errors["file"] = ValidationError(_("Choose a file to upload."), code="required")
    elif count >= MAX_FILES:
        errors["file"] = ValidationError(
            ngettext(
                "An action can carry at most %(limit)d file: remove one first.",
                "An action can carry at most %(limit)d files: remove one first.",
                MAX_FILES,
            )
            % {"limit": MAX_FILES},
            code="too_many_files",
        )
    else:
        try:
            kind = validate_action_file(upload)
        except ValidationError as exc:
            errors["file"] = exc.error_list
    if kind is not None and kind.kind == LocalActionFile.Kind.IMAGE and not alt_text and "alt_text" not in errors:
        errors["alt_text"] = ValidationError(
            _("Say what the image shows, for readers who cannot see it."), code="required"
        )
    if errors:
        raise ValidationError(errors)
    assert kind is not None  # for mypy: checked above
    stored = LocalActionFile(
        action=action,
        kind=kind.kind,
        original_name=_display_name(upload.name),
        title=title,
        alt_text=alt_text if kind.kind == LocalActionFile.Kind.IMAGE else "",
        content_type=kind.content_type,
        extension=kind.extension,
        order=count,
        uploaded_by=actor,
    )
    upload.seek(0)
    if kind.kind == LocalActionFile.Kind.IMAGE:
        data, stored.width, stored.height = reencode_image(upload.read(), kind.format)
        content: Any = ContentFile(data)
    else:
        content = upload
    stored.size = content.size
    stored.file.save(f"action.{kind.extension}", content, save=False)
    stored.save()
    _record(
        HistoryEntry.Verb.FILE_ADDED,
        actor,
        action,
        action.municipality_id,
        file_id=stored.pk,
        name=stored.original_name,
    )
    return stored


@write_batch()
def file_remove(*, actor: Any, action: LocalAction, file_id: int) -> None:
    require_official(actor, action.municipality_id)
    action = _lock(action)
    _require_editable(action)
    stored = LocalActionFile.objects.filter(action=action, pk=file_id).first()
    if stored is None:
        raise ValidationError(_("This file is not attached to the action."), code="no_file")
    storage, name, original = stored.file.storage, stored.file.name, stored.original_name
    stored.delete()
    if name:
        storage.delete(name)
    _record(HistoryEntry.Verb.FILE_REMOVED, actor, action, action.municipality_id, file_id=file_id, name=original)


# --- results ------------------------------------------------------------------------------


def indicators_for(action: LocalAction):
    """The indicators a result may give a value for: the campaign's and the municipality's
    own, of the commitments the action serves."""
    return (
        Indicator.objects.filter(commitment__in=action.commitments.all(), municipality__isnull=True)
        | Indicator.objects.filter(commitment__in=action.commitments.all(), municipality_id=action.municipality_id)
    ).select_related("commitment")


@write_batch()
def result_save(
    *,
    actor: Any,
    action: LocalAction,
    indicator: Indicator,
    value_text: str,
    measured_on: date | None = None,
    note: str = "",
) -> LocalActionResult:
    """The value of one indicator (of a commitment the action serves) that the action
    reached, read in the actor's language and checked by the indicator's kind."""
    require_official(actor, action.municipality_id)
    action = _lock(action)
    _require_editable(action)
    errors: dict[str, ValidationError] = {}
    if indicator is None or not indicators_for(action).filter(pk=indicator.pk).exists():
        errors["indicator"] = ValidationError(
            _("Choose an indicator of a commitment this action serves."), code="invalid_choice"
        )
    value: Decimal | None = None
    if not _text(value_text):
        errors["value_text"] = ValidationError(_("Give the value reached."), code="required")
    else:
        try:
            value = parse_number(value_text, getattr(actor, "preferred_language", "") or translation.get_language())
            if "indicator" not in errors:
                check_value(indicator, value, currency=action.budget_currency)
        except ValidationError as exc:
            errors["value_text"] = exc
    if measured_on is not None and measured_on > timezone.localdate():
        errors["measured_on"] = ValidationError(_("A result cannot be measured in the future."), code="future")
    note = _text(note)
    _check_length(errors, "note", note, MAX_NOTE_LENGTH)
    if errors:
        raise ValidationError(errors)
    assert value is not None  # for mypy: checked above
    result, _created = LocalActionResult.objects.update_or_create(
        action=action, indicator=indicator, defaults={"value": value, "measured_on": measured_on, "note": note}
    )
    _record(
        HistoryEntry.Verb.RESULT_SAVED,
        actor,
        action,
        action.municipality_id,
        indicator=indicator.code,
        value=str(value),
    )
    return result


@write_batch()
def result_remove(*, actor: Any, action: LocalAction, indicator_id: int) -> None:
    require_official(actor, action.municipality_id)
    action = _lock(action)
    _require_editable(action)
    result = (
        LocalActionResult.objects.filter(action=action, indicator_id=indicator_id).select_related("indicator").first()
    )
    if result is None:
        raise ValidationError(_("This action gives no value for this indicator."), code="no_result")
    code = result.indicator.code
    result.delete()
    _record(HistoryEntry.Verb.RESULT_REMOVED, actor, action, action.municipality_id, indicator=code)


# --- emails -------------------------------------------------------------------------------


def _email_admins(action: LocalAction) -> None:
    """Each campaign admin is told, in their language, that an action waits for review."""
    languages = dict(settings.LANGUAGES)
    for user_id, preferred in campaign_admins().values_list("pk", "preferred_language"):
        language = preferred if preferred in languages else settings.LANGUAGE_CODE
        queue_email(
            template=SUBMITTED_TEMPLATE,
            to_user_id=user_id,
            context={
                "municipality": name_for(action.municipality, language),
                "action_title": action.title,
                "action_id": action.pk,
                "campaign_title": str(action.campaign.title),
            },
        )
