"""Form errors as GOV.UK shows them (campaign/templatetags/form_errors.py,
templates/includes/error_summary.html): one summary at the top, "There is a problem", with a
link to each field in error that carries the field's own message; "Error: " at the start of
the page's title in the page's language; no link that opens a new tab without saying so;
a language menu of links (or buttons) that changes nothing until one is chosen."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership
from pledges import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NEW_TAB = "(opens in a new tab)"
# What a reader of each language sees first in the title of a page whose form has errors.
ERROR_PREFIX = {"en": "Error: ", "fr": "Erreur\u00a0: ", "es": "Error: ", "ar": "خطأ: "}


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.activate("en")


class Page(HTMLParser):
    """What a visitor finds in a page: its title, the ids, the error summaries' entries
    (link target or None, text), the text of each element by id, and the new-tab links."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "base", "col", "wbr", "embed", "track"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.ids: list[str] = []
        self.attrs_by_id: dict[str, dict] = {}
        self.summaries: list[dict] = []
        self.blank_links: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self._stack: list[tuple[str, dict]] = []
        self._in_title = False
        self._summary_depth = None
        self._entry = None
        self._blank = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        if "id" in attrs:
            self.ids.append(attrs["id"])
            self.attrs_by_id[attrs["id"]] = attrs
            self.text_by_id.setdefault(attrs["id"], "")
        if "data-error-summary" in attrs:
            self.summaries.append({"attrs": attrs, "entries": [], "heading": ""})
            self._summary_depth = len(self._stack)
        if self._summary_depth is not None and tag == "li":
            self._entry = [None, ""]
        if self._entry is not None and tag == "a":
            self._entry[0] = attrs.get("href")
        if tag == "a" and attrs.get("target") == "_blank":
            self._blank = ""
        if tag not in self.VOID:
            self._stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "li" and self._entry is not None:
            self.summaries[-1]["entries"].append((self._entry[0], " ".join(self._entry[1].split())))
            self._entry = None
        if tag == "a" and self._blank is not None:
            self.blank_links.append(" ".join(self._blank.split()))
            self._blank = None
        while self._stack:
            open_tag, _attrs = self._stack.pop()
            if self._summary_depth is not None and len(self._stack) == self._summary_depth:
                self._summary_depth = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._entry is not None:
            self._entry[1] += data
        elif self._summary_depth is not None and self._stack and self._stack[-1][0] == "h2":
            self.summaries[-1]["heading"] += data.strip()
        if self._blank is not None:
            self._blank += data
        for _tag, attrs in self._stack:
            if "id" in attrs:
                self.text_by_id[attrs["id"]] += data

    def summary(self) -> list[tuple[str | None, str]]:
        assert len(self.summaries) == 1, f"{len(self.summaries)} error summaries in the page"
        assert self.summaries[0]["heading"] == "There is a problem" or translation.get_language() != "en"
        return self.summaries[0]["entries"]

    def text(self, element_id: str) -> str:
        return " ".join(self.text_by_id.get(element_id, "").split())


def assert_each_link_leads_to_its_field(page: Page):
    """Every linked entry points at an element of the page whose error text it repeats."""
    for href, message in page.summary():
        if href is None:
            continue
        assert href.startswith("#")
        field_id = href[1:]
        assert field_id in page.ids, f"{href} leads nowhere"
        field = page.attrs_by_id[field_id]
        assert field.get("aria-invalid") == "true" or field_id == "id_action"  # the report's first button
        described = (field.get("aria-describedby") or "").split()
        if described:
            assert any(message in page.text(d) for d in described), f"{message!r} is not what {href} is described by"


# --- the pledge form ---------------------------------------------------------------------


def pledge_post(client, pledge, language="en", **extra):
    optional = pledge.campaign.commitments.filter(is_required=False).order_by("order")
    services_2 = optional[1]
    data = {
        "signatory_name": "Bart Somers",
        "council_decision_date": (date.today() + timedelta(days=40)).isoformat(),  # in the future: refused
        f"target_{services_2.pk}": "Every child in school within a month",  # its box not ticked: refused
        "statement": "x" * 5000,  # too long: refused
        "save": "1",
        **extra,
    }
    return client.post(f"/{language}/pledges/{pledge.pk}/edit/", data)


def test_the_pledge_form_summary_links_each_field_in_error_in_the_order_of_the_page(
    client, draft_pledge_a, official_a, optional_commitments
):
    client.force_login(official_a)
    response = pledge_post(client, draft_pledge_a)
    assert response.status_code == 400
    page = Page(response.content.decode())
    entries = page.summary()

    services_2 = optional_commitments[1]
    targets = [href for href, _message in entries]
    assert targets == ["#id_council_decision_date", f"#id_chosen_{services_2.pk}", "#id_statement"]
    form = response.context["form"]
    assert [message for _href, message in entries] == [
        str(form.errors["council_decision_date"][0]),
        str(form.errors[f"chosen_{services_2.pk}"][0]),
        str(form.errors["statement"][0]),
    ]
    # the order a keyboard meets the fields in
    assert sorted(targets, key=lambda href: page.ids.index(href[1:])) == targets
    assert_each_link_leads_to_its_field(page)
    assert page.summaries[0]["attrs"]["tabindex"] == "-1"
    assert "role" not in page.summaries[0]["attrs"]
    assert "Please correct the errors below" not in response.content.decode()


def test_the_title_says_error_only_while_the_form_has_errors(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    edit = f"/en/pledges/{draft_pledge_a.pk}/edit/"
    assert Page(client.get(edit).content.decode()).title.startswith("Pledge of Mechelen")
    assert Page(client.get(edit).content.decode()).summaries == []

    page = Page(pledge_post(client, draft_pledge_a).content.decode())
    assert page.title.startswith("Error: Pledge of Mechelen")


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_title_says_error_in_each_language(client, draft_pledge_a, official_a, language):
    client.force_login(official_a)
    response = pledge_post(client, draft_pledge_a, language=language)
    page = Page(response.content.decode())
    assert page.title.startswith(ERROR_PREFIX[language]), page.title
    assert len(page.summary()) == 3


def test_the_pledge_form_has_sections_a_jump_list_and_references_behind_a_disclosure(
    client, draft_pledge_a, official_a, optional_commitments
):
    commitment = optional_commitments[0]
    commitment.sdg_targets = ["10.7", "11.1"]
    commitment.gcm_objectives = [16]
    commitment.save()
    client.force_login(official_a)
    html = client.get(f"/en/pledges/{draft_pledge_a.pk}/edit/").content.decode()
    page = Page(html)

    jump = html[html.index('aria-labelledby="on-this-form-heading"') : html.index("</nav>", html.index("on-this-form"))]
    for section in ("section-signatory", "section-commitments", "section-document", "section-statement"):
        assert f'href="#{section}"' in jump
        assert section in page.ids
    assert (
        page.ids.index("section-signatory")
        < page.ids.index("section-commitments")
        < page.ids.index("section-document")
        < page.ids.index("section-statement")
    )

    block = html[html.index(f'id="commitment-{commitment.code}"') :]
    block = block[: block.index('class="row g-2 ms-3 commitment-target"')]
    details = block[block.index("<details") : block.index("</details>")]
    assert "<details " in block and " open" not in details.split(">")[0]  # closed: no tab stops
    references = len(commitment.badges)
    assert references >= 3
    assert f"{references} global targets linked to {commitment.code}" in details
    assert details.count('target="_blank"') == references
    assert details.count(NEW_TAB) == references


# --- other forms --------------------------------------------------------------------------


def test_the_report_form_summary_links_into_the_formset(client, official_a, verified_pledge_a, current_period):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    count = report.updates.count()
    data = {"action": "submit", "form-TOTAL_FORMS": str(count), "form-INITIAL_FORMS": str(count)}
    for i in range(count):
        data |= {f"form-{i}-status": "achieved", f"form-{i}-narrative": "", f"form-{i}-evidence_links": ""}
    client.force_login(official_a)
    response = client.post(reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk]), data)
    page = Page(response.content.decode())
    targets = [href for href, _message in page.summary()]
    assert "#id_form-0-narrative" in targets
    assert all(target and target.startswith("#id_form-") for target in targets)
    assert_each_link_leads_to_its_field(page)
    assert page.title.startswith("Error: ")


def test_the_login_error_of_no_field_is_listed_without_a_link(client, verified_user):
    response = client.post(reverse("account_login"), {"login": verified_user.email, "password": "not-it"})
    page = Page(response.content.decode())
    assert page.summary() == [(None, "The email address and/or password you specified are not correct.")]
    assert page.title.startswith("Error: ")


def test_the_signup_summary_links_to_the_password(client):
    response = client.post(
        reverse("account_signup"), {"email": "new@example.org", "password1": "short", "password2": "short"}
    )
    page = Page(response.content.decode())
    password = [message for href, message in page.summary() if href == "#id_password1"]
    assert password and password[0].startswith("This password is too short.")
    assert_each_link_leads_to_its_field(page)
    assert page.title.startswith("Error: ")


def test_an_accounts_page_that_draws_each_field_alone_has_its_summary_once(client, verified_user):
    client.force_login(verified_user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "nope"})
    page = Page(response.content.decode())
    assert page.summary() == [("#id_email", "Enter a valid email address.")]
    assert_each_link_leads_to_its_field(page)
    assert page.title.startswith("Error: ")


def test_the_membership_request_links_to_the_box_people_type_in(client, verified_user):
    client.force_login(verified_user)
    response = client.post(reverse("accounts:membership_request"), {"role": "focal_point"})
    page = Page(response.content.decode())
    targets = [href for href, _message in page.summary()]
    assert "#id_municipality_text" in targets
    assert_each_link_leads_to_its_field(page)
    assert page.title.startswith("Error: ")


def test_the_staff_refusal_form_of_a_row_is_in_the_summary_and_the_title(client, settings, staff_admin, city_a):
    settings.STAFF_REQUIRE_MFA = False
    user = UserFactory()
    pending = Membership.objects.create(
        user=user, municipality=city_a, role=Membership.Role.FOCAL_POINT, evidence_email=user.email
    )
    client.force_login(staff_admin)
    response = client.post(reverse("staff:membership_refuse", args=[pending.pk]), {f"refuse-{pending.pk}-reason": ""})
    assert response.status_code == 400
    page = Page(response.content.decode())
    assert [href for href, _message in page.summary()] == [f"#id_refuse-{pending.pk}-reason"]
    assert_each_link_leads_to_its_field(page)
    assert page.title.startswith("Error: ")

    response = client.post(reverse("staff:memberships_approve"), {})
    page = Page(response.content.decode())
    assert page.summary() == [(None, "Select at least one row.")]  # the boxes of the rows: no one field


def test_an_invitation_form_in_a_row_of_my_municipalities_is_summed_up_in_its_form(client, official_a, city_a):
    client.force_login(official_a)
    response = client.post(
        reverse("accounts:invite", args=[city_a.pk]),
        {f"invite-{city_a.pk}-email": "not an address", f"invite-{city_a.pk}-role": "deputy"},
    )
    page = Page(response.content.decode())
    assert [href for href, _message in page.summary()] == [f"#id_invite-{city_a.pk}-email"]
    assert_each_link_leads_to_its_field(page)
    assert page.title.startswith("Error: ")


def test_no_template_says_please_correct_the_errors_below():
    offenders = [p.name for p in TEMPLATES.rglob("*.html") if "Please correct the errors below" in p.read_text()]
    assert offenders == []


# --- links that open a new tab ------------------------------------------------------------


BLANK_LINK = re.compile(r"<a\b[^>]*target=[\"']_blank[\"'][^>]*>(.*?)</a>", re.S)


def test_every_template_link_to_a_new_tab_says_so():
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        for match in BLANK_LINK.finditer(path.read_text()):
            if 'include "includes/new_tab.html"' not in match.group(1):
                missing.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)[:120]}")
    assert missing == []


def test_rendered_pages_have_no_new_tab_link_without_the_warning(
    client, verified_pledge_a, official_a, draft_pledge_a, optional_commitments, campaign
):
    for commitment in optional_commitments:
        commitment.sdg_targets = ["10.7"]
        commitment.nua_paragraphs = [28]
        commitment.save()
    city = verified_pledge_a.municipality
    pages = [
        reverse("campaign_detail", args=[campaign.slug]),
        reverse("cities:detail", args=[city.slug]),
        "/en/embed/counter/",
    ]
    client.force_login(official_a)
    seen = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        for text in Page(response.content.decode()).blank_links:
            seen += 1
            assert NEW_TAB in text, f"{url}: a link “{text}” opens a new tab without saying so"
    assert seen >= 3


# --- the language menu ----------------------------------------------------------------------


LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربيّة"}


def test_the_language_menu_of_a_prefixed_page_is_links_in_each_language(client, campaign):
    html = client.get("/en/").content.decode()
    menu = html[html.index('class="language-switcher"') :]
    menu = menu[: menu.index("</nav>")]
    assert "<select" not in menu and "<form" not in menu
    for code, name in LANGUAGE_NAMES.items():
        if code == "en":
            assert f'lang="en" aria-current="true">{name}</span>' in menu
        else:
            assert f'href="/{code}/" hreflang="{code}" lang="{code}">{name}</a>' in menu


def test_the_language_menu_of_a_page_without_prefix_is_buttons_that_post(client):
    response = client.get("/unsubscribe/not-a-valid-token/")
    html = response.content.decode()
    menu = html[html.index('class="language-switcher"') :]
    menu = menu[: menu.index("</nav>")]
    assert "<select" not in menu
    assert 'method="post"' in menu and "csrfmiddlewaretoken" in menu
    for code, name in LANGUAGE_NAMES.items():
        if code != "en":
            assert f'name="language" value="{code}" lang="{code}">{name}</button>' in menu
    chosen = client.post("/i18n/setlang/", {"language": "ar", "next": "/unsubscribe/not-a-valid-token/"})
    assert chosen.status_code == 302
    assert chosen.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert 'lang="ar"' in client.get("/unsubscribe/not-a-valid-token/").content.decode()[:300]
