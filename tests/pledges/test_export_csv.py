"""CSV exports: the rows, formula neutralisation, the HTTP wrapping."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import Pledge
from pledges.staff import exports
from tests.factories import CampaignFactory


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STAFF_REQUIRE_MFA = False


def parse(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Mechelen", "Mechelen"),
        ("Saint-Étienne", "Saint-Étienne"),
        ("", ""),
        (None, ""),
        (42, 42),
        (True, "true"),
        (False, "false"),
        (date(2026, 3, 1), "2026-03-01"),
    ],
)
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_to_csv_writes_a_bom_and_quotes_properly():
    content = exports.to_csv(["a", "b"], [["x, y", 'say "hi"'], ["Zürich", "ok"]])
    assert parse(content) == [["a", "b"], ["x, y", 'say "hi"'], ["Zürich", "ok"]]


def test_pledge_rows(verified_pledge_a, city_b, campaign):
    other = CampaignFactory(slug="another")
    Pledge.objects.create(campaign=other, municipality=city_b, signatory_name="Not in this export")
    Pledge.objects.create(campaign=campaign, municipality=city_b, signatory_name="=cmd|' /C calc'!A0")
    rows = list(exports.pledge_rows(campaign))
    assert len(rows) == 2
    lyon, mechelen = rows  # by municipality name
    assert dict(zip(exports.PLEDGE_HEADER, mechelen, strict=True)) == {
        "municipality": "Mechelen",
        "country": "BE",
        "geonames_id": "",
        "status": "verified",
        "signatory_name": "Bart Somers",
        "signatory_title": "Mayor of Mechelen",
        "signed_on": verified_pledge_a.signed_on.isoformat(),
        "verified_at": verified_pledge_a.verified_at.isoformat(timespec="seconds"),
        "number_of_commitments": 3,
        "commitment_codes": "RIGHTS-1 SERVICES-1 MONITORING-1",
    }
    assert lyon[0] == "Lyon"
    assert lyon[3] == "draft"
    assert lyon[4] == "'=cmd|' /C calc'!A0"
    assert lyon[8] == 0


def test_report_rows(verified_pledge_a, official_a, current_period, campaign):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    updates = [
        services.UpdateInput(
            chosen_id=u.chosen_id,
            status="achieved",
            narrative='=HYPERLINK("https://evil.example","click")',
            evidence_links=["https://mechelen.be/report"],
            figures="-5 waiting days",
        )
        for u in report.updates.all()
    ]
    services.report_save(actor=official_a, report=report, updates=updates)
    services.report_submit(actor=official_a, report=report)
    rows = list(exports.report_rows(campaign))
    assert [r[exports.REPORT_HEADER.index("commitment_code")] for r in rows] == [
        "RIGHTS-1",
        "SERVICES-1",
        "MONITORING-1",
    ]
    row = dict(zip(exports.REPORT_HEADER, rows[0], strict=True))
    assert row["municipality"] == "Mechelen"
    assert row["period"] == "This year"
    assert row["report_status"] == "submitted"
    assert row["late"] == "false"
    assert row["version"] == 1
    assert row["progress_status"] == "achieved"
    assert row["narrative"] == '\'=HYPERLINK("https://evil.example","click")'
    assert row["figures"] == "'-5 waiting days"
    assert row["evidence_links"] == "https://mechelen.be/report"


def test_export_downloads_for_staff(client, staff_admin, verified_pledge_a, campaign):
    client.force_login(staff_admin)
    response = client.get(reverse("staff:export_pledges", args=[campaign.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="cities-pledge-pledges-{today}.csv"'
    rows = parse(response.content)
    assert rows[0] == exports.PLEDGE_HEADER
    assert [r[0] for r in rows[1:]] == ["Mechelen"]

    response = client.get(reverse("staff:export_reports", args=[campaign.slug]))
    assert response.status_code == 200
    assert f'filename="cities-pledge-reports-{today}.csv"' in response["Content-Disposition"]
    assert parse(response.content) == [exports.REPORT_HEADER]


def test_export_is_for_staff_only(client, official_a, campaign):
    url = reverse("staff:export_pledges", args=[campaign.slug])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(official_a)
    assert client.get(url).status_code == 403


def test_export_of_an_unknown_campaign_is_404(client, staff_admin):
    client.force_login(staff_admin)
    assert client.get(reverse("staff:export_reports", args=["nope"])).status_code == 404
