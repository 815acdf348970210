"""Officials' pages of their municipality's local actions: the hub of local actions and
peer learning, writing an action, its private page (state, history, translations, files,
results), submitting and deleting it. Views stay thin: pledges/learning/services/actions.py
checks, validates and records; pledges/learning/access.py fetches or answers 404."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import approved_municipality_ids, can_act_for, municipalities_of, verified_email_required
from accounts.place_names import language_name
from campaign.storage import private_download
from pledges.models import Pledge

from ..access import access_action_as_official, access_action_file_private, access_action_private
from ..forms.actions import ActionForm, FileForm, ResultForm, TranslationForm, add_errors
from ..models import HistoryEntry, LocalAction, LocalActionTranslation
from ..services import actions as services

STATE_BADGES: dict[str, str] = {
    LocalAction.State.DRAFT: "text-bg-light border",
    LocalAction.State.SUBMITTED: "text-bg-info",
    LocalAction.State.PUBLISHED: "text-bg-success",
    LocalAction.State.RETURNED: "text-bg-warning",
}


def _pledges_for_actions(user: Any):
    """The pledges under which the user may write actions (their municipalities', not withdrawn)."""
    return (
        Pledge.objects.filter(municipality_id__in=approved_municipality_ids(user))
        .exclude(status=Pledge.Status.WITHDRAWN)
        .select_related("campaign", "municipality")
        .order_by("municipality__name", "campaign__title", "pk")
    )


def _denied(exc: PermissionDenied) -> Http404:
    return Http404()


# --- the hub ------------------------------------------------------------------------------


@verified_email_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    municipalities = list(municipalities_of(request.user))
    actions = (
        LocalAction.objects.filter(municipality__in=municipalities)
        .select_related("campaign")
        .order_by("-updated_at", "-pk")
    )
    by_city: dict[int, dict[str, list[LocalAction]]] = {}
    for action in actions:
        action.badge = STATE_BADGES.get(action.state, "")  # type: ignore[attr-defined]
        by_city.setdefault(action.municipality_id, {}).setdefault(action.state, []).append(action)
    states = [(value, label) for value, label in LocalAction.State.choices]
    groups = [
        {
            "municipality": m,
            "states": [
                {"state": value, "label": label, "actions": by_city.get(m.pk, {}).get(value, [])}
                for value, label in states
                if by_city.get(m.pk, {}).get(value)
            ],
            "count": sum(len(v) for v in by_city.get(m.pk, {}).values()),
        }
        for m in municipalities
    ]
    return render(
        request,
        "learning/actions/home.html",
        {"groups": groups, "can_write": _pledges_for_actions(request.user).exists()},
    )


# --- writing an action --------------------------------------------------------------------


def _form_page(request: HttpRequest, form: ActionForm, *, action: LocalAction | None, pledge: Pledge | None):
    return render(
        request,
        "learning/actions/form.html",
        {"form": form, "action": action, "pledge": pledge, "campaign": form.campaign},
    )


@verified_email_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    pledges = list(_pledges_for_actions(request.user))
    chosen = request.GET.get("pledge") or request.POST.get("pledge")
    pledge = None
    if chosen:
        try:
            pledge = next(p for p in pledges if p.pk == int(chosen))
        except (StopIteration, ValueError):
            raise Http404 from None
    elif len(pledges) == 1:
        pledge = pledges[0]
    if pledge is None:
        return render(request, "learning/actions/choose.html", {"pledges": pledges})
    if request.method == "POST":
        form = ActionForm(request.POST, campaign=pledge.campaign)
        if form.is_valid():
            try:
                action = services.action_create(
                    actor=request.user, municipality=pledge.municipality, campaign=pledge.campaign, data=form.to_data()
                )
            except PermissionDenied as exc:
                raise _denied(exc) from exc
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The action is saved as a draft. Submit it when it is ready."))
                return redirect("learning:action_detail", action.pk)
    else:
        form = ActionForm(campaign=pledge.campaign)
    return _form_page(request, form, action=None, pledge=pledge)


@verified_email_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    if action.state == LocalAction.State.SUBMITTED:
        messages.info(
            request,
            _("This action is waiting for the campaign team's review: it can be changed once they have answered."),
        )
        return redirect("learning:action_detail", action.pk)
    if request.method == "POST":
        form = ActionForm(request.POST, campaign=action.campaign, initial={"language": action.language})
        if form.is_valid():
            try:
                services.action_update(actor=request.user, action=action, data=form.to_data())
            except PermissionDenied as exc:
                raise _denied(exc) from exc
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The action is saved."))
                return redirect("learning:action_detail", action.pk)
    else:
        form = ActionForm(campaign=action.campaign, initial=services.current_data(action))
    return _form_page(request, form, action=action, pledge=None)


# --- the action's private page ------------------------------------------------------------


def _field_label(name: str) -> str:
    names = {"commitment_ids": "commitments", "event_id": "event"}
    try:
        field: Any = LocalAction._meta.get_field(names.get(name, name))
        return str(capfirst(field.verbose_name))
    except Exception:  # a field renamed since: show its name
        return name


def _history(action: LocalAction) -> list[dict[str, Any]]:
    rows = []
    for entry in HistoryEntry.objects.filter(local_action=action).select_related("actor").order_by("-at", "-pk"):
        detail = entry.detail or {}
        rows.append(
            {
                "entry": entry,
                "fields": [_field_label(f) for f in detail.get("fields", [])],
                "language": language_name(detail["language"]) if detail.get("language") else "",
                "name": detail.get("name", "") or detail.get("indicator", ""),
                "reason": detail.get("reason", ""),
            }
        )
    return rows


def _other_languages(action: LocalAction, translations: list[LocalActionTranslation]) -> list[dict[str, Any]]:
    have = {t.language: t for t in translations}
    return [
        {"code": code, "name": capfirst(get_language_info(code)["name_local"]), "translation": have.get(code)}
        for code, _name in settings.LANGUAGES
        if code.split("-")[0] != action.language.split("-")[0]
    ]


def _detail_page(
    request: HttpRequest,
    action: LocalAction,
    *,
    file_form: FileForm | None = None,
    result_form: ResultForm | None = None,
) -> HttpResponse:
    is_official = can_act_for(request.user, action.municipality_id)
    editable = is_official and action.state != LocalAction.State.SUBMITTED
    translations = list(action.translations.order_by("language"))
    indicators = list(services.indicators_for(action)) if is_official else []
    results = list(action.indicator_results.select_related("indicator__commitment").order_by("indicator__code"))
    files = list(action.files.all())
    pledge = Pledge.objects.filter(campaign=action.campaign, municipality=action.municipality).first()
    return render(
        request,
        "learning/actions/detail.html",
        {
            "action": action,
            "badge": STATE_BADGES.get(action.state, ""),
            "is_official": is_official,
            "editable": editable,
            "can_submit": is_official and action.state in (LocalAction.State.DRAFT, LocalAction.State.RETURNED),
            "pledge_is_public": pledge is not None and pledge.status == Pledge.Status.VERIFIED,
            "can_delete": is_official
            and action.state in (LocalAction.State.DRAFT, LocalAction.State.RETURNED)
            and not action.published_at,
            "language_name": language_name(action.language),
            "commitments": list(action.commitments.order_by("order", "code")),
            "audiences": [LocalAction.Audience(a).label for a in action.audiences if a in LocalAction.Audience.values],
            "translations": translations,
            "other_languages": _other_languages(action, translations),
            "files": files,
            "max_files": services.MAX_FILES,
            "results": results,
            "history": _history(action),
            "file_form": file_form or FileForm(),
            "result_form": result_form or (ResultForm(indicators=indicators) if indicators else None),
            "funding_lines": [line for line in action.funding_sources.splitlines() if line.strip()],
            "partner_lines": [line for line in action.partners.splitlines() if line.strip()],
        },
    )


@verified_email_required
@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = access_action_private(request.user, pk)
    return _detail_page(request, action)


def _post_service(request: HttpRequest, action: LocalAction, call, success: str) -> HttpResponse:
    """Run a POST's service; its refusal shows as a message on the action's page."""
    try:
        call()
    except PermissionDenied as exc:
        raise _denied(exc) from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("learning:action_detail", action.pk)


@verified_email_required
@require_POST
def action_submit(request: HttpRequest, pk: int) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    return _post_service(
        request,
        action,
        lambda: services.action_submit(actor=request.user, action=action),
        _("The action is submitted: the campaign team reviews it before it enters the library."),
    )


@verified_email_required
@require_POST
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    try:
        services.action_delete(actor=request.user, action=action)
    except PermissionDenied as exc:
        raise _denied(exc) from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("learning:action_detail", action.pk)
    messages.success(request, _("The draft action is deleted."))
    return redirect("learning:home")


# --- translations -------------------------------------------------------------------------


def _translation_language(action: LocalAction, language: str) -> str:
    if language not in dict(settings.LANGUAGES) or language.split("-")[0] == action.language.split("-")[0]:
        raise Http404
    return language


@verified_email_required
@require_http_methods(["GET", "POST"])
def translation_edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    language = _translation_language(action, language)
    existing = LocalActionTranslation.objects.filter(action=action, language=language).first()
    if request.method == "POST":
        form = TranslationForm(request.POST, language=language)
        if form.is_valid():
            try:
                services.translation_save(actor=request.user, action=action, language=language, **form.cleaned_data)
            except PermissionDenied as exc:
                raise _denied(exc) from exc
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The translation is saved."))
                return redirect("learning:action_detail", action.pk)
    else:
        initial = (
            {
                "title": existing.title,
                "summary": existing.summary,
                "description": existing.description,
                "results": existing.results,
            }
            if existing
            else {}
        )
        form = TranslationForm(initial=initial, language=language)
    return render(
        request,
        "learning/actions/translation_form.html",
        {
            "action": action,
            "form": form,
            "language": language,
            "language_name": capfirst(get_language_info(language)["name_local"]),
            "original_language_name": language_name(action.language),
            "existing": existing,
            "locked": action.state == LocalAction.State.SUBMITTED,
        },
    )


@verified_email_required
@require_POST
def translation_remove(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    language = _translation_language(action, language)
    return _post_service(
        request,
        action,
        lambda: services.translation_remove(actor=request.user, action=action, language=language),
        _("The translation is removed."),
    )


# --- files --------------------------------------------------------------------------------


@verified_email_required
@require_POST
def file_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_add(
                actor=request.user,
                action=action,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except PermissionDenied as exc:
            raise _denied(exc) from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(reverse("learning:action_detail", args=[action.pk]) + "#files")
    return _detail_page(request, action, file_form=form)


@verified_email_required
@require_POST
def file_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    get_object_or_404(action.files, pk=file_pk)
    return _post_service(
        request,
        action,
        lambda: services.file_remove(actor=request.user, action=action, file_id=file_pk),
        _("The file is removed."),
    )


@verified_email_required
@require_GET
def file_download(request, pk, file_pk):
    stored = access_action_file_private(request.user, file_pk)
    if stored.action_id != pk:
        raise Http404
    try:
        return private_download(stored.file, stored.original_name, stored.content_type)
    except FileNotFoundError as exc:
        raise Http404 from exc


# --- results ------------------------------------------------------------------------------


@verified_email_required
@require_POST
def result_save(request: HttpRequest, pk: int) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    indicators = list(services.indicators_for(action))
    form = ResultForm(request.POST, indicators=indicators)
    if form.is_valid():
        try:
            services.result_save(
                actor=request.user,
                action=action,
                indicator=form.indicators[form.cleaned_data["indicator"]],
                value_text=form.cleaned_data["value_text"],
                measured_on=form.cleaned_data["measured_on"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied as exc:
            raise _denied(exc) from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The result is saved."))
            return redirect(reverse("learning:action_detail", args=[action.pk]) + "#results")
    return _detail_page(request, action, result_form=form)


@verified_email_required
@require_POST
def result_remove(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    action = access_action_as_official(request.user, pk)
    get_object_or_404(action.indicator_results, indicator_id=indicator_pk)
    return _post_service(
        request,
        action,
        lambda: services.result_remove(actor=request.user, action=action, indicator_id=indicator_pk),
        _("The result is removed."),
    )


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("actions/new/", action_new, name="action_new"),
    path("actions/<int:pk>/", action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", action_edit, name="action_edit"),
    path("actions/<int:pk>/submit/", action_submit, name="action_submit"),
    path("actions/<int:pk>/delete/", action_delete, name="action_delete"),
    path("actions/<int:pk>/translations/<str:language>/", translation_edit, name="translation_edit"),
    path("actions/<int:pk>/translations/<str:language>/remove/", translation_remove, name="translation_remove"),
    path("actions/<int:pk>/files/", file_add, name="file_add"),
    path("actions/<int:pk>/files/<int:file_pk>/", file_download, name="file_download"),
    path("actions/<int:pk>/files/<int:file_pk>/remove/", file_remove, name="file_remove"),
    path("actions/<int:pk>/results/", result_save, name="result_save"),
    path("actions/<int:pk>/results/<int:indicator_pk>/remove/", result_remove, name="result_remove"),
]
