"""Following a city: email updates when it publishes a report (issue 13, part 6).

Anyone may follow a city that has a public pledge; nobody needs an account. The flow is
double opt-in, as alphagov/e-petitions signs a petition:

1. ``follow(email, municipality, language)`` records a *pending* ``Follower`` and emails a
   confirmation link that holds its token. Nothing else is ever sent to a pending address.
   Asking again gives the same answer whatever the address's state, so the form does not
   tell who follows a city: a pending or unsubscribed address gets the confirmation again
   (an unsubscribed one with a new token), an address that already follows gets nothing.
2. ``confirm(token)`` makes it active.
3. ``follower_unsubscribe(token)``: one click; the same token, in a link of every update and
   in its RFC 8058 ``List-Unsubscribe`` header (mail programs POST there, without a CSRF
   token: the token is the secret). Unsubscribed, an address gets nothing more.

On ``pledges.signals.report_published`` each active follower of the city gets one email in
the language they followed in, through the outbox (category "digest", to the bare address,
with this list's own unsubscribe link), idempotent per follower and version: the key
``follow:<follower>:version:<version>`` makes a second signal for the same version queue
nothing. The rows are queued in the publishing transaction and sent after it commits.

Tokens are 32 random bytes (``secrets.token_urlsafe``): unguessable, unique, and the only
way to a follower's pages; a wrong one gets the same 404 as a forgotten one.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.services import name_for
from campaign.models import Commitment
from campaign.outbox.emails import queue_email
from campaign.outbox.models import EmailCategory
from pledges import rules
from pledges.models import Follower, ProgressUpdate, ReportVersion

log = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 43 URL-safe characters
CONFIRM_TEMPLATE = "follow_confirm"
UPDATE_TEMPLATE = "report_published_follower"
# Followers' updates are non-essential mail about a city's progress.
UPDATE_CATEGORY = EmailCategory.DIGEST


def new_follow_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def normalize_email(email: str) -> str:
    """One address, one follower per city: compared without case or surrounding spaces."""
    return (email or "").strip().lower()


def follow_language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").lower().split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def _site_url(name: str, language: str, *args: Any) -> str:
    site_url: str = settings.SITE_URL
    with translation.override(language):
        return site_url + reverse(name, args=args)


def confirm_url(follower: Follower) -> str:
    return _site_url("follow:confirm", follower.language, follower.token)


def unsubscribe_url(follower: Follower) -> str:
    return _site_url("follow:unsubscribe", follower.language, follower.token)


def report_anchor(pledge_id: int, period_id: int) -> str:
    """The id of a report on the city's profile (templates/pledges/includes/pledge_public.html)."""
    return f"pledge-{pledge_id}-report-{period_id}"


# --- who may see what -------------------------------------------------------------------


def access_followed_city(municipality_slug: str) -> Municipality:
    """A municipality anyone may follow: one with a public pledge. Others are 404, as their
    profile is."""
    municipality = get_object_or_404(Municipality, slug=municipality_slug)
    if not rules.public_pledges().filter(municipality=municipality).exists():
        raise Http404
    return municipality


def access_follower(token: str) -> Follower:
    """The follower a link's token names; 404 for any other string."""
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(Follower.objects.select_related("municipality"), token=token)


# --- the services ---------------------------------------------------------------------------


def _send_confirmation(follower: Follower) -> None:
    queue_email(
        template=CONFIRM_TEMPLATE,
        to_email=follower.email,
        context={
            "language": follower.language,
            "municipality": name_for(follower.municipality, follower.language),
            "confirm_url": confirm_url(follower),
        },
    )


@transaction.atomic
def follow(*, email: str, municipality: Municipality, language: str) -> Follower:
    """Ask for updates of ``municipality`` at ``email``: a pending follower and a confirmation
    email (see the module's docstring for what asking again does). Anyone may ask; the
    city must have a public pledge."""
    address = normalize_email(email)
    EmailValidator(message=_("Enter a valid email address."))(address)
    if len(address) > 254:
        raise ValidationError(_("Enter a valid email address."))
    if not rules.public_pledges().filter(municipality=municipality).exists():
        raise ValidationError(_("This city cannot be followed."))
    language = follow_language(language)
    follower = Follower.objects.select_for_update().filter(municipality=municipality, email=address).first()
    if follower is None:
        try:
            with transaction.atomic():
                follower = Follower.objects.create(
                    municipality=municipality, email=address, language=language, token=new_follow_token()
                )
        except IntegrityError:  # the same address asked twice at once: the other request sends
            return Follower.objects.get(municipality=municipality, email=address)
        log.info("follower %s asked to follow municipality %s", follower.pk, municipality.pk)
    elif follower.is_active:
        return follower  # already following: nothing to send, and the same answer
    else:
        if follower.unsubscribed_at is not None:
            # Asking again after leaving: a new token, so that old links stay dead.
            follower.token = new_follow_token()
            follower.unsubscribed_at = None
            follower.confirmed_at = None
        follower.language = language
        follower.save(update_fields=["token", "unsubscribed_at", "confirmed_at", "language"])
    _send_confirmation(follower)
    return follower


@transaction.atomic
def confirm(*, token: str) -> Follower:
    """The owner of the address said yes: updates start. Idempotent. An unsubscribed
    follower's link no longer works (Http404): they ask again from the city's page."""
    follower = access_follower(token)
    follower = Follower.objects.select_for_update().select_related("municipality").get(pk=follower.pk)
    if follower.unsubscribed_at is not None:
        raise Http404
    if follower.confirmed_at is None:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
        log.info("follower %s confirmed", follower.pk)
    return follower


@transaction.atomic
def follower_unsubscribe(*, token: str, one_click: bool = False) -> Follower:
    """No more updates to this address for this city. Idempotent."""
    follower = access_follower(token)
    follower = Follower.objects.select_for_update().select_related("municipality").get(pk=follower.pk)
    if follower.unsubscribed_at is None:
        follower.unsubscribed_at = timezone.now()
        follower.save(update_fields=["unsubscribed_at"])
        log.info("follower %s unsubscribed (%s)", follower.pk, "one click" if one_click else "link")
    return follower


# --- updates on publication -------------------------------------------------------------------


def active_followers(municipality_id: int) -> list[Follower]:
    return list(
        Follower.objects.filter(
            municipality_id=municipality_id, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ).order_by("pk")
    )


def report_summary(version: ReportVersion, commitments: dict[int, Commitment]) -> list[dict[str, str]]:
    """Each commitment of the version with its status, in the active language."""
    labels = dict(ProgressUpdate.Status.choices)
    summary = []
    for update in (version.content or {}).get("updates", []):
        commitment = commitments.get(update.get("commitment_id"))
        summary.append(
            {
                "code": str(update.get("code", "")),
                "title": str(commitment.title) if commitment else "",
                "status": str(labels.get(update.get("status"), update.get("status", ""))),
            }
        )
    return summary


def version_commitments(versions: list[ReportVersion]) -> dict[int, Commitment]:
    ids = {
        u.get("commitment_id") for v in versions for u in (v.content or {}).get("updates", []) if u.get("commitment_id")
    }
    return Commitment.objects.in_bulk(ids)


def notify_followers(version: ReportVersion) -> int:
    """Queue one update per active follower of the version's city. Returns how many rows were
    queued (existing ones included: the idempotency key finds them)."""
    version = ReportVersion.objects.select_related(
        "report__period", "report__pledge__municipality", "report__pledge__campaign"
    ).get(pk=version.pk)
    pledge = version.report.pledge
    if version.published_at is None or not rules.is_public(pledge):
        return 0
    followers = active_followers(pledge.municipality_id)
    if not followers:
        return 0
    commitments = version_commitments([version])
    period = version.report.period
    by_language: dict[str, dict[str, Any]] = {}
    count = 0
    for follower in followers:
        language = follow_language(follower.language)
        if language not in by_language:
            with translation.override(language):
                by_language[language] = {
                    "language": language,
                    "municipality": name_for(pledge.municipality, language),
                    "period": str(period.label),
                    "campaign_title": str(pledge.campaign.title),
                    "version": version.number,
                    "corrected": version.number > 1,
                    "summary": report_summary(version, commitments),
                    "report_url": _site_url("cities:detail", language, pledge.municipality.slug)
                    + "#"
                    + report_anchor(pledge.pk, period.pk),
                }
        url = unsubscribe_url(follower)
        queue_email(
            template=UPDATE_TEMPLATE,
            to_email=follower.email,
            context={**by_language[language], "follower_unsubscribe_url": url},
            category=UPDATE_CATEGORY,
            idempotency_key=f"follow:{follower.pk}:version:{version.pk}",
            group_key=f"follow-version:{version.pk}",
            unsubscribe_url=url,
        )
        count += 1
    return count


def on_report_published(sender: Any, version: ReportVersion, **kwargs: Any) -> None:
    """Receiver of ``pledges.signals.report_published`` (connected in pledges/apps.py)."""
    notify_followers(version)
