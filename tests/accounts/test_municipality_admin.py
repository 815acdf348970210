import pytest

from accounts.admin import MunicipalityAdminForm
from accounts.models import Municipality
from accounts.search import search_municipalities
from tests.factories import MunicipalityFactory, StaffFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/en/admin/accounts/municipality/add/"


def province(**overrides):
    data = {
        "name": "Provincie Antwerpen",
        "ascii_name": "",
        "alternate_names": "Province d'Anvers\nProvincia de Amberes\n\n",
        "kind": "regional",
        "slug": "",
        "country": "be",
        "admin_region": "VLG",
        "latitude": "51.2",
        "longitude": "4.6",
        "time_zone": "Europe/Brussels",
        "population": "1900000",
        "geonames_id": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_valid_province_form():
    form = MunicipalityAdminForm(data=province())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == "BE"
    assert form.cleaned_data["alternate_names"] == ["Province d'Anvers", "Provincia de Amberes"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", "91", "Latitude must be between -90 and 90 degrees."),
        ("latitude", "-90.5", "Latitude must be between -90 and 90 degrees."),
        ("longitude", "180.01", "Longitude must be between -180 and 180 degrees."),
        ("longitude", "-181", "Longitude must be between -180 and 180 degrees."),
        ("country", "XX", "is not an ISO 3166-1 alpha-2 country code"),
        ("country", "BEL", "Ensure this value has at most 2 characters"),
        ("time_zone", "Europe/Mechelen", "is not a known IANA time zone name"),
        ("kind", "province", "Select a valid choice"),
    ],
)
def test_admin_form_rejects_bad_values(field, value, message):
    form = MunicipalityAdminForm(data=province(**{field: value}))
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_admin_form_rejects_null_island():
    form = MunicipalityAdminForm(data=province(latitude="0", longitude="0"))
    assert not form.is_valid()
    assert "Coordinates 0, 0" in form.errors["latitude"][0]


def test_admin_form_rejects_a_second_place_of_the_same_kind_and_name():
    MunicipalityFactory(name="Provincie Antwerpen", kind="regional", country="BE", admin_region="VLG")
    form = MunicipalityAdminForm(data=province())
    assert not form.is_valid()
    assert "already have a regional government with this name" in form.errors["name"][0]


def test_adding_in_the_admin_marks_the_row_and_makes_it_searchable(admin_client):
    response = admin_client.post(ADD_URL, province())

    assert response.status_code == 302, response.context["adminform"].form.errors
    place = Municipality.objects.get()
    assert place.edited_by_admin
    assert place.geonames_id is None
    assert (place.slug, place.ascii_name, place.kind) == ("provincie-antwerpen-be", "Provincie Antwerpen", "regional")
    assert search_municipalities("anvers") == [place]


def test_out_of_range_coordinates_are_refused_in_the_admin(admin_client):
    response = admin_client.post(ADD_URL, province(latitude="123"))

    assert response.status_code == 200
    assert "Latitude must be between -90 and 90 degrees." in response.content.decode()
    assert not Municipality.objects.exists()


def test_editing_an_imported_place_marks_it(admin_client):
    place = MunicipalityFactory(name="Mechelen", geonames_id=2791537, population=77530)
    assert not place.edited_by_admin
    data = province(name="Mechelen", kind="municipality", geonames_id="2791537", slug=place.slug, alternate_names="")

    response = admin_client.post(f"/en/admin/accounts/municipality/{place.pk}/change/", data)

    assert response.status_code == 302
    place.refresh_from_db()
    assert place.edited_by_admin


def test_changelist_search_and_filters(admin_client):
    MunicipalityFactory(name="Mechelen", alternate_names=["Malines"])
    MunicipalityFactory(name="Tangier", country="MA", time_zone="Africa/Casablanca")

    response = admin_client.get("/en/admin/accounts/municipality/", {"q": "malines"})
    assert response.status_code == 200
    assert [m.name for m in response.context["cl"].result_list] == ["Mechelen"]

    response = admin_client.get("/en/admin/accounts/municipality/", {"country": "MA", "kind": "municipality"})
    assert [m.name for m in response.context["cl"].result_list] == ["Tangier"]

    # A search by another name stays within the filters.
    response = admin_client.get("/en/admin/accounts/municipality/", {"q": "malines", "country": "MA"})
    assert list(response.context["cl"].result_list) == []
