import factory
import pytest

from accounts.models import Municipality
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/municipalities/"


def test_json_shape(client):
    mechelen = MunicipalityFactory(
        name="Mechelen",
        alternate_names=["Malines", "Mecheln"],
        country="BE",
        admin_region="VLG",
        latitude=51.02574,
        longitude=4.47762,
        population=77530,
        geonames_id=2791537,
    )

    response = client.get(URL, {"search": "malines"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == [
        {
            "id": mechelen.pk,
            "name": "Mechelen",
            "country": "BE",
            "country_name": "Belgium",
            "region": "VLG",
            "region_name": None,  # a bare GeoNames code is never given as a name
            "kind": "municipality",
            "latitude": 51.02574,
            "longitude": 4.47762,
            "population": 77530,
            "geonames_id": 2791537,
            "slug": "mechelen-be",
        }
    ]


def test_at_most_twenty_results_largest_first(client):
    MunicipalityFactory.create_batch(
        30, name=factory.Sequence(lambda n: f"Santa Cruz {n}"), population=factory.Sequence(lambda n: 1000 + n)
    )

    data = client.get(URL, {"search": "santa cr"}).json()

    assert len(data) == 20
    populations = [row["population"] for row in data]
    assert populations == sorted(populations, reverse=True)
    assert populations[0] == max(Municipality.objects.values_list("population", flat=True))


@pytest.mark.parametrize("params", [{}, {"search": ""}, {"search": "s"}, {"search": "  "}])
def test_missing_or_too_short_search_gives_an_empty_list(client, params):
    MunicipalityFactory(name="Sfax", country="TN", time_zone="Africa/Tunis")
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.json() == []


def test_no_language_prefix_and_read_only(client):
    MunicipalityFactory(name="Beirut", country="LB", time_zone="Asia/Beirut", alternate_names=["Beyrouth"])
    assert client.get(URL, {"search": "beyr"}).json()[0]["name"] == "Beirut"
    assert client.post(URL, {"search": "beyr"}).status_code == 405


def test_schema_documents_the_search_parameter():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/municipalities/"]["get"]
    assert operation["operationId"] == "municipalities_search"
    assert [p["name"] for p in operation["parameters"]] == ["search"]
