import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, heading",
    [
        ("en", "Cities that pledge to uphold the rights of every migrant"),
        ("fr", "Des villes qui s’engagent à garantir les droits de chaque migrant"),
        ("es", "Ciudades que se comprometen a garantizar los derechos de cada migrante"),
    ],
)
def test_home_page_speaks_each_language(client, language, heading):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="' in html
    assert heading in html


def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"] == "/es/"
