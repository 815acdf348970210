"""Following a city by email: the form, the confirmation link and the one-click unsubscribe
(namespace "follow", under the language prefix). The services are pledges/following.py.

The form sits in the city's profile, a finished page kept in the cache for everyone
(campaign/public/cache.py), which therefore carries no CSRF token: the view that receives it
is exempt from Django's CSRF check. A forged post could only do what its author can do
directly (no session or account is involved: the form acts for nobody), and what it does is
send a confirmation to the typed address, which changes nothing until its owner clicks;
the rate limit (ACCOUNT_RATE_LIMITS["follow_city"], per address and per address typed)
bounds that. A browser's cross-site post is refused all the same (Sec-Fetch-Site, Origin).
The unsubscribe address is exempt too: mail programs POST to it (RFC 8058), and its token
is the secret.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.core import ratelimit
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Municipality
from accounts.place_names import municipality_name_of
from campaign.errors import too_many_requests
from pledges import following

RATE_LIMIT_ACTION = "follow_city"


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def _cross_site(request: HttpRequest) -> bool:
    """A browser's post from another site: Fetch metadata, else the Origin header."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc != request.get_host()
    return False


def _city_context(municipality: Municipality) -> dict[str, object]:
    return {"municipality": municipality, "place_name": municipality_name_of(municipality)}


@csrf_exempt  # see the module's docstring
@require_http_methods(["GET", "POST"])
def follow_city(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = following.access_followed_city(municipality_slug)
    context = _city_context(municipality)
    if request.method == "POST":
        if _cross_site(request):
            return render(request, "403.html", status=403)
        form = FollowForm(request.POST)
        if form.is_valid():
            email = following.normalize_email(form.cleaned_data["email"])
            if not ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=email):
                return too_many_requests(request)
            try:
                following.follow(email=email, municipality=municipality, language=translation.get_language() or "en")
            except ValidationError as error:
                form.add_error("email", error)
            else:
                return redirect("follow:requested", municipality.slug)
    else:
        form = FollowForm()
    return render(request, "public/follow_city.html", {**context, "form": form})


def follow_requested(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    """The same answer for every address: a new one, a pending one, one that already follows."""
    municipality = following.access_followed_city(municipality_slug)
    return render(request, "public/follow_requested.html", _city_context(municipality))


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "public/follow_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a mail scanner opening the link confirms nothing); POST confirms."""
    try:
        follower = following.access_follower(token)
        if follower.unsubscribed_at is not None:
            return _invalid(request)
        if request.method == "POST":
            follower = following.confirm(token=token)
            return render(
                request, "public/follow_confirmed.html", {**_city_context(follower.municipality), "follower": follower}
            )
    except Http404:
        return _invalid(request)
    return render(request, "public/follow_confirm.html", {**_city_context(follower.municipality), "follower": follower})


@csrf_exempt  # RFC 8058: mail programs POST without a CSRF token; the token is the secret
@require_http_methods(["GET", "POST"])
def follow_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (a link scanner unsubscribes nobody); POST, the button's or a mail
    program's one click, unsubscribes."""
    try:
        follower = following.access_follower(token)
        if request.method == "POST":
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            follower = following.follower_unsubscribe(token=token, one_click=one_click)
            return render(
                request,
                "public/follow_unsubscribed.html",
                {**_city_context(follower.municipality), "follower": follower},
            )
    except Http404:
        return _invalid(request)
    return render(
        request, "public/follow_unsubscribe.html", {**_city_context(follower.municipality), "follower": follower}
    )


urlpatterns: list[URLPattern] = [
    path("confirm/<str:token>/", follow_confirm, name="confirm"),
    path("unsubscribe/<str:token>/", follow_unsubscribe, name="unsubscribe"),
    path("<slug:municipality_slug>/", follow_city, name="city"),
    path("<slug:municipality_slug>/sent/", follow_requested, name="requested"),
]
