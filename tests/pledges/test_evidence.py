"""Evidence files: checked by content (a PDF renamed .png, a web page named .csv, a file too
large are refused), a few per commitment, private until a version listing them is published,
then downloadable by anyone; history recorded."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaign.uploads import MAX_EVIDENCE_BYTES, validate_evidence
from pledges import evidence, services
from pledges.models import EvidenceFile, PledgeEvent, ReportVersion
from pledges.reports import review
from tests.factories import make_pdf_bytes


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def png_bytes(fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def xlsx_bytes(*, macros=False) -> bytes:
    buffer = io.BytesIO()
    main = (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        if macros
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
        if macros:
            archive.writestr("xl/vbaProject.bin", b"\x00\x01")
    return buffer.getvalue()


def ods_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        archive.writestr("content.xml", "<document/>")
    return buffer.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- content checks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data,extension,content_type",
    [
        ("decision.pdf", make_pdf_bytes(), "pdf", "application/pdf"),
        ("photo.PNG", png_bytes(), "png", "image/png"),
        ("photo.jpeg", png_bytes("JPEG"), "jpg", "image/jpeg"),
        ("photo.webp", png_bytes("WEBP"), "webp", "image/webp"),
        ("figures.csv", b"district;people\nNorth;1 200\nSouth;830\n", "csv", "text/csv"),
        ("figures.xlsx", xlsx_bytes(), "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("figures.ods", ods_bytes(), "ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_accepted_kinds_are_recognised_by_their_content(name, data, extension, content_type):
    kind = validate_evidence(upload(name, data))
    assert (kind.extension, kind.content_type) == (extension, content_type)


@pytest.mark.parametrize(
    "name,data,code",
    [
        ("photo.png", make_pdf_bytes(), "evidence_name_mismatch"),  # a PDF renamed .png
        ("figures.csv", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "evidence_kind"),
        ("page.html", b"<html><body>hello</body></html>", "evidence_kind"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "broken_image"),
        ("figures.xlsx", xlsx_bytes(macros=True), "spreadsheet_macros"),
        ("archive.xlsx", b"PK\x03\x04 not really a zip", "broken_spreadsheet"),
        ("tool.csv", b"MZ\x90\x00\x03\x00\x00\x00", "evidence_kind"),  # a program named .csv
        ("empty.csv", b"", "evidence_empty"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, data, code):
    with pytest.raises(ValidationError) as caught:
        validate_evidence(upload(name, data))
    assert [e.code for e in caught.value.error_list] == [code]


def test_the_size_limit():
    data = b"%PDF-1.4\n" + b"0" * MAX_EVIDENCE_BYTES
    with pytest.raises(ValidationError) as caught:
        validate_evidence(upload("big.pdf", data))
    assert caught.value.error_list[0].code == "evidence_too_large"
    assert "10 MB" in caught.value.messages[0]


# --- services -------------------------------------------------------------------------------


def chosen_of(pledge, code="SERVICES-1"):
    return pledge.chosen.get(commitment__code=code)


def add(official, pledge, period, name="decision.pdf", data=None, title=""):
    return evidence.evidence_add(
        actor=official,
        pledge=pledge,
        period=period,
        chosen_id=chosen_of(pledge).pk,
        upload=upload(name, data if data is not None else make_pdf_bytes()),
        title=title,
    )


def test_an_official_attaches_and_removes_a_file_with_history(verified_pledge_a, current_period, official_a):
    added = add(official_a, verified_pledge_a, current_period, title="Council decision")
    assert added.extension == "pdf"
    assert added.file.name.startswith(f"evidence/{verified_pledge_a.pk}/")
    assert added.file.name.endswith(".pdf")
    assert added.file.storage.exists(added.file.name)
    assert PledgeEvent.objects.filter(pledge=verified_pledge_a, action=PledgeEvent.Action.EVIDENCE_ADDED).exists()

    stored = added.file.name
    evidence.evidence_remove(actor=official_a, evidence=added)
    assert not EvidenceFile.objects.exists()
    assert not added.file.storage.exists(stored)
    assert PledgeEvent.objects.filter(pledge=verified_pledge_a, action=PledgeEvent.Action.EVIDENCE_REMOVED).exists()


def test_a_few_files_per_commitment(verified_pledge_a, current_period, official_a):
    for i in range(evidence.MAX_FILES_PER_COMMITMENT):
        add(official_a, verified_pledge_a, current_period, name=f"d{i}.pdf")
    with pytest.raises(ValidationError) as caught:
        add(official_a, verified_pledge_a, current_period, name="one-more.pdf")
    assert "file" in caught.value.error_dict
    assert EvidenceFile.objects.count() == evidence.MAX_FILES_PER_COMMITMENT


@pytest.mark.parametrize("who", ["official_b", "staff_admin"])
def test_only_the_citys_officials_attach(request, verified_pledge_a, current_period, who):
    with pytest.raises(PermissionDenied):
        add(request.getfixturevalue(who), verified_pledge_a, current_period)
    assert not EvidenceFile.objects.exists()


def test_the_snapshot_lists_the_files(verified_pledge_a, current_period, official_a):
    added = add(official_a, verified_pledge_a, current_period, title="Decision")
    report = added.update.report
    services.report_submit(actor=official_a, report=report)
    content = report.versions.get().content
    listed = [f for u in content["updates"] for f in u["evidence_files"]]
    assert listed == [
        {
            "id": added.pk,
            "name": "decision.pdf",
            "title": "Decision",
            "content_type": "application/pdf",
            "size": added.size,
        }
    ]


# --- downloads -------------------------------------------------------------------------------


def public_url(city, file):
    return reverse("cities:evidence", args=[city.slug, file.pk])


def test_private_until_published_then_public(
    client, campaign, verified_pledge_a, current_period, official_a, staff_admin, city_a
):
    campaign.reports_need_review = True
    campaign.save()
    added = add(official_a, verified_pledge_a, current_period, title="Council decision")
    assert client.get(public_url(city_a, added)).status_code == 404  # a draft's file

    services.report_submit(actor=official_a, report=added.update.report)
    assert client.get(public_url(city_a, added)).status_code == 404  # waiting for review
    assert "Council decision" not in client.get(reverse("cities:detail", args=[city_a.slug])).content.decode()

    review.report_publish(actor=staff_admin, version=ReportVersion.objects.get())
    response = client.get(public_url(city_a, added))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    profile = client.get(reverse("cities:detail", args=[city_a.slug])).content.decode()
    assert public_url(city_a, added) in profile

    # A file added after publication stays private until a version lists it.
    later = add(official_a, verified_pledge_a, current_period, name="later.pdf")
    assert client.get(public_url(city_a, later)).status_code == 404
    # Under another city's address, nothing.
    assert client.get(reverse("cities:evidence", args=["lyon", added.pk])).status_code == 404


def test_officials_and_admins_download_private_files(
    client, verified_pledge_a, current_period, official_a, official_b, staff_admin
):
    added = add(official_a, verified_pledge_a, current_period)
    url = reverse("reports:evidence_file", args=[added.pk])
    for user, status in ((official_a, 200), (staff_admin, 200), (official_b, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# --- HTTP: the official's pages --------------------------------------------------------------


def test_uploading_through_the_form_and_errors_in_the_users_language(
    client, verified_pledge_a, current_period, official_a
):
    client.force_login(official_a)
    chosen = chosen_of(verified_pledge_a)
    url = reverse("reports:evidence_add", args=[verified_pledge_a.pk, current_period.pk, chosen.pk])
    assert client.get(url).status_code == 200

    refused = client.post(url, {"file": upload("photo.png", make_pdf_bytes()), "title": "My typed title"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "My typed title" in page  # nothing typed is lost
    assert not EvidenceFile.objects.exists()

    french = reverse("reports:evidence_add", args=[verified_pledge_a.pk, current_period.pk, chosen.pk]).replace(
        "/en/", "/fr/", 1
    )
    refused = client.post(french, {"file": upload("page.html", b"<html></html>")})
    assert refused.status_code == 400
    assert "Il y a un problème" in refused.content.decode()

    done = client.post(url, {"file": upload("photo.png", png_bytes()), "title": "Opening day"})
    assert done.status_code == 302
    report_page = client.get(reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk]))
    assert "Opening day" in report_page.content.decode()

    added = EvidenceFile.objects.get()
    removed = client.post(reverse("reports:evidence_remove", args=[verified_pledge_a.pk, added.pk]))
    assert removed.status_code == 302
    assert not EvidenceFile.objects.exists()
