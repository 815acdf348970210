"""What the dashboard's SVG charts write, read from the SVG itself (not the table behind it):
labels are written whole wherever they fit, in every language, and never run onto the bars
or out of the drawing."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from campaign.public import charts
from pledges.models import Pledge
from tests.factories import CampaignFactory, CommitmentFactory, MunicipalityFactory

SVG = "{http://www.w3.org/2000/svg}"
FONT_SIZE = 14
EM = 0.6  # a generous average width of one character, in ems, for the sans-serif the charts use
BOLD_EM = 0.7  # the same for bold figures, which are wider


def parse_svg(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - the SVG our own code just drew, in a test


def chart_svg(html: str, slug: str) -> ET.Element:
    """The <svg> of one chart on the page, parsed."""
    match = re.search(rf'<svg [^>]*aria-labelledby="chart-{slug}-title .*?</svg>', html, re.S)
    assert match, f"no SVG for the chart {slug!r} in the page"
    return parse_svg(match.group(0))


def texts(svg: ET.Element) -> list[str]:
    """What each <text> element of the SVG shows."""
    return ["".join(el.itertext()) for el in svg.iter(f"{SVG}text")]


def page(client, language="en") -> str:
    response = client.get(f"/{language}/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def sign(campaign, country, n=1):
    for _ in range(n):
        Pledge.objects.create(
            campaign=campaign,
            municipality=MunicipalityFactory(country=country),
            status="verified",
            verified_at=timezone.now() - timedelta(days=30),
        )


@pytest.fixture
def campaign(db):
    """An open campaign with most signatories in Belgium, so that the other countries' bars are short."""
    campaign = CampaignFactory(slug="svg", title_en="Chart campaign", status="open")
    sign(campaign, "BE", 8)
    for country in ("NL", "GB", "BA", "BR", "US"):
        sign(campaign, country)
    return campaign


# --- the dashboard page -----------------------------------------------------------------


def test_country_names_are_written_whole_beside_short_bars(client, campaign):
    shown = texts(chart_svg(page(client), "countries"))
    for name in ("Belgium", "Netherlands", "United Kingdom", "Bosnia & Herzegovina", "Brazil"):
        assert name in shown
    assert not any("…" in text for text in shown)


def test_french_continent_names_are_written_whole(client, campaign):
    shown = texts(chart_svg(page(client, "fr"), "continents"))
    assert {"Europe", "Amérique du Sud", "Amérique du Nord"} <= set(shown)
    assert not any("…" in text for text in shown)


def test_french_country_chart_writes_every_name_whole(client, campaign):
    # Country names in French (CLDR, accounts/place_names.py), written whole too.
    shown = texts(chart_svg(page(client, "fr"), "countries"))
    assert {"Pays-Bas", "Royaume-Uni", "Bosnie-Herzégovine"} <= set(shown)
    assert not any("…" in text for text in shown)


def test_french_other_countries_row_is_written_whole(client, campaign):
    sign(campaign, "BE", 22)  # 30 in Belgium, so that the others' bar is short
    for country in ("DE", "FR", "ES", "IT", "PT", "AT", "CH", "DK", "SE", "NO", "PL", "CZ"):
        sign(campaign, country)
    # Belgium and 14 others are shown; the last 3 (of 18 countries) go together.
    shown = texts(chart_svg(page(client, "fr"), "countries"))
    assert "Autres pays (3)" in shown


def test_french_progress_totals_stay_inside_the_chart(client, campaign):
    CommitmentFactory(campaign=campaign, code="C-1", title_en="Open services", title_fr="Services ouverts")
    svg = chart_svg(page(client, "fr"), "progress")
    chart_width = float(svg.get("viewBox").split()[2])
    total = next(el for el in svg.iter(f"{SVG}text") if el.text == "pas encore de rapport")
    assert float(total.get("x")) + len(total.text) * BOLD_EM * FONT_SIZE <= chart_width


# --- the chart functions ----------------------------------------------------------------


def bar_chart(items, width=charts.HALF_WIDTH):
    chart = charts.hbar_chart(
        slug="test", title="Test", description="A test chart.", items=items, columns=[], rows=[], width=width
    )
    return parse_svg(str(chart.svg))


def test_a_label_is_written_whole_however_short_its_bar():
    svg = bar_chart([("Belgium", 1000), ("Bosnia and Herzegovina", 1), ("Nobody yet", 0)])
    assert {"Belgium", "Bosnia and Herzegovina", "Nobody yet"} <= set(texts(svg))


def test_a_label_too_long_for_the_chart_is_shortened_and_kept_whole_in_a_title():
    label = "C-9 · Publish every budget line of every service in open formats, each quarter, in every language"
    svg = bar_chart([(label, 3), ("C-1 · Open services", 5)])
    shortened = next(text for text in texts(svg) if text.startswith("C-9"))
    assert shortened.endswith("…") and len(shortened) < len(label)
    assert len(shortened) * EM * FONT_SIZE <= charts.HALF_WIDTH  # what is left fits the chart
    assert label in [el.text for el in svg.iter(f"{SVG}title")]  # the whole label is shown on hover


def test_the_value_at_the_end_of_the_longest_bar_stays_inside_the_chart():
    svg = bar_chart([("Belgium", 12_000), ("The Netherlands", 40)])
    value = next(el for el in svg.iter(f"{SVG}text") if el.text == "12,000")
    assert float(value.get("x")) + len(value.text) * BOLD_EM * FONT_SIZE <= charts.HALF_WIDTH


def test_labels_sit_above_their_bars_without_touching_them():
    svg = bar_chart([("The Netherlands", 2), ("United Kingdom", 9)], width=charts.HALF_WIDTH)
    for row in svg.iter(f"{SVG}g"):
        label = row.find(f"{SVG}text")
        track = row.find(f"{SVG}rect")
        descent = 0.25 * FONT_SIZE  # how far letters such as "g" or "y" reach below the baseline
        assert float(label.get("y")) + descent <= float(track.get("y"))
