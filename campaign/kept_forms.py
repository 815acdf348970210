"""Nothing typed is lost when a long form is posted after its session ended.

The long forms (a pledge, a progress report, a membership request, an announcement) can
take an hour to write. If the session ends meanwhile (logged out in another tab, expired)
or the CSRF token went stale (logged in again elsewhere), the post would be answered by a
login redirect or a 403 and the text would be gone. Instead:

- the posted text fields (never files, never the CSRF token) are kept in the cache for a
  day, under a random id carried by a signed cookie of this browser (``kept_form``);
- each long form carries a signed owner token (``{% kept_form %}`` renders it): the text
  is kept only when the post names an owner we signed, and comes back only to that same
  account, on the same form (view name and arguments, whatever the language prefix), after
  the view's own access checks passed (the template renders it), and only once;
- ``KeptFormMiddleware`` keeps the post of a visitor without a session before the view's
  login gate redirects, and tells drafts.js (cookie ``drafts_saved``) which drafts a
  successful save made obsolete; ``campaign/csrf_failure.py`` keeps the post of a CSRF
  failure.

The cache, not the database: the CSRF failure page must work while the database is down,
and a kept text is short-lived. The browser keeps its own copy too (static/js/drafts.js).
"""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import ResolverMatch
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The long forms, by view name. Their views require a signed-in account.
LONG_FORM_VIEWS = frozenset(
    {
        "pledges:edit",
        "reports:edit",
        "accounts:membership_request",
        "announcements:new",
        "announcements:edit",
    }
)

OWNER_FIELD = "_kept_owner"
OWNER_SALT = "campaign.kept_forms.owner"
# A form page may stay open for weeks before it is posted.
OWNER_MAX_AGE = 30 * 24 * 3600

COOKIE = "kept_form"
COOKIE_SALT = "campaign.kept_forms.cookie"
KEPT_SECONDS = 24 * 3600
CACHE_PREFIX = "kept-form:"
# An anonymous post must not fill the cache: a report of twenty commitments of 10,000
# characters each fits; more is not kept (the browser's draft still has it).
MAX_KEPT_CHARS = 300_000
MAX_KEPT_FIELDS = 300
MAX_FORMS_PER_BROWSER = 5
NOT_KEPT = frozenset({"csrfmiddlewaretoken", OWNER_FIELD})

# Tells drafts.js which of its drafts were saved: "<draft key>|<draft key>...".
SAVED_COOKIE = "drafts_saved"
SAVED_COOKIE_MAX_AGE = 30 * 24 * 3600
MAX_SAVED_KEYS = 10


@dataclass
class KeptForm:
    """What was kept of one post: the fields' values, and whether files were left out."""

    address: str
    owner: int
    data: dict[str, list[str]]
    had_files: bool
    kept_at: str

    def texts(self) -> list[str]:
        """The values worth showing back to a person: what they wrote, not ids, ticks or dates."""
        return [v for values in self.data.values() for v in values if _is_prose(v)]


def _is_prose(value: str) -> bool:
    stripped = value.strip()
    return len(stripped) >= 3 and any(c.isalpha() for c in stripped) and stripped not in ("on", "off")


# --- which form ------------------------------------------------------------------------


def form_address(match: ResolverMatch | None) -> str | None:
    """A long form's address, the same in every language: "reports:edit:5:3" (the view's
    name, then its arguments by name). None for any other page."""
    if match is None or match.view_name not in LONG_FORM_VIEWS:
        return None
    arguments = [str(match.kwargs[name]) for name in sorted(match.kwargs)]
    return ":".join([match.view_name, *arguments])


def draft_key(user: Any, address: str) -> str:
    """The browser's key for a draft of this form by this account (cookie-safe characters)."""
    return f"{getattr(user, 'pk', None) or 0}:{address}"


def owner_token(user: Any, address: str) -> str:
    return signing.dumps({"user": user.pk, "form": address}, salt=OWNER_SALT)


def owner_of(token: str, address: str) -> int | None:
    """The account a form page was shown to, if the token is ours, recent and for this form."""
    try:
        data = signing.loads(token, salt=OWNER_SALT, max_age=OWNER_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("form") != address or not isinstance(data.get("user"), int):
        return None
    return data["user"]


# --- keeping ---------------------------------------------------------------------------


def keep_post(request: HttpRequest) -> KeptForm | None:
    """Keep the text fields of this post to a long form, if it names the account it was
    written by. Never reads the session or the database: it runs for CSRF failures too.
    The cookie that finds it again is set by the middleware."""
    address = form_address(request.resolver_match)
    if address is None or request.method != "POST":
        return None
    owner = owner_of(request.POST.get(OWNER_FIELD, ""), address)
    if owner is None:
        return None
    data = {key: values for key, values in request.POST.lists() if key not in NOT_KEPT}
    if len(data) > MAX_KEPT_FIELDS or sum(len(v) for values in data.values() for v in values) > MAX_KEPT_CHARS:
        logger.info("Post to %s too large to keep", address)
        return None
    kept = KeptForm(
        address=address,
        owner=owner,
        data=data,
        had_files=bool(request.FILES),
        kept_at=timezone.now().isoformat(),
    )
    stash_id = _current_stash_id(request) or secrets.token_urlsafe(24)
    try:
        entry = cache.get(CACHE_PREFIX + stash_id) or {}
        entry.pop(address, None)
        entry[address] = kept.__dict__
        # The newest forms win; a browser keeps a few at most.
        entry = dict(list(entry.items())[-MAX_FORMS_PER_BROWSER:])
        cache.set(CACHE_PREFIX + stash_id, entry, KEPT_SECONDS)
    except Exception:
        # The cache is down: the CSRF page still shows the text, and the browser has its draft.
        logger.warning("Could not keep the post to %s", address, exc_info=True)
        return None
    request._kept_form_stash_id = stash_id  # type: ignore[attr-defined]
    return kept


def _current_stash_id(request: HttpRequest) -> str | None:
    value = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT, max_age=KEPT_SECONDS)
    return value or None


def take_kept(request: HttpRequest) -> KeptForm | None:
    """The text this browser kept for the form of this page, if it was written by the
    signed-in account; forgotten once taken."""
    address = form_address(request.resolver_match)
    user = getattr(request, "user", None)
    stash_id = _current_stash_id(request)
    if address is None or stash_id is None or not (user and user.is_authenticated):
        return None
    try:
        entry = cache.get(CACHE_PREFIX + stash_id) or {}
        item = entry.get(address)
        if item is None or item.get("owner") != user.pk:
            # Another account's text stays where it is until it expires: never shown here.
            return None
        del entry[address]
        found = KeptForm(**item)
        # The cache entry may outlive it: a later post to another form renews the entry.
        is_fresh = timezone.now() - datetime.fromisoformat(found.kept_at) <= timedelta(seconds=KEPT_SECONDS)
        if entry:
            cache.set(CACHE_PREFIX + stash_id, entry, KEPT_SECONDS)
        else:
            cache.delete(CACHE_PREFIX + stash_id)
            request._kept_form_emptied = True  # type: ignore[attr-defined]
        return found if is_fresh else None
    except Exception:
        logger.warning("Could not read the kept post of %s", address, exc_info=True)
        return None


# --- restoring -------------------------------------------------------------------------


def restore_into(form: forms.BaseForm | forms.BaseFormSet, kept: KeptForm) -> int:
    """Put the kept values into an unbound form's (or formset's) initial data, field by
    field, as if the view had given them: the person checks them and saves again. Files,
    hidden and locked fields keep what the view gave. Returns how many fields were set."""
    posted = _as_query_dict(kept.data)
    restored = 0
    for each in _forms_of(form):
        if each.is_bound:
            continue
        for name, field in each.fields.items():
            if field.disabled or field.widget.is_hidden or isinstance(field, forms.FileField):
                continue
            key = each.add_prefix(name)
            if field.widget.value_omitted_from_data(posted, {}, key):
                continue
            # Before the field is rendered: a bound field reads its initial value once.
            each.initial[name] = field.widget.value_from_datadict(posted, {}, key)
            restored += 1
    return restored


def _forms_of(form: forms.BaseForm | forms.BaseFormSet) -> Iterable[forms.BaseForm]:
    return form.forms if isinstance(form, forms.BaseFormSet) else [form]


def _as_query_dict(data: dict[str, list[str]]) -> QueryDict:
    posted = QueryDict(mutable=True)
    for key, values in data.items():
        posted.setlist(key, values)
    return posted


# --- the middleware ----------------------------------------------------------------------


class KeptFormMiddleware:
    """Keeps what a visitor without a session posts to a long form, before the view's login
    gate redirects it away; and after a successful save of a long form, names the browser
    drafts that are no longer needed.

    Sits after the CSRF, authentication and messages middleware: a post that fails the CSRF
    check never reaches it (campaign/csrf_failure.py keeps that one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        stash_id = getattr(request, "_kept_form_stash_id", None)
        if stash_id:
            set_kept_cookie(response, stash_id)
        elif getattr(request, "_kept_form_emptied", False):
            response.delete_cookie(COOKIE, samesite="Lax")
        if _is_successful_save(request, response):
            _name_saved_draft(request, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        user = getattr(request, "user", None)
        is_anonymous_post = request.method == "POST" and not (user and user.is_authenticated)
        if is_anonymous_post and keep_post(request) is not None:
            messages.info(request, _("Your session has ended. Log in again: the text you sent is kept."))
        return None


def set_kept_cookie(response: HttpResponse, stash_id: str) -> None:
    response.set_signed_cookie(
        COOKIE,
        stash_id,
        salt=COOKIE_SALT,
        max_age=KEPT_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _is_successful_save(request: HttpRequest, response: HttpResponse) -> bool:
    """A long form's views redirect after a save, and re-render the form when it failed.
    A redirect with an error or warning (a closed period, a pledge already submitted) is
    not a save."""
    user = getattr(request, "user", None)
    if request.method != "POST" or response.status_code not in (301, 302, 303) or not (user and user.is_authenticated):
        return False
    if form_address(request.resolver_match) is None:
        return False
    # Only the messages this request added; reading them through the public API would mark
    # them as shown.
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return not any(message.level >= messages.WARNING for message in queued)


def _name_saved_draft(request: HttpRequest, response: HttpResponse) -> None:
    address = form_address(request.resolver_match)
    assert address is not None
    key = draft_key(request.user, address)
    earlier = [k for k in request.COOKIES.get(SAVED_COOKIE, "").split("|") if k and k != key]
    response.set_cookie(
        SAVED_COOKIE,
        "|".join([*earlier[-(MAX_SAVED_KEYS - 1) :], key]),
        max_age=SAVED_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # drafts.js reads it and deletes it
        samesite="Lax",
    )
