"""Requests no view should see: refused before anything reads them.

- A body larger than ``REQUEST_MAX_BYTES`` (the largest upload with room for the form's
  fields) is refused with 413 from its Content-Length, before a byte of it is read, and the
  connection is closed so that the server does not read it either.
- A NUL byte, or another control character that has no place in an address, in the path
  or the query string: 400. PostgreSQL refuses NUL in text, so such a value would otherwise
  travel to the first query and fail there.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaign.errors import bad_request

# C0 controls and DEL, as decoded from the path or the query (tabs and line ends included:
# no address carries them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _has_control_characters(request: HttpRequest) -> bool:
    if CONTROL_CHARACTERS.search(request.path_info):
        return True
    return any(
        CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for name, values in request.GET.lists()
    )


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return -1


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length < 0:
            return bad_request(request)
        if length > settings.REQUEST_MAX_BYTES:
            response = render(
                request,
                "errors/413.html",
                {"limit_mb": settings.REQUEST_MAX_BYTES // (1024 * 1024)},
                status=413,
            )
            response["Connection"] = "close"
            return response
        if _has_control_characters(request):
            return bad_request(request)
        return self.get_response(request)
