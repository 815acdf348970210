import re

import pytest
from django import forms

from accounts.widgets import MunicipalityAutocompleteWidget, MunicipalityChoiceField
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


class RepresentForm(forms.Form):
    municipality = MunicipalityChoiceField()
    role = forms.CharField()


def test_renders_an_aria_combobox_with_a_hidden_id():
    html = RepresentForm().as_p()

    assert re.search(r'<input type="hidden" name="municipality" id="id_municipality" value=""', html)
    assert 'role="combobox"' in html
    assert 'aria-expanded="false"' in html
    assert 'aria-controls="id_municipality_listbox"' in html
    assert 'aria-autocomplete="list"' in html
    assert '<ul id="id_municipality_listbox" role="listbox"' in html
    assert 'data-url="/api/v1/municipalities/"' in html
    assert '<label for="id_municipality_text">' in html  # the label names the box people type in
    assert "js/municipality-autocomplete.js" in str(RepresentForm().media)


def test_valid_choice_gives_the_municipality():
    mechelen = MunicipalityFactory(name="Mechelen")
    form = RepresentForm(data={"municipality": str(mechelen.pk), "role": "mayor"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["municipality"] == mechelen


def test_redisplayed_with_errors_the_chosen_name_is_shown():
    mechelen = MunicipalityFactory(name="Mechelen", country="BE")
    form = RepresentForm(data={"municipality": str(mechelen.pk), "role": ""})

    assert not form.is_valid()
    html = str(form["municipality"])
    assert f'value="{mechelen.pk}"' in html
    assert 'value="Mechelen, Belgium"' in html


def test_missing_or_unknown_choice_has_a_clear_error():
    form = RepresentForm(data={"municipality": "", "role": "mayor"})
    assert not form.is_valid()
    assert form.errors["municipality"] == ["Type the name of your municipality and choose it from the suggestions."]

    form = RepresentForm(data={"municipality": "999999", "role": "mayor"})
    assert not form.is_valid()
    assert "Choose a municipality from the suggestions" in form.errors["municipality"][0]
    assert 'aria-invalid="true"' in str(form["municipality"])
    assert 'value=""' in str(form["municipality"]).split('role="combobox"')[0].split('type="text"')[1]


def test_garbage_value_renders_without_a_label():
    widget = MunicipalityAutocompleteWidget()
    assert 'value="abc"' in widget.render("municipality", "abc")
