"""Sense checks on what an official enters in a pledge, each rule once. The model's field
validators, the signing form (which also shows the limits) and pledges/services.py all ask here.

- **Statement**: a few sentences, at most STATEMENT_MAX_LENGTH characters, a line break
  counting as one (as the page's counter counts).
- **Council decision date**: not before the campaign's reference texts were adopted
  (``Campaign.texts_adopted_on``, the Mechelen Declaration by default), not after today
  for the city (``accounts.geo.local_today``).
- **Target date**: not before the council decision (before today while its date is empty),
  and at most ``Campaign.target_horizon_years`` years after today for the city.
"""

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.geo import local_today

STATEMENT_MAX_LENGTH = 1000


def statement_length(value: str) -> int:
    return len((value or "").replace("\r\n", "\n").strip())


def validate_statement(value: str) -> None:
    length = statement_length(value)
    if length > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            _(
                "The statement has %(length)s characters: keep it to a few sentences, at most %(limit)s "
                "characters. Cut %(excess)s characters."
            ),
            code="statement_too_long",
            params={"length": length, "limit": STATEMENT_MAX_LENGTH, "excess": length - STATEMENT_MAX_LENGTH},
        )


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


def council_decision_window(campaign, municipality) -> tuple[date, date]:
    """The first and the last day a council decision may carry."""
    return campaign.texts_adopted_on, local_today(municipality)


def validate_council_decision_date(day: date | None, *, campaign, municipality) -> None:
    if day is None:
        return
    earliest, latest = council_decision_window(campaign, municipality)
    if day < earliest:
        raise ValidationError(
            _(
                "The council decision cannot be dated before %(earliest)s, when the texts this pledge builds on "
                "were adopted. Check the date on the resolution."
            ),
            code="decision_too_early",
            params={"earliest": date_format(earliest)},
        )
    if day > latest:
        raise ValidationError(_("The council decision cannot be in the future."), code="decision_in_future")


def target_date_window(campaign, municipality, council_decision_date: date | None = None) -> tuple[date, date]:
    """The first and the last day a target date may be."""
    today = local_today(municipality)
    earliest = max(campaign.texts_adopted_on, council_decision_date or today)
    return earliest, years_after(today, campaign.target_horizon_years)


def validate_target_date(day: date | None, *, campaign, municipality, council_decision_date: date | None) -> None:
    if day is None:
        return
    earliest, latest = target_date_window(campaign, municipality, council_decision_date)
    if day < earliest:
        if council_decision_date:
            message = _("The target date is before the council decision of %(earliest)s: choose a later date.")
        else:
            message = _("The target date is in the past: choose a date from today on.")
        raise ValidationError(message, code="target_too_early", params={"earliest": date_format(earliest)})
    if day > latest:
        years = campaign.target_horizon_years
        raise ValidationError(
            ngettext(
                "The target date is more than %(years)s year ahead, beyond the campaign's horizon: choose a date "
                "until %(latest)s.",
                "The target date is more than %(years)s years ahead, beyond the campaign's horizon: choose a date "
                "until %(latest)s.",
                years,
            ),
            code="target_too_late",
            params={"years": years, "latest": date_format(latest)},
        )


def date_errors(
    *, campaign, municipality, council_decision_date: date | None, target_dates: Mapping[str, date | None]
) -> dict[str, ValidationError]:
    """The errors of a pledge's dates, by key: "council_decision_date" and those of
    ``target_dates``. Targets are judged against the decision date only when it is valid."""
    errors = {}
    try:
        validate_council_decision_date(council_decision_date, campaign=campaign, municipality=municipality)
    except ValidationError as exc:
        errors["council_decision_date"] = exc
        council_decision_date = None
    for key, day in target_dates.items():
        try:
            validate_target_date(
                day, campaign=campaign, municipality=municipality, council_decision_date=council_decision_date
            )
        except ValidationError as exc:
            errors[key] = exc
    return errors
