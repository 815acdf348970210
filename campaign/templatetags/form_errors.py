"""Form errors as GOV.UK shows them: one summary at the top of the form, and "Error: " in
the page's title.

In a form's template::

    {% load form_errors %}
    {% error_summary form %}        {# or several: {% error_summary action_form formset %}, or rows #}

draws templates/includes/error_summary.html when there is something to say: a box headed
"There is a problem" that lists every error, each field's message a link to the field
(``href="#id_<field>"``, the id its <label> points at), the errors of no field as text.
static/js/error-summary.js gives it focus when the page loads, and a link of it focuses
its field with the field's label in view (opening a closed <details> around it).

The list follows the form's field order, or, when the page draws the fields in another
order, the form's ``error_summary_order()`` (a list of field names).

base.html's <title> starts with ``{% error_title_prefix %}``: "Error: " whenever a bound
form or formset of the page's context has errors (also one inside a list of rows, such as
the staff queue's refusal forms), or the view set ``has_form_errors`` to True.
"""

from dataclasses import dataclass

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.functional import LazyObject
from django.utils.translation import gettext

register = template.Library()

SUMMARY_TEMPLATE = "includes/error_summary.html"


@dataclass(frozen=True)
class SummaryEntry:
    message: str
    href: str | None  # "#id_field", or None for an error of the whole form


def _field_order(form: forms.BaseForm) -> list[str]:
    custom = getattr(form, "error_summary_order", None)
    order = list(custom()) if callable(custom) else list(form.fields)
    return order + [name for name in form.fields if name not in order]


def form_entries(form: forms.BaseForm) -> list[SummaryEntry]:
    if not form.is_bound or not form.errors:
        return []
    entries = [SummaryEntry(str(message), None) for message in form.non_field_errors()]
    for name in _field_order(form):
        if name not in form.errors:
            continue
        bound = form[name]
        target = None if bound.is_hidden else (bound.id_for_label or bound.auto_id)
        entries.extend(SummaryEntry(str(message), f"#{target}" if target else None) for message in bound.errors)
    return entries


DRAWN = "_error_summary_drawn"


def _first_time(form_or_formset) -> bool:
    """A form is summed up once per page, however many templates offer to (allauth's form
    element and its fields element both do: the page's own templates use one or the other)."""
    if getattr(form_or_formset, DRAWN, False):
        return False
    setattr(form_or_formset, DRAWN, True)
    return True


def summary_entries(*items) -> list[SummaryEntry]:
    """The entries of forms, formsets (their own errors, then their forms'), and of the forms
    in lists and dicts (the rows of a list page, one form per row)."""
    entries: list[SummaryEntry] = []
    for item in items:
        if isinstance(item, BaseFormSet):
            if item.is_bound and _first_time(item):
                entries.extend(SummaryEntry(str(message), None) for message in item.non_form_errors())
                for form in item.forms:
                    entries.extend(form_entries(form))
        elif isinstance(item, forms.BaseForm):
            if _first_time(item):
                entries.extend(form_entries(item))
        elif isinstance(item, (list, tuple)):
            entries.extend(summary_entries(*item))
        elif isinstance(item, dict):  # a row of a list page: its forms
            entries.extend(summary_entries(*item.values()))
    return entries


def _has_errors(value) -> bool:
    # type(), not isinstance(): isinstance() would evaluate the context's lazy objects (the
    # CSRF token, the user), and a public page would then vary by cookie and miss its cache.
    kind = type(value)
    if issubclass(kind, BaseFormSet):
        return value.is_bound and bool(value.non_form_errors() or value.total_error_count())
    if issubclass(kind, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    return False


def page_has_form_errors(context) -> bool:
    flat = context.flatten() if hasattr(context, "flatten") else dict(context)
    if flat.get("has_form_errors"):
        return True
    for value in flat.values():
        # Lazy values (csrf_token, user) are not forms; evaluating them would set a CSRF
        # cookie or read the session, and the public cache serves no such page.
        if isinstance(value, LazyObject):
            continue
        if _has_errors(value):
            return True
        # Rows of a list page (a form per row). Only plain lists: a queryset is not run here.
        if issubclass(type(value), (list, tuple)):
            for row in value:
                members = row.values() if issubclass(type(row), dict) else (row,)
                if any(_has_errors(member) for member in members):
                    return True
    return False


@register.inclusion_tag(SUMMARY_TEMPLATE, takes_context=True)
def error_summary(context, *items, page_form=False):
    """``page_form=True`` (allauth's form element): the element's ``attrs.form``, else the
    page's ``form``, looked up without failing when there is none."""
    if page_form:
        attrs = context.get("attrs")
        items = (*items, (attrs.get("form") if isinstance(attrs, dict) else None) or context.get("form"))
    entries = summary_entries(*items)
    number = 0
    if entries:
        # Each summary of the page gets its own heading id.
        number = context.render_context.get("error_summary_count", 0) + 1
        context.render_context["error_summary_count"] = number
    return {"entries": entries, "summary_id": f"error-summary-{number}"}


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " (in the page's language) when the page shows a form with errors, else nothing."""
    if page_has_form_errors(context):
        # Translators: starts the title of a page whose form has errors ("Error: Pledge of Lyon").
        return gettext("Error:") + " "
    return ""
