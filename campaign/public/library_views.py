"""The public library of local actions (namespace "library", /<lang>/actions/).

- ``list``: the library: full-text search, filters, 24 actions a page (library.py);
- ``detail``: one published action, in the reader's language when the city translated it,
  with links to read it in the others it has (?lang=xx);
- ``file``: the download of a file of a published action (private storage);
- ``feed``: an Atom feed of the 50 newest published actions, in the feed's language.

Only published actions of public campaigns are ever shown (pledges.learning.rules); any
other answers 404, to everyone, campaign admins included (they read them on the staff
pages). The pages are served finished from the cache (campaign/public/cache.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.place_names import country_label, municipality_name_of
from campaign.public.cache import finished_response
from campaign.public.library import action_detail, library_page, newest_actions
from campaign.storage import private_download
from pledges.learning.access import access_public_action, access_public_action_file
from pledges.learning.display import texts_for
from pledges.learning.models import LocalAction

# As campaign/public/urls.py's pages: browsers ask again on each load (a 304 from the cache).
public_page = finished_response(max_age=0)


@require_GET
def library_list(request: HttpRequest) -> HttpResponse:
    library = library_page(request.GET)
    return render(request, "public/library/list.html", {"library": library, "form": library.form})


@require_GET
def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = access_public_action(pk)
    detail = action_detail(action, request.GET.get("lang") or None)
    return render(
        request,
        "public/library/detail.html",
        {
            "detail": detail,
            "action": detail.action,
            "page_url": request.build_absolute_uri(request.path),
        },
    )


@require_GET
def action_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    upload = access_public_action_file(pk, file_pk)
    try:
        response = private_download(upload.file, upload.original_name, content_type=upload.content_type)
    except FileNotFoundError as exc:
        raise Http404 from exc
    # Published files may be kept by browsers, never by shared caches (an action can be unpublished).
    response["Cache-Control"] = "private, max-age=300"
    return response


if TYPE_CHECKING:
    BaseFeed = Feed[LocalAction, None]
else:
    BaseFeed = Feed


class LibraryFeed(BaseFeed):
    """One instance per request (``library_feed``): it keeps the request for absolute links."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def __init__(self) -> None:
        super().__init__()
        self._request: HttpRequest | None = None

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self._request = request
        return None

    def _absolute(self, address: str) -> str:
        return self._request.build_absolute_uri(address) if self._request is not None else address

    def title(self) -> str:
        return _("Local actions")

    def subtitle(self) -> str:
        return _("What cities do for the human rights of migrants, newest first.")

    def link(self) -> str:
        return self._absolute(reverse("library:list"))

    def feed_url(self) -> str:
        return self._absolute(reverse("library:feed"))

    def items(self) -> list[LocalAction]:
        return newest_actions()

    def item_title(self, item: LocalAction) -> str:
        city = municipality_name_of(item.municipality).name
        return _("%(city)s: %(title)s") % {"city": city, "title": texts_for(item).title}

    def item_link(self, item: LocalAction) -> str:
        return self._absolute(reverse("library:detail", args=[item.pk]))

    def item_guid(self, item: LocalAction) -> str:
        """The same id in every language."""
        host = self._request.get_host().split(":")[0] if self._request is not None else "localhost"
        return f"tag:{host},2017:local-action-{item.pk}"

    def item_pubdate(self, item: LocalAction) -> Any:
        return item.published_at

    def item_updateddate(self, item: LocalAction) -> Any:
        return item.published_at

    def item_description(self, item: LocalAction) -> str:
        texts = texts_for(item)
        return str(
            format_html(
                '<p lang="{}" dir="auto">{}</p><p>{} · {}</p>',
                texts.language,
                texts.summary,
                municipality_name_of(item.municipality).name,
                country_label(item.municipality.country),
            )
        )

    def item_categories(self, item: LocalAction) -> list[str]:
        return [str(item.get_status_display())]


def library_feed(request: HttpRequest) -> HttpResponse:
    response = LibraryFeed()(request)
    response["Content-Language"] = get_language() or ""
    return response


urlpatterns: list[URLPattern] = [
    path("", public_page(library_list), name="list"),
    path("feed.atom", public_page(library_feed), name="feed"),
    path("<int:pk>/", public_page(action_page), name="detail"),
    path("<int:pk>/files/<int:file_pk>/", action_file, name="file"),
]
