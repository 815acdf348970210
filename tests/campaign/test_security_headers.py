"""Content-Security-Policy and Permissions-Policy on every page (campaign/security_headers.py,
the "Security" section of campaign/settings.py).

What a visitor's browser enforces: scripts only from the site's files, no inline script or
handler anywhere, no style attribute where the policy refuses them, framing refused except
for the embeds, and the browser features the site does not use refused. The browser itself
runs the pages under the policy in tests/e2e/test_content_security_policy.py.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaign.settings import _host_source
from pledges.announcements import services as announcement_services

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"
CSP_REPORT_ONLY = "Content-Security-Policy-Report-Only"
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


class InlineCode(HTMLParser):
    """What a strict policy blocks: <script> without src (JSON data excepted), on* handlers,
    javascript: links and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.style_attributes: list[str] = []
        self.javascript_urls = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.inline_scripts += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.javascript_urls += 1


def inline_code(response) -> InlineCode:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def assert_strict(response, *, frame_ancestors: str = "'none'") -> dict[str, list[str]]:
    policy = directives(response[CSP])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "style-src-attr" not in policy
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == [frame_ancestors]
    assert "'unsafe-inline'" not in response[CSP] and "'unsafe-eval'" not in response[CSP]
    return policy


def assert_no_inline_code(response, *, style_attributes_allowed: bool = False) -> None:
    found = inline_code(response)
    assert found.inline_scripts == 0
    assert found.handlers == []
    assert found.javascript_urls == 0
    if not style_attributes_allowed:
        assert found.style_attributes == []


@pytest.fixture
def public_urls(verified_pledge_a, city_a):
    with translation.override("en"):
        return [
            reverse("home"),
            reverse("campaign_list"),
            reverse("cities:list"),
            reverse("cities:detail", kwargs={"municipality_slug": city_a.slug}),
            reverse("map"),
            reverse("dashboard:index"),
            reverse("open_data"),
            reverse("embed_index"),
        ]


def test_public_pages_have_the_strict_policy_cold_and_from_the_cache(client, public_urls):
    for url in public_urls:
        cold = client.get(url)
        warm = client.get(url)
        assert cold.status_code == warm.status_code == 200, url
        for response in (cold, warm):
            assert_strict(response)
            assert response["X-Frame-Options"] == "DENY"
        assert_no_inline_code(cold)


def test_images_allow_the_configured_tile_host_and_data_uris(client):
    img_src = directives(client.get("/en/map/")[CSP])["img-src"]
    tiles = urlsplit(settings.MAP_TILE_URL)
    assert img_src == ["'self'", "data:", f"{tiles.scheme}://{tiles.netloc}"]


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", ["https://*.tile.example.org"]),
        ("http://tiles.example.org:8080/{z}/{x}/{y}.png", ["http://tiles.example.org:8080"]),
        ("/tiles/{z}/{x}/{y}.png", []),
    ],
)
def test_tile_host_is_derived_from_the_url_template(template, source):
    assert _host_source(template) == source


@pytest.mark.parametrize("url", ["/en/embed/counter/", "/fr/embed/map/"])
def test_embeds_keep_the_policy_and_may_be_framed_by_any_site(client, campaign, url):
    cold = client.get(url)
    warm = client.get(url)
    for response in (cold, warm):
        assert response.status_code == 200
        assert_strict(response, frame_ancestors="*")
        assert not response.has_header("X-Frame-Options")
    assert_no_inline_code(cold)


def test_signed_in_forms_run_without_inline_code(client, official_a, draft_pledge_a):
    client.force_login(official_a)
    for url in (reverse("pledges:edit", args=[draft_pledge_a.pk]), reverse("accounts:membership_request")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        assert_no_inline_code(response)
    form = client.get(reverse("pledges:edit", args=[draft_pledge_a.pk])).content.decode()
    assert "js/pledge-form.js" in form


def test_membership_autocomplete_has_no_style_attribute(client, official_a):
    client.force_login(official_a)
    html = client.get(reverse("accounts:membership_request")).content.decode()
    assert "data-municipality-autocomplete" in html
    assert "municipality-autocomplete-listbox" in html
    assert 'style="' not in html


def test_city_profile_copy_link_messages_are_translated_without_inline_script(client, verified_pledge_a, city_a):
    with translation.override("fr"):
        url = reverse("cities:detail", kwargs={"municipality_slug": city_a.slug})
    response = client.get(url)
    assert_no_inline_code(response)
    html = response.content.decode()
    assert "js/copy-link.js" in html
    assert 'data-copied="Lien copié."' in html
    assert 'data-failed="Impossible de copier le lien."' in html


def test_staff_and_admin_pages_have_the_strict_policy(client, staff_admin):
    client.force_login(staff_admin)
    for url in (reverse("admin:index"), reverse("staff:dashboard"), reverse("announcements:list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        assert inline_code(response).inline_scripts == 0


def test_the_announcement_preview_alone_allows_style_attributes(client, staff_admin, campaign):
    """Its email preview (an iframe srcdoc, which inherits the page's policy) is styled by
    style attributes; scripts stay as strict as everywhere."""
    announcement = announcement_services.announcement_create(
        actor=staff_admin, campaign=campaign, language="en", subject="Peer exchange", body="Join us."
    )
    client.force_login(staff_admin)
    response = client.get(reverse("announcements:detail", args=[announcement.pk]))
    assert response.status_code == 200
    policy = directives(response[CSP])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert_no_inline_code(response, style_attributes_allowed=True)


def test_api_docs_have_no_inline_script_and_only_their_styles_relaxed(client):
    workers = {"api-docs": None, "api-redoc": ["'self'", "blob:"]}  # ReDoc's search worker
    for name, worker_src in workers.items():
        response = client.get(reverse(name))
        assert response.status_code == 200
        policy = directives(response[CSP])
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        assert policy.get("worker-src") == worker_src
        assert policy["frame-ancestors"] == ["'none'"]
        assert inline_code(response).inline_scripts == 0
    # Swagger UI's start-up script is a file of the same address.
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_permissions_policy_refuses_the_features_the_site_does_not_use(client, campaign):
    for url in ("/en/", "/en/map/", "/en/embed/map/", reverse("api-docs")):
        header = client.get(url)["Permissions-Policy"]
        features = dict(part.strip().split("=", 1) for part in header.split(","))
        for feature in DENIED_FEATURES:
            assert features[feature] == "()", (url, feature)
        # The city profile's "Copy link" writes to the clipboard: it stays allowed.
        assert "clipboard-write" not in features


def test_report_only_mode_reports_the_same_policy_and_blocks_nothing(client, campaign, settings):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = policy
    home = client.get("/en/")
    embed = client.get("/en/embed/map/")
    docs = client.get(reverse("api-docs"))
    for response in (home, embed, docs):
        assert not response.has_header(CSP)
    assert directives(home[CSP_REPORT_ONLY])["script-src"] == ["'self'"]
    assert directives(embed[CSP_REPORT_ONLY])["frame-ancestors"] == ["*"]
    assert directives(docs[CSP_REPORT_ONLY])["style-src"] == ["'self'", "'unsafe-inline'"]


def test_private_downloads_keep_their_own_stricter_policy(client, official_a, ready_pledge_a):
    client.force_login(official_a)
    response = client.get(reverse("pledges:resolution", args=[ready_pledge_a.pk]))
    assert response.status_code == 200
    assert response[CSP] == "default-src 'none'; sandbox"
