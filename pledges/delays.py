"""Asking for more time: an official asks for a later due date for one period of their
pledge, with a reason; a campaign admin grants or refuses it, with a reason.

A granted day is the period's due date for that pledge (pledges/rules.py ``due_date``): the
late state, the reminders, the calendar feed, the staff's overdue list and the public
reporting state follow it. Each function checks who may act, runs in one transaction with
the row locked, records the pledge's history and queues its emails on commit; views,
admin actions and commands all call these.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.access import can_act_for, require_campaign_admin, require_official
from accounts.geo import local_today
from accounts.models import Membership, User
from accounts.services import name_for
from campaign.models import ReportingPeriod
from campaign.outbox.emails import queue_email
from campaign.writes import write_batch

from . import rules
from .models import DelayRequest, Pledge, PledgeEvent, ProgressReport

DECIDED_TEMPLATE = "delay_decided"
MAX_REASON_LENGTH = 5_000


def _date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _record(pledge: Pledge, actor: User, action: str, note: str) -> None:
    PledgeEvent.objects.create(pledge=pledge, actor=actor, action=action, note=note)


def _note(delay: DelayRequest, reason: str) -> str:
    """The history's line: period, new date and the reason given."""
    text = f"{delay.period.label}: {delay.requested_due.isoformat()}"
    return f"{text} – {reason}" if reason else text


def _clean_reason(reason: str | None, *, required_message: str = "") -> str:
    """The reason without surrounding spaces; required unless ``required_message`` is empty."""
    reason = (reason or "").strip()
    if not reason and required_message:
        raise ValidationError({"reason": ValidationError(required_message, code="required")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Keep the reason under %(count)d characters.") % {"count": MAX_REASON_LENGTH},
                    code="max_length",
                )
            }
        )
    return reason


def _lock(model: type[Model], pk: int, *related: str) -> Any:
    return model._default_manager.select_for_update().select_related(*related).get(pk=pk)


def latest_date(period: ReportingPeriod) -> date:
    """The latest day a city may ask for (rules.latest_due_date)."""
    return rules.latest_due_date(period.due)


# --- the official asks, or withdraws the request ---------------------------------------------


@write_batch()
def delay_request(
    *, actor: User, pledge: Pledge, period: ReportingPeriod, requested_due: date | None, reason: str
) -> DelayRequest:
    """Ask for ``requested_due`` as the period's new due date. The pledge must be verified
    and owe the period, its report not submitted yet; the date must come after the current
    due date (a granted one counts), not be in the past, and be at most DELAY_MAX_DAYS after
    the period's own due date; a reason is required; one request waits per period."""
    require_official(actor, pledge.municipality_id)
    pledge = _lock(Pledge, pledge.pk, "campaign", "municipality")
    if pledge.status != Pledge.Status.VERIFIED:
        raise ValidationError(_("More time can be asked for once the pledge is verified."), code="not_verified")
    if period.campaign_id != pledge.campaign_id:
        raise ValidationError(_("This period belongs to another campaign."), code="other_campaign")
    today = local_today(pledge.municipality)
    if period.opens > today:
        raise ValidationError(_("This reporting period has not opened yet."), code="not_open")
    if not rules.owes(period.due, rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)):
        raise ValidationError(
            _("This period was already due when the pledge was verified: no report is owed for it."), code="not_owed"
        )
    if ProgressReport.objects.filter(pledge=pledge, period=period, status__in=rules.SUBMITTED_REPORT_STATUSES).exists():
        raise ValidationError(_("The report for this period is already submitted."), code="submitted")
    if DelayRequest.objects.filter(pledge=pledge, period=period, status=DelayRequest.Status.PENDING).exists():
        raise ValidationError(_("A request for more time is already waiting for this period."), code="pending")

    errors: dict[str, ValidationError] = {}
    current = rules.pledge_due_date(pledge.pk, period)
    latest = latest_date(period)
    if requested_due is None:
        errors["requested_due"] = ValidationError(_("Give the new due date you ask for."), code="required")
    elif requested_due <= current:
        errors["requested_due"] = ValidationError(
            _("Choose a date after %(date)s, the current due date.") % {"date": _date(current)}, code="not_later"
        )
    elif requested_due < today:
        errors["requested_due"] = ValidationError(_("The new due date cannot be in the past."), code="past")
    elif requested_due > latest:
        errors["requested_due"] = ValidationError(
            _("Choose a date no later than %(date)s: at most %(days)d days after the period's due date.")
            % {"date": _date(latest), "days": rules.DELAY_MAX_DAYS},
            code="too_late",
        )
    try:
        reason = _clean_reason(reason, required_message=_("Say why the city needs more time."))
    except ValidationError as exc:
        errors.update(exc.error_dict)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    assert requested_due is not None  # for mypy: checked above

    delay = DelayRequest.objects.create(
        pledge=pledge, period=period, requested_due=requested_due, reason=reason, requested_by=actor
    )
    _record(pledge, actor, PledgeEvent.Action.DELAY_REQUESTED, _note(delay, reason))
    return delay


@write_batch()
def delay_withdraw(*, actor: User, delay: DelayRequest) -> DelayRequest:
    """The city takes back a request still waiting for a decision."""
    require_official(actor, delay.pledge.municipality_id)
    delay = _lock(DelayRequest, delay.pk, "pledge__municipality", "period")
    if delay.status != DelayRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided or withdrawn."), code="decided")
    delay.status = DelayRequest.Status.WITHDRAWN
    delay.decided_by = actor
    delay.decided_at = timezone.now()
    delay.save()
    _record(delay.pledge, actor, PledgeEvent.Action.DELAY_WITHDRAWN, _note(delay, ""))
    return delay


# --- a campaign admin decides -----------------------------------------------------------------


def _require_judge(actor: User, delay: DelayRequest) -> None:
    """A campaign admin who does not also act for the city (another admin must decide)."""
    require_campaign_admin(actor)
    if can_act_for(actor, delay.pledge.municipality_id):
        raise PermissionDenied(_("You act for this municipality: another campaign admin must decide."))


def _decide(actor: User, delay: DelayRequest, status: str, reason: str, action: str) -> DelayRequest:
    _require_judge(actor, delay)
    delay = _lock(DelayRequest, delay.pk, "pledge__municipality", "pledge__campaign", "period")
    if delay.status != DelayRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided or withdrawn."), code="decided")
    delay.status = status
    delay.decided_by = actor
    delay.decided_at = timezone.now()
    delay.decision_reason = reason
    delay.save()  # a grant re-projects the pledge (campaign/public/projection.py)
    _record(delay.pledge, actor, action, _note(delay, reason))
    _email_officials(delay)
    return delay


@write_batch()
def delay_grant(*, actor: User, delay: DelayRequest, reason: str = "") -> DelayRequest:
    """The period is due for the pledge on the day asked for; the reason is optional."""
    reason = _clean_reason(reason)
    return _decide(actor, delay, DelayRequest.Status.GRANTED, reason, PledgeEvent.Action.DELAY_GRANTED)


@write_batch()
def delay_refuse(*, actor: User, delay: DelayRequest, reason: str) -> DelayRequest:
    """The due date stays; the city is told why."""
    reason = _clean_reason(reason, required_message=_("Give a reason: the city's officials will read it."))
    return _decide(actor, delay, DelayRequest.Status.REFUSED, reason, PledgeEvent.Action.DELAY_REFUSED)


# --- emails -----------------------------------------------------------------------------------


def _email_officials(delay: DelayRequest) -> None:
    """The decision to each approved official of the city, in their language (on commit)."""
    pledge, period = delay.pledge, delay.period
    due = rules.pledge_due_date(pledge.pk, period)  # after a grant, the day granted
    officials = (
        Membership.objects.filter(municipality_id=pledge.municipality_id, status=Membership.Status.APPROVED)
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )
    languages = dict(settings.LANGUAGES)
    for user_id, preferred in officials:
        language = preferred if preferred in languages else settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "status": delay.status,
                "municipality": name_for(pledge.municipality, language),
                "campaign_title": str(pledge.campaign.title),
                "period": str(period.label),
                "requested_due": delay.requested_due.isoformat(),
                "requested_due_display": _date(delay.requested_due),
                "due_display": _date(due),
                "reason": delay.decision_reason,
                "pledge_id": pledge.pk,
                "period_id": period.pk,
            }
        queue_email(template=DECIDED_TEMPLATE, to_user_id=user_id, context=context)
