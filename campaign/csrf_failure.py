"""The page of a post refused by the CSRF check (settings.CSRF_FAILURE_VIEW).

Usually the session ended or the page was open too long (a log-in in another tab renews
the token). For a long form the text is kept (campaign/kept_forms.py) and comes back when
the form is opened again; the page says so, shows the text to copy anyway, and links back.

Like every error page, it reads neither the user nor the session and runs no query: it
must render while the database is down.
"""

from django.http import HttpRequest, HttpResponseForbidden
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

from campaign import kept_forms


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    is_long_form = kept_forms.form_address(request.resolver_match) is not None
    kept = kept_forms.keep_post(request) if is_long_form else None
    context = {
        "kept": kept,
        "texts": kept.texts() if kept else _posted_texts(request) if is_long_form else [],
        "back_url": request.path if is_long_form else _same_origin_referer(request),
    }
    response = HttpResponseForbidden(loader.render_to_string("errors/csrf_failure.html", context))
    if kept is not None:
        kept_forms.set_kept_cookie(response, request._kept_form_stash_id)  # type: ignore[attr-defined]
    return response


def _posted_texts(request: HttpRequest) -> list[str]:
    """What was written, when it could not be kept: shown so that it can be copied."""
    posted = {key: values for key, values in request.POST.lists() if key not in kept_forms.NOT_KEPT}
    return kept_forms.KeptForm(address="", owner=0, data=posted, had_files=False, kept_at="").texts()


def _same_origin_referer(request: HttpRequest) -> str | None:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None
