"""How the open API treats its clients: rate limits, and the errors its schema promises.

Rate limits
    DRF's AnonRateThrottle and UserRateThrottle, at the rates of
    ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (settings.py, from the environment), checked
    by ``rate_limited`` in front of each API address (urls.py), not by DRF inside the view:
    the API's answers are served finished from the cache (``finished_response``), which
    wraps the DRF view from outside, so a throttle inside the view would never see the
    requests answered from the cache, and a warm cache would make the limit a no-op.
    A client over its rate gets 429 with ``Retry-After`` (seconds) and a JSON body, in the
    language it asked for, never stored by the cache nor by a proxy.

    The throttles keep their counts in Django's cache. When that cache fails (Redis down) the
    request is let through, a warning logged: the API is read-only and public, its answers are
    already cached finished pages, so letting a burst through costs less than refusing every
    reader, or answering 500, while the cache is away.

The errors of the schema
    ``document_errors`` (a drf-spectacular postprocessing hook, settings.py) adds to every
    operation the answers its views give besides 200: 400 (a parameter refused, the body
    names it and says why), 404 where there is an id in the path or a page to ask for,
    and 429; so that a client generated from the schema knows them all.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from campaign.public.api import requested_language

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]


# --- rate limits ----------------------------------------------------------------------------


def _signed_in(request: HttpRequest) -> bool:
    # Without a session cookie nobody is signed in: the session is not even read, so that
    # the public answers do not vary on Cookie.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class _CurrentRate(SimpleRateThrottle):
    """The rate read from the settings each time (DRF reads them once, at import)."""

    def get_rate(self) -> str | None:
        rates = cast("dict[str, str | None]", api_settings.DEFAULT_THROTTLE_RATES or {})
        return rates.get(self.scope or "")

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return bool(super().allow_request(request, view))
        except Exception:
            # Fail open: see the module's docstring.
            logger.warning("API rate limit unavailable (cache error): request let through", exc_info=True)
            return True


class AnonymousRate(_CurrentRate, AnonRateThrottle):
    """Per address, for clients without a session (API_THROTTLE_ANON)."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if _signed_in(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRate(_CurrentRate, UserRateThrottle):
    """Per account for signed-in people, per address for the others (API_THROTTLE_USER)."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = request.user.pk if _signed_in(request) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


THROTTLES: tuple[type[_CurrentRate], ...] = (AnonymousRate, UserRate)


def too_many_requests(request: HttpRequest, wait: float | None) -> JsonResponse:
    seconds = max(1, math.ceil(wait)) if wait is not None else None
    with translation.override(requested_language(request)):
        detail = str(exceptions.Throttled(wait=seconds).detail)
    response = JsonResponse({"detail": detail}, status=429)
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(view: View) -> View:
    """Count every request to ``view``, those the finished-page cache answers included."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        waits: list[float | None] = []
        for throttle_class in THROTTLES:
            throttle = throttle_class()
            # As DRF does: every throttle counts the request, then the longest wait wins.
            if not throttle.allow_request(request, None):
                waits.append(throttle.wait())
        if waits:
            known = [wait for wait in waits if wait is not None]
            return too_many_requests(request, max(known) if known else None)
        return view(request, *args, **kwargs)

    return wrapped


# --- the errors of the schema ---------------------------------------------------------------


def _json(reference: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{reference}"}}}


# campaign/request_guard.py refuses any address with a control character (400), before the API.
NO_CONTROL_CHARACTERS = r"^[^\u0000-\u001F\u007F]*$"


def _no_control_characters(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", NO_CONTROL_CHARACTERS)


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the 400, 404 and 429 answers of each operation."""
    # gettext at generation time: drf-spectacular activates the language the schema is asked in.
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": _("What went wrong, in the language asked for.")}},
        "required": ["detail"],
    }
    schemas["InvalidParameters"] = {
        "type": "object",
        "description": _("For each parameter refused, why, in the language asked for."),
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }
    invalid = {
        "description": _(
            "A parameter was refused (an unknown lang, a value of the wrong type or out of range); the body "
            "names it and says why."
        ),
        "content": _json("InvalidParameters"),
    }
    not_found = {"description": _("No such public record, or a page beyond the last one."), "content": _json("Error")}
    throttled = {
        "description": _("Too many requests from this client: try again after Retry-After seconds."),
        "headers": {
            "Retry-After": {
                "schema": {"type": "integer", "minimum": 1},
                "description": _("Seconds to wait before the next request."),
            }
        },
        "content": _json("Error"),
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _no_control_characters(parameter["schema"])
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", invalid)
            if any(p["in"] == "path" or p["name"] == "page" for p in operation.get("parameters", [])):
                responses.setdefault("404", not_found)
            responses.setdefault("429", throttled)
    return result


def address_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/v1/ (an id that is not a number, a typo): a JSON 404, as
    the operations answer theirs, rather than the site's HTML page."""
    with translation.override(requested_language(request)):
        detail = str(exceptions.NotFound().detail)
    return JsonResponse({"detail": detail}, status=404)
