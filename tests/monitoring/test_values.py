"""Numbers typed and shown in the reader's locale, and checked by the indicator's kind."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.place_names import currency_of
from pledges.monitoring.models import Indicator
from pledges.monitoring.values import check_value, format_number, is_currency_code, parse_number, to_plain


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1 234,5", "fr", "1234.5"),
        ("1\u00a0234,5", "fr", "1234.5"),
        ("1\u202f234,5", "fr", "1234.5"),
        ("1234,5", "fr", "1234.5"),
        ("1234.5", "fr", "1234.5"),
        ("1,234.5", "en", "1234.5"),
        ("1234.5", "en", "1234.5"),
        ("1.234,5", "es", "1234.5"),
        ("1234.5", "es", "1234.5"),
        ("1,234.5", "ar", "1234.5"),
        ("١٢٣٤٫٥", "ar", "1234.5"),
        ("-3", "en", "-3"),
        ("12,5 %", "fr", "12.5"),
        (" 40 ", "en", "40"),
    ],
)
def test_numbers_are_read_in_the_readers_locale(text, language, expected):
    assert parse_number(text, language) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1,2,3.4.5", "", "1e5", "NaN"])
def test_what_is_not_a_number_is_refused_with_an_example_in_the_locale(text):
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        parse_number(text, "fr")
    # the example is written as a French reader writes numbers
    assert "1\u202f234,5" in caught.value.messages[0]


def test_numbers_are_shown_in_the_readers_locale_and_read_back():
    assert format_number(Decimal("1234.5000"), "fr") == "1\u202f234,5"
    assert format_number(Decimal("1234.5000"), "en") == "1,234.5"
    assert format_number(Decimal("1234567.25"), "es") == "1.234.567,25"
    assert format_number(Decimal("12.0000"), "en") == "12"
    for language in ("en", "fr", "es", "ar"):
        assert parse_number(format_number(Decimal("98765.4321"), language), language) == Decimal("98765.4321")
    assert to_plain(Decimal("1000.0000")) == "1000"
    assert to_plain(Decimal("2.5000")) == "2.5"


def _indicator(kind):
    return Indicator(kind=kind, code="X-1", name="x")


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        (Indicator.Kind.PERCENTAGE, "100.5", "out_of_range"),
        (Indicator.Kind.PERCENTAGE, "-1", "out_of_range"),
        (Indicator.Kind.COUNT, "2.5", "not_whole"),
        (Indicator.Kind.COUNT, "-4", "negative"),
        (Indicator.Kind.AMOUNT, "-0.01", "negative"),
        (Indicator.Kind.AMOUNT, "10.005", "too_many_decimals"),
        (Indicator.Kind.YES_NO, "2", "not_yes_no"),
        (Indicator.Kind.YES_NO, "0.5", "not_yes_no"),
        (Indicator.Kind.COUNT, "1" + "0" * 17, "too_large"),
    ],
)
def test_bad_values_are_refused_by_kind(kind, value, code):
    with pytest.raises(ValidationError) as caught:
        check_value(_indicator(kind), Decimal(value), currency="EUR")
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Indicator.Kind.PERCENTAGE, "0"),
        (Indicator.Kind.PERCENTAGE, "100"),
        (Indicator.Kind.PERCENTAGE, "37.25"),
        (Indicator.Kind.COUNT, "0"),
        (Indicator.Kind.COUNT, "1200"),
        (Indicator.Kind.AMOUNT, "2500.75"),
        (Indicator.Kind.YES_NO, "1"),
        (Indicator.Kind.YES_NO, "0"),
    ],
)
def test_good_values_pass(kind, value):
    check_value(_indicator(kind), Decimal(value), currency="EUR")


def test_an_amount_in_a_currency_without_decimals_has_none():
    with pytest.raises(ValidationError):
        check_value(_indicator(Indicator.Kind.AMOUNT), Decimal("100.5"), currency="JPY")
    check_value(_indicator(Indicator.Kind.AMOUNT), Decimal("100"), currency="JPY")


def test_the_citys_currency_comes_from_its_country(city_a, city_b):
    assert currency_of(city_a) == "EUR"

    class Nowhere:
        country = "ZZ"

    assert currency_of(Nowhere()) == ""
    assert is_currency_code("eur") and is_currency_code("LBP") and not is_currency_code("XYZ1")
