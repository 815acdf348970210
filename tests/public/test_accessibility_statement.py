"""The accessibility statement: in every site language, linked from every page's footer,
with the address to report a barrier to and the day of the last review."""

import re

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from campaign.public.accessibility import LAST_REVIEWED

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statement_speaks_each_language(client, language):
    response = client.get(f"/{language}/accessibility/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    with translation.override(language):
        heading = gettext("Accessibility statement")
        gaps = gettext("Known gaps")
        day = date_format(LAST_REVIEWED, "DATE_FORMAT")
    if language != "en":
        assert heading != "Accessibility statement", f"the statement is not translated into {language}"
    assert f">{heading}</h1>" in html
    assert title_of(html).startswith(heading)
    assert f">{gaps}</h2>" in html
    assert day in html


def test_it_says_what_was_tested_and_what_was_not(client):
    html = client.get("/en/accessibility/").content.decode()
    assert "axe-core" in html
    assert "WCAG 2.1" in html
    assert "320 pixels" in html
    assert "has not been tested with a screen reader" in html


def test_barriers_go_to_the_configured_address(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@campaign.example"
    html = client.get("/fr/accessibility/").content.decode()
    assert 'href="mailto:access@campaign.example"' in html


def test_without_an_address_of_its_own_it_is_the_sender_address(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Cities for Migration <hello@campaign.example>"
    html = client.get("/en/accessibility/").content.decode()
    assert 'href="mailto:hello@campaign.example"' in html
    assert "mailto:Cities" not in html


@pytest.mark.parametrize("path", ["/en/", "/ar/cities/", "/fr/open-data/"])
def test_every_page_links_to_it_from_the_footer(client, path):
    html = client.get(path).content.decode()
    footer = html[html.index("<footer") :]
    language = path.split("/")[1]
    assert f'href="/{language}/accessibility/"' in footer


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_title_names_the_site_once(client, language):
    title = title_of(client.get(f"/{language}/").content.decode())
    assert title.count(settings.SITE_NAME) == 1, title
    with translation.override(language):
        assert title.startswith(gettext("Cities that pledge to uphold the rights of every migrant"))
