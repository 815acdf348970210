"""Arabic reads from right to left: its pages say dir="rtl" and load Bootstrap's RTL
stylesheet, their charts are drawn mirrored, numbers are written as CLDR says; every piece
of user-written text, on every page and in every language, finds its own direction
(dir="auto")."""

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from babel.numbers import format_decimal
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from campaign.public import charts
from pledges import services
from pledges.models import Pledge, ProgressUpdate
from tests.factories import CampaignFactory, MunicipalityFactory

SVG = "{http://www.w3.org/2000/svg}"
RTL_CSS = "bootstrap/css/bootstrap.rtl.min.css"
LTR_CSS = "bootstrap/css/bootstrap.min.css"
NARRATIVE = "افتتحنا مكتبًا لاستقبال القادمين الجدد"
NAME = "بارت سومرز"

PUBLIC_PAGES = ["", "campaigns/", "cities/", "map/", "dashboard/", "open-data/", "embed/counter/", "embed/map/"]


def html_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match, "the page has an <html> element"
    return match.group(0)


def bootstrap_links(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="[^"]*(bootstrap/css/bootstrap[.a-z]*\.css)"', html)


# --- direction of the page ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_arabic_pages_read_right_to_left_with_the_rtl_stylesheet(client, path):
    response = client.get(f"/ar/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_tag(html) == '<html lang="ar" dir="rtl">'
    assert bootstrap_links(html) == [RTL_CSS]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("path", ["", "cities/", "dashboard/", "embed/counter/"])
def test_other_languages_read_left_to_right(client, language, path):
    html = client.get(f"/{language}/{path}").content.decode()
    assert html_tag(html) == f'<html lang="{language}" dir="ltr">'
    assert bootstrap_links(html) == [LTR_CSS]


@pytest.mark.django_db
def test_the_sign_in_and_error_pages_follow_the_direction_too(client):
    login = client.get("/ar/accounts/login/").content.decode()
    assert html_tag(login) == '<html lang="ar" dir="rtl">' and bootstrap_links(login) == [RTL_CSS]
    missing = client.get("/ar/cities/nowhere-xx/")
    assert missing.status_code == 404
    assert html_tag(missing.content.decode()) == '<html lang="ar" dir="rtl">'
    assert bootstrap_links(missing.content.decode()) == [RTL_CSS]
    assert html_tag(client.get("/fr/cities/nowhere-xx/").content.decode()) == '<html lang="fr" dir="ltr">'


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_an_email_reads_in_the_direction_of_its_recipients_language(language, direction):
    # Rendered while English is active: the email's language decides, not the request's.
    html = render_to_string("emails/base_message.html", {"language": language, "SITE_NAME": "Cities"})
    assert html_tag(html) == f'<html lang="{language}" dir="{direction}">'


# --- user-written text --------------------------------------------------------------------


@pytest.fixture
def arabic_report(verified_pledge_a, official_a, current_period):
    """Mechelen's pledge signed by a name written in Arabic, with a report in Arabic."""
    Pledge.objects.filter(pk=verified_pledge_a.pk).update(signatory_name=NAME)
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    updates = [
        services.UpdateInput(chosen_id=u.chosen_id, status=ProgressUpdate.Status.IN_PROGRESS, narrative=NARRATIVE)
        for u in report.updates.all()
    ]
    services.report_save(actor=official_a, report=report, updates=updates)
    return services.report_submit(actor=official_a, report=report)


def element_around(html: str, text: str) -> str:
    """The two innermost opening tags before ``text``: the element that holds it and its
    parent (a narrative's paragraphs inherit the direction their block found)."""
    at = html.index(text)
    return " ".join(re.findall(r"<[a-z0-9]+\b[^>]*>", html[:at])[-2:])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_city_profile_lets_user_text_find_its_direction(client, arabic_report, city_a, language):
    html = client.get(f"/{language}/cities/{city_a.slug}/").content.decode()
    assert 'dir="auto"' in element_around(html, NAME)  # the signatory
    assert 'dir="auto"' in element_around(html, NARRATIVE)  # the report
    assert 'dir="auto"' in element_around(html, "Every resident has a family doctor")  # the city's target
    heading = re.search(r'<h1[^>]*>\s*<span dir="auto">', html)
    assert heading, "the city's name is isolated in the heading"


@pytest.mark.django_db
def test_the_list_isolates_each_city_name(client, verified_pledge_a, city_a):
    html = client.get("/ar/cities/").content.decode()
    assert re.search(rf'<a href="[^"]*/cities/{city_a.slug}/" dir="auto">', html)


@pytest.mark.django_db
def test_the_officials_report_version_lets_the_narrative_find_its_direction(client, arabic_report, official_a):
    client.force_login(official_a)
    response = client.get(
        reverse("reports:version", args=[arabic_report.pledge_id, arabic_report.period_id, arabic_report.version])
    )
    assert response.status_code == 200
    assert 'dir="auto"' in element_around(response.content.decode(), NARRATIVE)


@pytest.mark.django_db
def test_staff_pages_let_user_text_find_its_direction(client, arabic_report, staff_admin):
    pledge = arabic_report.pledge
    Pledge.objects.filter(pk=pledge.pk).update(statement_language="en")
    client.force_login(staff_admin)
    html = client.get(reverse("staff:pledge_detail", args=[pledge.pk])).content.decode()
    assert 'dir="auto"' in element_around(html, NAME)
    statement = re.search(r'<blockquote[^>]*dir="auto"[^>]*>', html)
    assert statement and 'lang="en"' in statement.group(0)
    listing = client.get(reverse("staff:pledges") + "?status=verified").content.decode()
    if NAME in listing:  # the queue may list only what waits; the name is then isolated there too
        assert 'dir="auto"' in element_around(listing, NAME)


@pytest.mark.django_db
def test_autocomplete_and_map_isolate_the_names_they_draw():
    # The scripts build these elements in the browser; tests/e2e/test_rtl.py sees them drawn.
    root = settings.BASE_DIR / "static" / "js"
    assert 'name.dir = "auto"' in (root / "municipality-autocomplete.js").read_text()
    assert (root / "map.js").read_text().count('link.dir = "auto"') == 2  # the popup and the list


# --- charts -------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the SVG our own code just drew, in a test


def bars(svg: ET.Element) -> list[dict[str, float]]:
    """The teal bars of a horizontal bar chart: their x and width."""
    return [
        {"x": float(r.get("x", 0)), "width": float(r.get("width", 0))}
        for r in svg.iter(f"{SVG}rect")
        if r.get("fill") == charts.TEAL
    ]


def draw(language):
    with translation.override(language):
        return charts.hbar_chart(
            slug="countries",
            title="t",
            description="d",
            items=[("Belgique", 8), ("Tunisie", 2)],
            columns=[],
            rows=[],
            width=charts.HALF_WIDTH,
        )


def test_an_arabic_bar_chart_grows_from_the_right_with_its_labels_on_the_right():
    svg = parse(draw("ar").svg)
    assert svg.get("direction") == "rtl"
    for bar in bars(svg):
        assert bar["x"] + bar["width"] == charts.HALF_WIDTH  # anchored at the right edge
    assert bars(svg)[0]["width"] > bars(svg)[1]["width"]
    label = next(t for t in svg.iter(f"{SVG}text") if t.text == "Belgique")
    assert float(label.get("x")) == charts.HALF_WIDTH  # starts at the right (direction rtl)
    value = next(t for t in svg.iter(f"{SVG}text") if t.text == "2")
    short = bars(svg)[1]
    assert float(value.get("x")) < short["x"]  # the value sits beyond the bar's end, on its left


def test_other_languages_draw_the_same_chart_from_the_left():
    svg = parse(draw("fr").svg)
    assert svg.get("direction") is None
    assert all(bar["x"] == 0 for bar in bars(svg))
    label = next(t for t in svg.iter(f"{SVG}text") if t.text == "Belgique")
    assert float(label.get("x")) == 0


def test_the_mirrored_chart_is_the_left_to_right_one_turned():
    ltr, rtl = parse(draw("en").svg), parse(draw("ar").svg)
    for a, b in zip(bars(ltr), bars(rtl), strict=True):
        assert a["width"] == b["width"]
        assert b["x"] == charts.HALF_WIDTH - a["x"] - a["width"]


def test_a_stacked_chart_and_its_legend_read_from_the_right():
    series = [charts.Series("a", "On time", "#1a7f37", "solid"), charts.Series("b", "Late", "#f0a030", "hatch")]
    chart = charts.stacked_chart(
        slug="reporting",
        title="t",
        description="d",
        series=series,
        items=[("First", {"a": 3, "b": 1})],
        columns=[],
        rows=[],
        rtl=True,
    )
    svg = parse(chart.svg)
    segments = [r for r in svg.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(#chart-reporting-p-")]
    swatches, parts = segments[:2], segments[2:]
    assert float(swatches[0].get("x")) > float(swatches[1].get("x"))  # the first legend entry is rightmost
    first, second = parts
    assert float(first.get("x")) + float(first.get("width")) == pytest.approx(charts.WIDTH, abs=0.1)
    assert float(second.get("x")) < float(first.get("x"))  # the next segment is to its left


@pytest.fixture
def signed_world(transactional_db):
    """Committed signatories (the finished-page cache stores only committed pages)."""
    campaign = CampaignFactory(slug="rtl", title_en="RTL campaign", status="open")
    for country, n in (("TN", 3), ("LB", 1)):
        for _ in range(n):
            Pledge.objects.create(
                campaign=campaign,
                municipality=MunicipalityFactory(country=country),
                status="verified",
                verified_at=timezone.now() - timedelta(days=30),
            )
    return campaign


def dashboard_svg(html: str, slug: str) -> ET.Element:
    match = re.search(rf'<svg [^>]*aria-labelledby="chart-{slug}-title .*?</svg>', html, re.S)
    assert match, f"no chart {slug!r}"
    return parse(match.group(0))


def test_the_cached_arabic_dashboard_has_the_mirrored_charts(signed_world, django_assert_num_queries):
    visitor = Client()
    for _ in range(2):  # computed, then served from the finished-page cache
        arabic = visitor.get("/ar/dashboard/").content.decode()
        english = visitor.get("/en/dashboard/").content.decode()
        assert dashboard_svg(arabic, "countries").get("direction") == "rtl"
        assert dashboard_svg(english, "countries").get("direction") is None
    with django_assert_num_queries(0):  # the second round came from the cache
        assert visitor.get("/ar/dashboard/").content.decode() == arabic


# --- numbers and dates --------------------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_numbers_are_written_as_cldr_says_in_every_site_language(language):
    with translation.override(language):
        django = formats.number_format(12345.6, 1, force_grouping=True)
    cldr = format_decimal(12345.6, locale=language)
    # fr: Django's no-break space and CLDR's narrow one read the same (campaign/formats).
    assert django == cldr.replace("\u202f", "\xa0")


def test_arabic_keeps_western_digits_with_cldrs_separators_and_arabic_month_names():
    with translation.override("ar"):
        assert formats.number_format(1350000.5, 1, force_grouping=True) == "1,350,000.5"
        assert formats.date_format(date(2026, 1, 15), "DATE_FORMAT") == "15 يناير، 2026"
        moment = datetime(2026, 1, 15, 16, 5)
        assert formats.date_format(moment, "DATETIME_FORMAT") == "15 يناير، 2026، 4:05 م"


@pytest.mark.django_db
def test_the_arabic_dashboard_writes_its_figures_the_cldr_way(client):
    campaign = CampaignFactory(slug="fig", title_en="Figures", status="open")
    Pledge.objects.create(
        campaign=campaign,
        municipality=MunicipalityFactory(country="TN", population=1_350_000),
        status="verified",
        verified_at=timezone.now() - timedelta(days=3),
    )
    html = client.get("/ar/dashboard/").content.decode()
    assert re.search(r'<data value="1350000">[^<]*1,350,000', html)


def test_the_months_under_a_mirrored_column_chart_never_overlap():
    months = [(f"سبتمبر {2020 + i // 12}", i) for i in range(60)]
    with translation.override("ar"):
        chart = charts.column_chart(slug="signatures", title="t", description="d", items=months, columns=[], rows=[])
    svg = parse(chart.svg)
    width = len(months[0][0]) * 12 * charts.CHAR_EM
    spans = []
    for text in svg.iter(f"{SVG}text"):
        if (text.text or "").startswith("سبتمبر"):
            x, anchor = float(text.get("x")), text.get("text-anchor")
            # direction="rtl": "end" is the text's left edge, "start" its right edge
            left = x if anchor == "end" else x - width if anchor == "start" else x - width / 2
            spans.append((left, left + width))
    spans.sort()
    assert len(spans) >= 2
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), spans
    bars_x = [float(r.get("x")) for r in svg.iter(f"{SVG}rect")]
    assert bars_x[0] > bars_x[-1]  # the first month is on the right: time runs leftwards
