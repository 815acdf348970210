"""What a visitor gets when a request fails: our own pages, honest about what happened.

- 400, 403, 404 and 429: templates of ours (templates/400.html ...), rendered by Django's and
  allauth's handlers, in the layout of templates/errors/layout.html, which reads neither the
  user nor the session and runs no query.
- 500: ``server_error`` below, the one handler of uncaught exceptions. It tells apart
  - the database being unreachable, frozen past its time-outs or refusing a statement that
    ran too long: a public page that was served before is served again from the cache
    (campaign/public/cache.py keeps the last good copy for this), anything else gets a 503
    page with ``Retry-After``;
  - a value the database refuses (a NUL byte, say), which only bad input reaches: 400;
  - everything else: 500.
  Requests under /api/ and /data/ get JSON instead of a page.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import DataError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
MACHINE_PREFIXES = ("/api/", "/data/")


def database_unavailable(exc: BaseException | None) -> bool:
    """The database cannot answer now (down, frozen, overloaded), whatever the request was."""
    # A refused connection, a connection cut (campaign/deadline.py cuts those a frozen server
    # keeps), statement_timeout: all OperationalError; a connection already closed: Interface.
    return isinstance(exc, OperationalError | InterfaceError)


def _close_broken_connections() -> None:
    """Now, not at the end of the request: the next request of this thread connects anew
    (a connection cut by the watchdog, or to a server that restarted, is of no more use)."""
    for database in connections.all(initialized_only=True):
        if not database.in_atomic_block:
            database.close()


def _wants_data(request: HttpRequest) -> bool:
    return request.path.startswith(MACHINE_PREFIXES) or request.path.endswith(".geojson")


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503: try again soon. Nothing was changed, or, for a write, it may not have been."""
    response: HttpResponse
    if _wants_data(request):
        response = JsonResponse({"detail": _("The service is briefly unavailable. Try again in a minute.")}, status=503)
    else:
        writing = request.method not in ("GET", "HEAD", "OPTIONS")
        response = render(request, "errors/503.html", {"writing": writing}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest) -> HttpResponse:
    """400 for input no view can use (control characters in the address, a value the
    database refuses): JSON under /api/ and /data/, our page elsewhere."""
    if _wants_data(request):
        # The shape of the API's other 400s (DRF's validation errors: field -> messages).
        return JsonResponse({"non_field_errors": [_("The request holds a value that cannot be used.")]}, status=400)
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called by Django inside the ``except`` that caught the exception."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DataError):
        return bad_request(request)
    if database_unavailable(exc):
        _close_broken_connections()
        stale = _stale_public_page(request)
        if stale is not None:
            return stale
        return service_unavailable(request)
    if _wants_data(request):
        return JsonResponse({"detail": _("Something went wrong on our side. It has been logged.")}, status=500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the page of last resort must not fail in turn
        logger.exception("The 500 page could not be rendered")
        return HttpResponse(_("Server error: it has been logged."), status=500, content_type="text/plain")


# Set by the public read side when it starts (campaign/public/apps.py): serves the last good
# copy of a public page, or None. The project package cannot import it (layers point down).
stale_page_finders: list[Callable[[HttpRequest], HttpResponse | None]] = []


def _stale_public_page(request: HttpRequest) -> HttpResponse | None:
    if request.method not in ("GET", "HEAD"):
        return None
    for find in stale_page_finders:
        try:
            page = find(request)
        except Exception:
            logger.warning("No stale copy of %s could be read", request.path, exc_info=True)
            page = None
        if page is not None:
            logger.warning("Database unavailable: served the last good copy of %s", request.path)
            return page
    return None


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """allauth's rate limits (sign-in, sign-up, password reset) answer with this.

    They count in the cache: while it is down they cannot count, and refuse (fail closed)
    rather than let guesses through unlimited; the page says both reasons.
    """
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
