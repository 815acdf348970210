"""A form field that finds a municipality by typing its name in any language.

``MunicipalityChoiceField`` is a ``ModelChoiceField`` whose widget is a hidden input for
the id plus a visible text input following the WAI-ARIA combobox pattern (role="combobox",
aria-expanded, aria-controls → a role="listbox", aria-activedescendant). The script
``static/js/municipality-autocomplete.js`` asks ``GET /api/v1/municipalities/?search=`` as
the user types; arrow keys move through the suggestions, Enter chooses, Escape closes.
Without JavaScript the field cannot be filled, so forms using it should say so.

Remember to put ``{{ form.media }}`` in the template.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Municipality
from .place_names import country_label
from .search import MIN_QUERY_LENGTH, MIN_QUERY_LENGTH_IDEOGRAPHIC


def municipality_label(municipality: Municipality) -> str:
    """What the text input shows once a municipality is chosen: "Mechelen, Belgium"."""
    country = country_label(municipality.country)  # in the page's language: "Mechelen, Belgique"
    return f"{municipality.name}, {country}"


class MunicipalityAutocompleteWidget(forms.Widget):
    """Hidden id + visible combobox. Extra ``attrs`` (class, aria-invalid, ...) go to the visible input."""

    search_url_name = "api-municipality-search"

    class Media:
        js = ["js/municipality-autocomplete.js"]

    def __init__(self, attrs=None, *, search_url: str | None = None):
        super().__init__(attrs)
        self.search_url = search_url

    def id_for_label(self, id_):
        # The <label> names the box people type in.
        return f"{id_}_text" if id_ else id_

    def get_search_url(self) -> str:
        return self.search_url or reverse(self.search_url_name)

    def label_for_value(self, value) -> str:
        """The chosen municipality's name, so a form redisplayed with errors still shows it."""
        if value in (None, ""):
            return ""
        choices = getattr(self, "choices", None)
        if isinstance(choices, ModelChoiceIterator):
            queryset, label = choices.queryset, choices.field.label_from_instance
        else:
            queryset, label = Municipality.objects.all(), municipality_label
        try:
            municipality = queryset.get(pk=value)
        except (Municipality.DoesNotExist, ValueError, TypeError, ValidationError):
            return ""
        return label(municipality)

    def format_value(self, value):
        if value in (None, ""):
            return ""
        return str(getattr(value, "pk", value))

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        id_ = attrs.pop("id", None) or f"id_{name}"
        attrs.pop("required", None)  # the visible box may hold text while no place is chosen
        value = self.format_value(value)
        classes = attrs.pop("class", "form-control")
        text_attrs = forms.utils.flatatt(attrs)
        return format_html(
            '<div class="municipality-autocomplete position-relative" data-municipality-autocomplete'
            ' data-url="{url}" data-min-length="{min_length}" data-min-length-ideographic="{min_length_ideographic}"'
            ' data-no-results="{no_results}"'
            ' data-results="{results}" data-error="{error}">'
            '<input type="hidden" name="{name}" id="{id}" value="{value}" data-role="value">'
            '<input type="text" id="{id}_text" class="{classes}" value="{label}" role="combobox"'
            ' aria-autocomplete="list" aria-expanded="false" aria-controls="{id}_listbox"'
            ' autocomplete="off" spellcheck="false" placeholder="{placeholder}" data-role="input"{text_attrs}>'
            '<ul id="{id}_listbox" role="listbox" aria-label="{listbox_label}"'
            ' class="list-group position-absolute w-100 shadow-sm municipality-autocomplete-listbox"'
            " hidden></ul>"  # its height and stacking: static/css/site.css (CSP allows no style attribute)
            '<div class="visually-hidden" role="status" aria-live="polite" data-role="status"></div>'
            "</div>",
            url=self.get_search_url(),
            min_length=MIN_QUERY_LENGTH,
            min_length_ideographic=MIN_QUERY_LENGTH_IDEOGRAPHIC,
            no_results=_("No municipality found. Try another spelling or a name in another language."),
            results=_("Suggestions: %(count)s. Use the up and down arrows to choose, Enter to select."),
            error=_("The search is not available right now. Please try again."),
            name=name,
            id=id_,
            value=value,
            classes=classes,
            label=self.label_for_value(value),
            placeholder=_("Type the name of a town, city or region"),
            text_attrs=text_attrs,
            listbox_label=_("Matching municipalities"),
        )


class MunicipalityChoiceField(forms.ModelChoiceField):
    """Choose one municipality by typing its name; the form receives the Municipality."""

    widget = MunicipalityAutocompleteWidget
    default_error_messages = {
        "invalid_choice": _("Choose a municipality from the suggestions that appear as you type."),
    }

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Municipality"))
        kwargs.setdefault(
            "help_text", _("Type at least two letters of its name, in any language, then choose from the list.")
        )
        kwargs.setdefault(
            "error_messages",
            {"required": _("Type the name of your municipality and choose it from the suggestions.")},
        )
        super().__init__(queryset=queryset if queryset is not None else Municipality.objects.all(), **kwargs)

    def label_from_instance(self, obj):
        return municipality_label(obj)
