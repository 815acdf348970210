"""Unsubscribe links (no language prefix: they sit in emails and mail programs POST to them)
and the signed-in user's email preferences."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaign.outbox import delivery
from campaign.outbox.forms import EmailPreferencesForm
from campaign.outbox.models import OPTIONAL_EMAIL_CATEGORIES, EmailCategory, EmailOptOut
from campaign.outbox.services import email_opt_out, email_preferences_update, opted_out_categories


def _render_in(
    language: str, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    with translation.override(language):
        response = render(request, template, {**context, "LANGUAGE_CODE": language}, status=status)
    response.headers["Content-Language"] = language
    return response


@csrf_exempt  # RFC 8058: mail programs POST without a CSRF token; the signed token is the protection
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    language = translation.get_language() or "en"
    try:
        user_id, category = delivery.read_unsubscribe_token(token)
    except signing.BadSignature:
        return _render_in(language, request, "outbox/unsubscribe_invalid.html", {}, status=400)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return _render_in(language, request, "outbox/unsubscribe_invalid.html", {}, status=400)
    language = user.preferred_language or language
    context = {"category_label": EmailCategory(category).label, "category": category, "token": token}
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        email_opt_out(
            user=user,
            category=category,
            source=EmailOptOut.Source.ONE_CLICK if one_click else EmailOptOut.Source.LINK,
        )
        return _render_in(language, request, "outbox/unsubscribe_done.html", context)
    context["already"] = EmailOptOut.objects.filter(user=user, category=category).exists()
    return _render_in(language, request, "outbox/unsubscribe.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    stopped = opted_out_categories(request.user)
    current = [c.value for c in OPTIONAL_EMAIL_CATEGORIES if c.value not in stopped]
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            email_preferences_update(actor=request.user, user=request.user, receive=set(form.cleaned_data["receive"]))
            messages.success(request, _("Your email preferences are saved."))
            return redirect("email_preferences")
    else:
        form = EmailPreferencesForm(initial={"receive": current})
    return render(request, "outbox/email_preferences.html", {"form": form})
