"""The OpenAPI schema validates with no warning, and the docs pages use local assets only."""

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

CDN = re.compile(r"cdn\.|unpkg\.com|jsdelivr|cdnjs|googleapis", re.IGNORECASE)


def test_schema_validates_without_warnings(tmp_path, capsys):
    target = tmp_path / "schema.yml"
    # --fail-on-warn turns any warning or error into an exception: the call itself is the test.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for path in (
        "/api/v1/signatories/",
        "/api/v1/signatories/{id}/",
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{slug}/",
        "/api/v1/commitments/",
        "/api/v1/reports/",
        "/api/v1/reports/{id}/",
        "/api/v1/municipalities/",
        "/api/v1/municipalities/directory/",
        "/api/v1/municipalities/{id}/",
    ):
        assert set(paths[path]) == {"get"}, path


def test_schema_documents_parameters_and_shapes(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    signatories = schema["paths"]["/api/v1/signatories/"]["get"]
    names = {p["name"] for p in signatories["parameters"]}
    assert {"page", "page_size", "campaign", "country", "continent", "since", "status", "lang", "ordering"} <= names
    components = schema["components"]["schemas"]
    assert {"id", "municipality", "commitments", "reporting", "withdrawn_at"} <= set(
        components["Signatory"]["properties"]
    )
    assert components["Signatory"]["properties"]["statement"]["description"]
    reports = {p["name"] for p in schema["paths"]["/api/v1/reports/"]["get"]["parameters"]}
    assert {"period", "since", "late", "campaign", "country"} <= reports
    commitments = {p["name"] for p in schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]}
    assert {"campaign", "theme", "required", "lang"} <= commitments
    directory = {p["name"] for p in schema["paths"]["/api/v1/municipalities/directory/"]["get"]["parameters"]}
    assert {"country", "kind", "has_signed", "search"} <= directory


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_docs_pages_use_local_assets_only(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert not CDN.search(html), CDN.search(html)
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    if url == "/api/v1/docs/":
        # Swagger UI's start-up script is served at ?script (no inline script: CSP).
        html = client.get(url, {"script": ""}).content.decode()
        assert not CDN.search(html), CDN.search(html)
    assert "/api/v1/schema/" in html
