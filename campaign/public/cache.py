"""Finished public pages: stored as the bytes sent, under a version that a commit bumps.

The version
    ``public_version()`` is a token kept in Django's cache under ``public:version``. Every
    save or delete of what the public side shows (pledges, their commitments and reports,
    municipalities, campaigns, commitments, periods: the receivers are connected in
    apps.py) calls ``bump_public_version()``, which replaces the token once the transaction
    commits, never before: a page computed from the old rows cannot be stored under the
    new token, since a request reads the token before it reads the rows. Every worker and
    process sharing the cache sees the new token on its next request (settings.py: Redis,
    or a folder of files without it).

The pages
    ``finished_response()`` wraps a public GET view. For a visitor without a session (no
    session cookie and no messages cookie; request.user and the session are not read) it
    answers from the cache: the page is looked up under the version, the address (scheme,
    host, path, sorted query), the language, the encoding and the quarter of an hour (what
    is open or late turns at midnight in some time zone: every UTC offset is a multiple of
    15 minutes). A warm page costs two cache reads and no query. On a miss the view runs
    and a 200 is stored three times, as identity, gzip and brotli bytes, each with its own
    strong ETag; the visitor gets the encoding their Accept-Encoding prefers (br, then
    gzip, then identity), 304 when If-None-Match matches, and a public Cache-Control a
    reverse proxy or CDN may keep.

    A request with a session cookie is never answered from the cache nor stored: the view
    runs and the response is private. A proxy in front must pass such requests to the site
    (README, "Production"); the public responses do not say ``Vary: Cookie``, which would
    make most proxies keep nothing.

    A page that sets a cookie, renders a CSRF token, writes the session, queues a message
    or answers anything but a plain 200 is served as the view made it and never stored.
    A cache that fails (Redis down) costs the page its speed, never the page: the view
    runs, a warning is logged.

    Each process also keeps the pages it served last in its own memory (``LocalPages``,
    a few tens of MB at most), under the same keys: the version in the key is read from
    the shared cache on every request, so a copy of a retired version is never served,
    and a warm page costs one small shared read instead of reading, inflating and
    unpickling a map of several hundred kB from Redis or a file.

    For the database's outages, each page is also kept once more, in gzip, under its address
    alone (no version, no quarter of an hour) for ``PUBLIC_STALE_TIMEOUT`` seconds: the last
    good copy. When a view fails because the database cannot answer, the site's 500 handler
    (campaign/errors.py) asks ``last_good_page()`` for it and serves it, marked, instead of
    an error: a public page of a few minutes ago beats a 503.

    A request made inside a transaction that has changed public rows and not committed
    them yet (``sees_uncommitted_changes``: never a request of the site, which runs in
    autocommit; a test's request, inside the test's transaction) bypasses the cache: it
    would otherwise be served the page of before its own change, or store rows that may
    be rolled back for everyone.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import brotli  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]

VERSION_KEY = "public:version"
SCHEMA = "p1"  # change it when Finished changes, so no entry of the old shape is read
TIME_BUCKET_SECONDS = 15 * 60
DEFAULT_TIMEOUT = 60 * 60 * 24
ENCODINGS = ("br", "gzip", "identity")
# Each miss compresses twice: on 150 kB of HTML gzip 6 takes 8 ms and brotli 5 takes 12 ms,
# their output within 1% of gzip 9 (14 ms) and 6% of brotli 9 (31 ms; brotli 11: 230 ms).
GZIP_LEVEL = 6
BROTLI_QUALITY = 5
STALE_WHILE_REVALIDATE = 300
STALE_IF_ERROR = 60 * 60 * 24
PRIVATE_CACHE_CONTROL = "private, no-cache"
# What the view said that is not about the bytes or their caching is served again as it was
# (Content-Language, Content-Disposition, Content-Security-Policy, Permissions-Policy,
# Link...); these are computed here or must never be replayed.
NOT_REPLAYED = frozenset(
    {
        "cache-control",
        "content-encoding",
        "content-length",
        "content-type",
        "date",
        "etag",
        "expires",
        "set-cookie",
        "vary",
    }
)
# A view may say that its page varies on these: the key already carries the encoding and
# the language. Anything else (Cookie above all) means the page is not the same for
# everyone: it is not stored.
VARY_ALLOWED = frozenset({"accept-encoding", "accept-language"})


# --- the version ---------------------------------------------------------------------------


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def public_version() -> str:
    """The current version of the public side; drawn and kept when the cache has none.

    Raises what the cache raises: callers decide what a failing cache means for them.
    """
    token = cache.get(VERSION_KEY)
    if token is None:
        token = _new_token()
        if not cache.add(VERSION_KEY, token, timeout=None):
            token = cache.get(VERSION_KEY) or token
    return str(token)


def _replace_version() -> None:
    try:
        cache.set(VERSION_KEY, _new_token(), timeout=None)
    except Exception:
        # The change is saved; the pages of the old version expire on their own.
        logger.exception("Could not bump the public version: public pages may be stale for a while")


def bump_public_version() -> None:
    """Retire every stored public page, once the current transaction commits (now without one)."""
    transaction.on_commit(_replace_version, robust=True)


def sees_uncommitted_changes() -> bool:
    """Whether this thread's open transaction changed what the public sees, not committed yet.

    Its requests read rows no one else sees (and that may be rolled back): they are neither
    served the pages of before nor stored for everyone. Requests run in autocommit
    (ATOMIC_REQUESTS is off), so in production this is false; a test that makes its data
    inside the test's transaction gets its pages computed, as before the cache.
    """
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(entry[1] is _replace_version for entry in connection.run_on_commit)


def public_data_changed(sender: type[Any], **kwargs: Any) -> None:
    """Receiver of post_save and post_delete of what the public side shows (apps.py)."""
    bump_public_version()


# --- what is stored --------------------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    """One page in one encoding, as it is sent."""

    status: int
    content_type: str
    encoding: str
    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]
    vary: tuple[str, ...]
    xframe_options_exempt: bool


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        compressed: bytes = brotli.compress(body, quality=BROTLI_QUALITY)
        return compressed
    if encoding == "gzip":
        # mtime=0: the same page gives the same bytes in every process.
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    return body


def _etag(body: bytes, version: str, encoding: str) -> str:
    digest = hashlib.sha256(version.encode() + b"\0" + body).hexdigest()[:32]
    # Each encoding is its own representation: its own strong validator (as nginx does).
    return f'"{digest}"' if encoding == "identity" else f'"{digest}-{encoding}"'


def _vary_of(response: HttpResponseBase) -> list[str]:
    header = response.get("Vary") or ""
    return [field.strip() for field in header.split(",") if field.strip()]


def _storable(request: HttpRequest, response: HttpResponse, vary_allowed: frozenset[str] = VARY_ALLOWED) -> bool:
    """A plain 200 that is the same for every visitor without a session."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Content-Encoding"):
        return False
    if any(field.lower() not in vary_allowed for field in _vary_of(response)):
        return False
    cache_control = (response.get("Cache-Control") or "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # A CSRF cookie goes out with this page: it rendered a token (one visitor's token must
        # not reach everyone), or the visitor's cookie was malformed and is replaced.
        logger.warning("%s sets a CSRF cookie for an anonymous visitor: it is not cached", request.path)
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


def _finish(response: HttpResponse, version: str, language: str) -> dict[str, Finished]:
    body = response.content
    headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_REPLAYED]
    if not any(name.lower() == "content-language" for name, _value in headers):
        headers.append(("Content-Language", language))
    common: dict[str, Any] = {
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "headers": tuple(headers),
        "vary": tuple(_vary_of(response)),
        "xframe_options_exempt": bool(getattr(response, "xframe_options_exempt", False)),
    }
    return {
        encoding: Finished(
            encoding=encoding, body=_compress(body, encoding), etag=_etag(body, version, encoding), **common
        )
        for encoding in ENCODINGS
    }


class LocalPages:
    """This process's copies of the finished pages it served last, by their cache key: at
    most ``limit`` bytes of bodies, the least recently served dropped first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pages: OrderedDict[str, Finished] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # runserver and threaded workers share the process

    def get(self, key: str) -> Finished | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: Finished) -> None:
        size = len(page.body)
        if size > self.limit // 4:
            return  # one page never pushes out all the others
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._pages[key] = page
            self._size += size
            while self._size > self.limit:
                _key, dropped = self._pages.popitem(last=False)
                self._size -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0


# 32 MB a process: the maps of a few campaigns in their three encodings and a few
# thousand pages of HTML.
local_pages = LocalPages(limit=32 * 1024 * 1024)


# --- the request ---------------------------------------------------------------------------


def choose_encoding(accept_encoding: str) -> str:
    """br, gzip or identity: the highest q the header gives, br before gzip before identity.

    A coding the header does not name is refused unless ``*`` accepts it; identity is
    always possible (the last resort, even when refused: a page beats a 406).
    """
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, _sep, params = part.partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _eq, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        weights[coding] = weight
    if "x-gzip" in weights and "gzip" not in weights:
        weights["gzip"] = weights["x-gzip"]
    star = weights.get("*")
    default = {"br": star or 0.0, "gzip": star or 0.0, "identity": 0.001 if star is None else star}
    ranked = [
        (weights.get(coding, default[coding]), -rank, coding)
        for rank, coding in enumerate(ENCODINGS)
        if weights.get(coding, default[coding]) > 0
    ]
    return max(ranked)[2] if ranked else "identity"


def has_visitor_state(request: HttpRequest) -> bool:
    """A session (someone signed in, or anyone the site keeps something for) or a message."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def _address(request: HttpRequest) -> str:
    """Scheme, host, path and the query sorted by name (values keep their order)."""
    pairs = [(name, value) for name, values in sorted(request.GET.lists()) for value in values]
    query = urlencode(pairs)
    return f"{request.scheme}://{request.get_host()}{request.path}" + (f"?{query}" if query else "")


def cache_key(request: HttpRequest, version: str, language: str, encoding: str) -> str:
    address = hashlib.sha256(_address(request).encode()).hexdigest()[:32]
    bucket = int(time.time() // TIME_BUCKET_SECONDS)
    return f"public:page:{SCHEMA}:{version}:{language}:{encoding}:{bucket}:{address}"


def _timeout() -> int:
    return min(int(getattr(settings, "PUBLIC_CACHE_TIMEOUT", DEFAULT_TIMEOUT)), DEFAULT_TIMEOUT)


def last_good_key(request: HttpRequest, variant: str) -> str:
    address = hashlib.sha256(_address(request).encode()).hexdigest()[:32]
    return f"public:last:{SCHEMA}:{variant}:{address}"


def _keep_last_good(request: HttpRequest, variant: str, page: Finished) -> None:
    timeout = int(getattr(settings, "PUBLIC_STALE_TIMEOUT", 7 * DEFAULT_TIMEOUT))
    cache.set(last_good_key(request, variant), page, timeout)


def last_good_page(request: HttpRequest) -> HttpResponse | None:
    """The last good copy of this public page, for when the database cannot answer, or None.

    Marked for what it is: no proxy keeps it (``no-store``) and ``X-Served-From`` says so.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    page: Any = None
    for variant in (f"{language}-{_accept_kind(request)}", language):
        page = cache.get(last_good_key(request, variant))
        if isinstance(page, Finished):
            break
    if not isinstance(page, Finished):
        return None
    if choose_encoding(request.headers.get("Accept-Encoding", "")) == "identity":
        page = replace(page, encoding="identity", body=gzip.decompress(page.body))
    response = _serve(request, page, "no-store")
    response["X-Served-From"] = "last-good-copy"
    return response


def _not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _forget_session_access(request: HttpRequest) -> None:
    """No session cookie, so no session: asking whether someone is signed in (the layout does,
    and a middleware may) found nobody without a query, and the page does not vary on
    Cookie. Without this, SessionMiddleware would add ``Vary: Cookie`` to the public page."""
    session = getattr(request, "session", None)
    if session is not None and not session.modified:
        session.accessed = False


def _serve(request: HttpRequest, page: Finished, cache_control: str) -> HttpResponse:
    response: HttpResponse
    if _not_modified(request, page.etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(page.body, content_type=page.content_type, status=page.status)
        for name, value in page.headers:
            response[name] = value
        if page.encoding != "identity":
            response["Content-Encoding"] = page.encoding
        response["Content-Length"] = str(len(page.body))
    response["ETag"] = page.etag
    # A visitor whose CSRF cookie is malformed gets a new one with the page: not for proxies.
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") else cache_control
    patch_vary_headers(response, (*page.vary, "Accept-Encoding"))
    if page.xframe_options_exempt:
        response.xframe_options_exempt = True
    _forget_session_access(request)
    return response


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    patch_vary_headers(response, ("Cookie",))
    return response


def _accept_kind(request: HttpRequest) -> str:
    """What a negotiating view (the API) answers: its HTML page to browsers, else data."""
    return "html" if "text/html" in request.headers.get("Accept", "") else "data"


def finished_response(*, max_age: int = 60, s_maxage: int = 300, negotiates: bool = False) -> Callable[[View], View]:
    """Serve a public GET/HEAD view's page from the cache to visitors without a session.

    ``negotiates``: the view answers by the Accept header (DRF: JSON or its browsable HTML);
    the kind asked for is then part of the key, and ``Vary: Accept`` does not stop storing."""
    vary_allowed = VARY_ALLOWED | {"accept"} if negotiates else VARY_ALLOWED
    cache_control = (
        f"public, max-age={max_age}, s-maxage={s_maxage}, "
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE}, stale-if-error={STALE_IF_ERROR}"
    )

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if has_visitor_state(request):
                return _private(view(request, *args, **kwargs))
            if sees_uncommitted_changes():
                return view(request, *args, **kwargs)

            language = translation.get_language() or settings.LANGUAGE_CODE
            variant = f"{language}-{_accept_kind(request)}" if negotiates else language  # part of the key
            encoding = choose_encoding(request.headers.get("Accept-Encoding", ""))
            version: str | None = None
            page: Any = None
            try:
                version = public_version()
                key = cache_key(request, version, variant, encoding)
                page = local_pages.get(key)
                if page is None:
                    page = cache.get(key)
                    if isinstance(page, Finished):
                        local_pages.put(key, page)
            except Exception:
                logger.warning("Public page cache unavailable, computing %s", request.path, exc_info=True)
            if isinstance(page, Finished):
                return _serve(request, page, cache_control)

            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()  # now: what the template reads (a CSRF token?) decides below
            if not isinstance(response, HttpResponse) or not _storable(request, response, vary_allowed):
                return response
            pages = _finish(response, version or "", language)
            if version is not None:
                try:
                    keyed = {cache_key(request, version, variant, e): p for e, p in pages.items()}
                    cache.set_many(keyed, _timeout())
                    served_key = cache_key(request, version, variant, encoding)
                    local_pages.put(served_key, keyed[served_key])
                    _keep_last_good(request, variant, pages["gzip"])
                except Exception:
                    logger.warning("Could not store the public page %s", request.path, exc_info=True)
            return _serve(request, pages[encoding], cache_control)

        return wrapped

    return decorator
