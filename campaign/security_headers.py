"""The Content-Security-Policy of every page: django-csp's middleware, and one rule of ours.

A page exempt from X-Frame-Options (``xframe_options_exempt``: the embeddable counter and
map, campaign/public/map_views.py) may be framed by any site, so its policy says
``frame-ancestors *`` instead of the site's ``'none'``. The rule reads that attribute rather
than a per-view ``csp_replace`` because the public page cache (campaign/public/cache.py)
replays the attribute on the pages it serves finished, and nothing else the view set on its
response: a warm embed keeps its policy, and the policy is always the one of the settings
in force, never a copy stored with the page.

Three pages relax the policy for themselves, never for scripts (none of them is cached):

- ``api_docs_policy`` and ``redoc_policy``: the API's Swagger UI and ReDoc write <style>
  elements at run time; ReDoc also builds its search worker from a blob: URL. (ReDoc's
  "powered by" logo, an image from its makers' CDN, stays refused: ReDoc drops it when it
  fails to load, and no visitor is sent to a third party.)
- ``email_preview_policy``: the announcement page previews the email in an iframe
  (``srcdoc``, sandboxed, no script), and a srcdoc document inherits the page's policy;
  emails are styled by style attributes, which the page must therefore allow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

FRAMABLE_ANYWHERE = {"frame-ancestors": ["*"]}
API_DOCS_UPDATE = {"style-src": [UNSAFE_INLINE]}
REDOC_UPDATE = {**API_DOCS_UPDATE, "worker-src": [SELF, "blob:"]}
EMAIL_PREVIEW_UPDATE = {"style-src-attr": [UNSAFE_INLINE]}

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; pages exempt from X-Frame-Options may be framed anywhere."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if getattr(response, "xframe_options_exempt", False):
            parts.replace = {**(parts.replace or {}), **FRAMABLE_ANYWHERE}
        return parts


def _updated(update: dict[str, list[str]]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        # Both headers: the policy is enforced or report-only (settings, CSP_REPORT_ONLY).
        wrapped: Any = csp_update(update, REPORT_ONLY=True)(csp_update(update)(view))
        return cast(View, wrapped)

    return decorator


api_docs_policy = _updated(API_DOCS_UPDATE)
redoc_policy = _updated(REDOC_UPDATE)
email_preview_policy = _updated(EMAIL_PREVIEW_UPDATE)
