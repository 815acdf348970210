"""The campaign team's moderation of local actions (namespace "learning_staff"): the queue
(waiting, published, returned), one action with everything it says, its files, translations
and history, and the decisions (publish, return with a reason, take off the library), which
pledges/learning/services/moderation.py makes and tells the city."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_required

from ..access import access_action_for_moderation
from ..models import ExchangeRequest, LocalAction
from ..services import moderation

PAGE_SIZE = 50

# Tabs of the queue: (code, state, label)
TABS = (
    ("waiting", LocalAction.State.SUBMITTED, gettext_lazy("Waiting for review")),
    ("published", LocalAction.State.PUBLISHED, gettext_lazy("Published")),
    ("returned", LocalAction.State.RETURNED, gettext_lazy("Returned for changes")),
)
_STATE_OF_TAB = {code: state for code, state, _label in TABS}


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=moderation.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=gettext_lazy("The city's officials receive it by email, in their language."),
        error_messages={"required": gettext_lazy("Give a reason: the city's officials will read it.")},
    )


def waiting_count() -> int:
    """How many actions wait for the campaign team (the work queue's card)."""
    return LocalAction.objects.filter(state=LocalAction.State.SUBMITTED).count()


def language_name(code: str) -> str:
    """The language's name in the reader's language (the code itself when Django does not know it)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def queue_actions(state: str) -> QuerySet[LocalAction]:
    """The actions of one tab, each with its exchange counts (one query, whatever the length)."""
    order = ["submitted_at", "pk"] if state == LocalAction.State.SUBMITTED else ["-moderated_at", "-pk"]
    return (
        LocalAction.objects.filter(state=state)
        .select_related("municipality", "campaign")
        .annotate(
            n_exchanges=Count("exchanges", distinct=True),
            n_accepted=Count("exchanges", filter=Q(exchanges__status=ExchangeRequest.Status.ACCEPTED), distinct=True),
        )
        .order_by(*order)
    )


def state_counts() -> dict[str, int]:
    counts = LocalAction.objects.aggregate(**{code: Count("pk", filter=Q(state=state)) for code, state, _label in TABS})
    return {code: counts[code] or 0 for code in counts}


@staff_required
def actions(request):
    tab = request.GET.get("tab", "waiting")
    if tab not in _STATE_OF_TAB:
        tab = "waiting"
    page = Paginator(queue_actions(_STATE_OF_TAB[tab]), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = state_counts()
    rows = [{"action": action, "language_name": language_name(action.language)} for action in page.object_list]
    context = {
        "tab": tab,
        "tabs": [{"code": code, "label": label, "count": counts[code]} for code, _state, label in TABS],
        "rows": rows,
        "page": page,
    }
    return render(request, "learning/staff/actions.html", context)


def _render_action(request, action: LocalAction, *, return_form=None, unpublish_form=None, status=200):
    exchanges = action.exchanges.aggregate(
        total=Count("pk"), accepted=Count("pk", filter=Q(status=ExchangeRequest.Status.ACCEPTED))
    )
    context: dict[str, Any] = {
        "action": action,
        "language_name": language_name(action.language),
        "commitments": action.commitments.order_by("order", "code"),
        "audiences": [LocalAction.Audience(value).label for value in action.audiences if value in LocalAction.Audience],
        "files": action.files.all(),
        "translations": [
            {"translation": t, "language_name": language_name(t.language)} for t in action.translations.all()
        ],
        "results": action.indicator_results.select_related("indicator"),
        "history": action.history.select_related("actor"),
        "exchanges": exchanges,
        "return_form": return_form or ModerationReasonForm(prefix="return"),
        "unpublish_form": unpublish_form or ModerationReasonForm(prefix="unpublish"),
    }
    return render(request, "learning/staff/action.html", context, status=status)


@staff_required
def action(request, pk):
    return _render_action(request, access_action_for_moderation(pk))


def _add_errors(form: forms.Form, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))


@staff_required
@require_POST
def action_publish(request, pk):
    action = access_action_for_moderation(pk)
    try:
        moderation.action_publish(actor=request.user, action=action)
    except (ValidationError, PermissionDenied) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
        return redirect("learning_staff:action", pk=action.pk)
    messages.success(
        request,
        _("“%(title)s” is published in the library; the officials of %(municipality)s have been told.")
        % {"title": action.title, "municipality": action.municipality.name},
    )
    return redirect("learning_staff:actions")


def _decide_with_reason(request, pk, kind: str, decide, done_message: str):
    action = access_action_for_moderation(pk)
    form = ModerationReasonForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            decide(action, form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and not hasattr(exc, "error_dict"):
                # decided meanwhile (or never in this state): the form is not shown any more
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("learning_staff:action", pk=action.pk)
            _add_errors(form, exc)
        else:
            messages.success(request, done_message % {"title": action.title, "municipality": action.municipality.name})
            return redirect("learning_staff:actions")
    action.refresh_from_db()
    return _render_action(request, action, **{f"{kind}_form": form})


@staff_required
@require_POST
def action_return(request, pk):
    return _decide_with_reason(
        request,
        pk,
        "return",
        lambda action, reason: moderation.action_return(actor=request.user, action=action, reason=reason),
        _("“%(title)s” is returned to %(municipality)s; its officials have been told why."),
    )


@staff_required
@require_POST
def action_unpublish(request, pk):
    return _decide_with_reason(
        request,
        pk,
        "unpublish",
        lambda action, reason: moderation.action_unpublish(actor=request.user, action=action, reason=reason),
        _("“%(title)s” is off the library and returned to %(municipality)s; its officials have been told why."),
    )


urlpatterns = [
    path("actions/", actions, name="actions"),
    path("actions/<int:pk>/", action, name="action"),
    path("actions/<int:pk>/publish/", action_publish, name="action_publish"),
    path("actions/<int:pk>/return/", action_return, name="action_return"),
    path("actions/<int:pk>/unpublish/", action_unpublish, name="action_unpublish"),
]
