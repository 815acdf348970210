"""Bad input is answered, never with a 500: a NUL byte in every parameter of every route,
control characters, bodies above the limit (refused before they are read)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.builders import build_open_data_world
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _routes(resolver=None, prefix=""):
    """Every route of the site as a pattern string, e.g. 'en/cities/<slug:slug>/'."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if pattern.startswith("^") or "(?P" in pattern:  # a regex route (DRF's router)
            if "(?P<format>" in pattern:
                continue  # the same views with a .json suffix
            pattern = REGEX_GROUP.sub(r"<\g<name>>", pattern.lstrip("^").rstrip("$"))
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            yield prefix + pattern


def _concrete(route: str) -> str:
    """The route with its language prefix and a plausible value in each parameter."""
    route = route.replace("(?P<format>[a-z0-9]+)/?", "").replace("(?P<format>[a-z0-9]+)", "json")
    route = CONVERTER.sub(lambda m: "1" if m["kind"] == "int" else "x", route)
    return "/" + route


def _with_nul_in_each_parameter(route: str):
    for match in CONVERTER.finditer(route):
        before = CONVERTER.sub(lambda m: "1" if m["kind"] == "int" else "x", route[: match.start()])
        after = CONVERTER.sub(lambda m: "1" if m["kind"] == "int" else "x", route[match.end() :])
        yield "/" + before + "%00" + after


ROUTES = sorted({r for r in _routes() if "admin/" not in r and "<path:" not in r})


def test_the_route_list_is_the_site():
    assert len(ROUTES) > 40
    assert "en/cities/<slug:municipality_slug>/" in ROUTES
    assert "api/v1/campaigns/<slug>/" in ROUTES


@pytest.fixture
def world():
    world = build_open_data_world()
    return {**world, "official": world["officials"]["verified"], "staff": StaffFactory(totp=True)}


@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_byte_in_each_parameter_and_in_the_query_is_never_a_500(client, world, route):
    """As the public, as an official of a signatory and as staff: each gets past the login."""
    urls = [*_with_nul_in_each_parameter(route), _concrete(route) + "?q=%00&campaign=%00&search=a%00b"]
    for visitor in (None, world["official"], world["staff"]):
        if visitor is not None:
            client.force_login(visitor)
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code < 500, f"{method} {url} answered {response.status_code}"


def test_a_nul_byte_in_the_path_or_query_is_a_400_page(client):
    response = client.get("/en/cities/%00/")
    assert response.status_code == 400
    assert "This request cannot be used" in response.content.decode()


@pytest.mark.parametrize("url", ["/data/signatories.csv?campaign=%00", "/api/v1/campaigns/%00/"])
def test_a_nul_byte_for_the_api_and_downloads_is_a_400_in_json(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["non_field_errors"] == ["The request holds a value that cannot be used."]


def test_a_nul_byte_in_a_signed_in_form_is_an_error_not_a_500(client, verified_user):
    client.force_login(verified_user)
    response = client.post("/en/accounts/profile/", {"name": "A\x00B"})
    assert response.status_code < 500


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BYTES = 1024
    response = client.generic(
        "POST",
        "/en/accounts/login/",
        b"x" * 100,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "too large" in response.content.decode()


def test_a_body_within_the_limit_goes_through(client):
    response = client.post("/en/accounts/login/", {"login": "nobody@example.org", "password": "x"})
    assert response.status_code == 200  # the form again, with its error


def test_fields_above_the_form_limit_are_a_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/en/accounts/login/", {"login": "a" * 5000, "password": "x"})
    assert response.status_code == 400
    assert "This request cannot be used" in response.content.decode()
