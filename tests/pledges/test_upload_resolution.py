"""The council resolution is checked by its content: a PDF of at most 10 MB."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.uploads import MAX_DOCUMENT_BYTES, validate_pdf
from pledges import services
from pledges.models import Pledge

pytestmark = pytest.mark.django_db

FAKE_PDF = b"Dear council, this is only a text file with a .pdf name.\n" * 20


def fake_pdf():
    return SimpleUploadedFile("resolution.pdf", FAKE_PDF, content_type="application/pdf")


def oversize_pdf(pdf_bytes):
    # A real PDF header followed by padding: over the limit by one byte.
    return SimpleUploadedFile(
        "big.pdf", pdf_bytes + b"\n%" + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(pdf_bytes) - 2), "application/pdf"
    )


def save_with(official, pledge, upload):
    return services.pledge_save_draft(
        actor=official,
        pledge=pledge,
        signatory_name="Bart Somers",
        signatory_title="Mayor",
        council_decision_date=None,
        statement="",
        chosen=[],
        resolution=upload,
    )


def test_validate_pdf_refuses_a_renamed_text_file():
    with pytest.raises(ValidationError) as exc:
        validate_pdf(fake_pdf())
    assert exc.value.code == "not_pdf"
    assert "not a PDF" in exc.value.messages[0]


def test_validate_pdf_refuses_more_than_10_mb(pdf_bytes):
    upload = oversize_pdf(pdf_bytes)
    assert upload.size == MAX_DOCUMENT_BYTES + 1
    with pytest.raises(ValidationError) as exc:
        validate_pdf(upload)
    assert exc.value.code == "too_large"
    assert "10 MB" in exc.value.messages[0]


def test_validate_pdf_accepts_a_real_small_pdf(pdf_upload):
    validate_pdf(pdf_upload())  # no exception


def test_service_refuses_fake_pdf_and_stores_nothing(draft_pledge_a, official_a):
    with pytest.raises(ValidationError, match="not a PDF"):
        save_with(official_a, draft_pledge_a, fake_pdf())
    assert not Pledge.objects.get(pk=draft_pledge_a.pk).resolution


def test_service_stores_a_real_pdf_under_a_new_name(draft_pledge_a, official_a, pdf_upload, private_media):
    pledge = save_with(official_a, draft_pledge_a, pdf_upload("My Council's decision.pdf"))
    pledge.refresh_from_db()
    assert pledge.resolution.name.endswith(".pdf")
    assert "Council" not in pledge.resolution.name
    assert (private_media / pledge.resolution.name).exists()
    with pledge.resolution.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"


def form_data(**extra):
    data = {"signatory_name": "Bart Somers", "signatory_title": "Mayor", "statement": "We sign.", "save": "1"}
    data.update(extra)
    return data


def test_edit_page_shows_the_not_a_pdf_error_next_to_the_file_and_keeps_typed_values(
    client, draft_pledge_a, official_a
):
    client.force_login(official_a)
    response = client.post(f"/en/pledges/{draft_pledge_a.pk}/edit/", {**form_data(), "resolution": fake_pdf()})
    assert response.status_code == 400
    form = response.context["form"]
    assert "not a PDF" in " ".join(form.errors["resolution"])
    html = response.content.decode()
    assert "This file is not a PDF" in html
    assert 'value="Bart Somers"' in html
    assert not Pledge.objects.get(pk=draft_pledge_a.pk).resolution


def test_edit_page_refuses_an_oversize_file(client, draft_pledge_a, official_a, pdf_bytes):
    client.force_login(official_a)
    response = client.post(
        f"/en/pledges/{draft_pledge_a.pk}/edit/", {**form_data(), "resolution": oversize_pdf(pdf_bytes)}
    )
    assert response.status_code == 400
    assert "the limit is 10 MB" in " ".join(response.context["form"].errors["resolution"])
    assert not Pledge.objects.get(pk=draft_pledge_a.pk).resolution


def test_edit_page_accepts_a_real_pdf_and_then_shows_its_download_link(client, draft_pledge_a, official_a, pdf_upload):
    client.force_login(official_a)
    response = client.post(f"/en/pledges/{draft_pledge_a.pk}/edit/", {**form_data(), "resolution": pdf_upload()})
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=draft_pledge_a.pk)
    assert pledge.resolution
    page = client.get(f"/en/pledges/{pledge.pk}/edit/").content.decode()
    assert f'href="/en/pledges/{pledge.pk}/resolution/"' in page
    assert "10 MB" in page


def test_a_stored_resolution_is_kept_when_the_form_is_saved_without_a_file(client, ready_pledge_a, official_a):
    before = ready_pledge_a.resolution.name
    client.force_login(official_a)
    response = client.post(f"/en/pledges/{ready_pledge_a.pk}/edit/", form_data(signatory_title="Mayor again"))
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=ready_pledge_a.pk)
    assert pledge.resolution.name == before
    assert pledge.signatory_title == "Mayor again"
