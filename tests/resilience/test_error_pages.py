"""Our own error pages: in the visitor's language, in the site's layout, and rendered with
no query, so that they still render while the database is down."""

import pytest
from django.db import DataError
from django.test import Client
from django.urls import path

from campaign import errors
from campaign.urls import urlpatterns as site_patterns
from tests.resilience.outages import database_down

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("a fault of ours")


def refused_value(request):
    raise DataError("A string literal cannot contain NUL (0x00) characters.")


urlpatterns = [
    path("boom/", explode),
    path("refused/", refused_value),
    path("api/v1/boom/", explode),
    *site_patterns,
]
handler500 = errors.server_error
handler429 = errors.too_many_requests

LANGUAGES = {
    "en": ("This page does not exist", "Error 404"),
    "fr": ("Cette page n’existe pas", "Erreur 404"),
    "es": ("Esta página no existe", "Error 404"),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_404_is_ours_in_each_language(client, language):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    heading, code = LANGUAGES[language]
    text = response.content.decode()
    assert heading in text and code in text
    assert f'<html lang="{language}"' in text
    assert "site.css" in text  # the site's layout, not Django's bare page


def test_404_renders_with_the_database_down_even_for_a_signed_in_visitor(client, verified_user):
    client.force_login(verified_user)
    with database_down():
        response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


@pytest.fixture
def faulty_site(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def test_a_fault_of_ours_is_a_500_page_of_ours(faulty_site):
    response = faulty_site.get("/boom/", headers={"Accept-Language": "fr"})
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.content.decode()


def test_a_fault_under_the_api_answers_json(faulty_site):
    response = faulty_site.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_value_the_database_refuses_is_a_bad_request(faulty_site):
    response = faulty_site.get("/refused/")
    assert response.status_code == 400
    assert "This request cannot be used" in response.content.decode()


def test_a_stale_csrf_token_gets_a_page_of_ours(verified_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(verified_user)
    response = browser.post("/en/accounts/email/", {"email": "x@example.org", "action_add": ""})
    assert response.status_code == 403
    assert "site.css" in response.content.decode()
