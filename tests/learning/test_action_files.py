"""Files of local actions, checked by their content: images are re-encoded without their
metadata (the GPS position of a photo first of all), PDFs with scripts are refused, a file
that only says it is an image by its name is refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from campaign.uploads import reencode_image, validate_action_file
from pledges.learning.models import HistoryEntry, LocalActionFile
from pledges.learning.services import actions as services
from tests.factories import make_pdf_bytes

pytestmark = pytest.mark.django_db

GPS = {1: "N", 2: (51.0, 1.0, 30.0), 3: "E", 4: (4.0, 28.0, 0.0)}


def photo(fmt="JPEG", *, size=(40, 20), orientation=None) -> bytes:
    image = Image.new("RGB", size, (200, 10, 10))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    extra = {}
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "taken at 12 Secret Street")
        extra["pnginfo"] = info
    image.save(out, fmt, exif=exif, **extra)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def action(official_a, verified_pledge_a, campaign):
    return services.action_create(
        actor=official_a,
        municipality=verified_pledge_a.municipality,
        campaign=campaign,
        data={
            "language": "en",
            "title": "Language courses",
            "summary": "Free courses.",
            "contact_role": "Adult school",
        },
    )


def stored_bytes(stored: LocalActionFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize("fmt,name", [("JPEG", "photo.jpg"), ("PNG", "photo.png"), ("WEBP", "photo.webp")])
def test_an_image_is_stored_without_its_metadata(official_a, action, fmt, name):
    original = photo(fmt)
    assert b"SecretCam" in original
    stored = services.file_add(
        actor=official_a, action=action, upload=upload(original, name), alt_text="Learners in a classroom"
    )
    data = stored_bytes(stored)
    assert b"SecretCam" not in data and b"Secret Street" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt
        assert not image.getexif()
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "icc_profile" not in image.info and "comment" not in image.info and "Comment" not in image.info
    assert stored.kind == LocalActionFile.Kind.IMAGE
    assert (stored.width, stored.height) == (40, 20)
    assert stored.size == len(data)
    assert stored.original_name == name and not stored.file.name.endswith(name)


def test_the_orientation_is_applied_before_the_metadata_goes(official_a, action):
    stored = services.file_add(
        actor=official_a, action=action, upload=upload(photo(orientation=6), "turned.jpg"), alt_text="A desk"
    )
    assert (stored.width, stored.height) == (20, 40)


def test_a_text_file_named_png_is_refused(official_a, action):
    with pytest.raises(ValidationError) as exc:
        services.file_add(
            actor=official_a, action=action, upload=upload(b"<html>not an image</html>", "photo.png"), alt_text="x"
        )
    assert [e.code for e in exc.value.error_dict["file"]] == ["action_file_kind"]
    assert not LocalActionFile.objects.exists()


def test_a_pdf_named_png_is_refused(official_a, action):
    with pytest.raises(ValidationError) as exc:
        services.file_add(actor=official_a, action=action, upload=upload(make_pdf_bytes(), "photo.png"))
    assert [e.code for e in exc.value.error_dict["file"]] == ["evidence_name_mismatch"]


def test_a_pdf_with_javascript_is_refused(official_a, action):
    with pytest.raises(ValidationError) as exc:
        services.file_add(actor=official_a, action=action, upload=upload(pdf_with_javascript(), "leaflet.pdf"))
    assert "pdf_javascript" in [e.code for e in exc.value.error_dict["file"]]
    assert not LocalActionFile.objects.exists()


def test_a_plain_pdf_is_kept_as_it_is(official_a, action):
    data = make_pdf_bytes()
    stored = services.file_add(actor=official_a, action=action, upload=upload(data, "leaflet.pdf"), title="Leaflet")
    assert stored.kind == LocalActionFile.Kind.PDF and stored.alt_text == ""
    assert stored_bytes(stored) == data
    assert HistoryEntry.objects.filter(local_action=action, verb=HistoryEntry.Verb.FILE_ADDED).exists()


def test_an_image_needs_its_description(official_a, action):
    with pytest.raises(ValidationError) as exc:
        services.file_add(actor=official_a, action=action, upload=upload(photo(), "photo.jpg"))
    assert [e.code for e in exc.value.error_dict["alt_text"]] == ["required"]


def test_at_most_six_files_and_removing_one_deletes_it(official_a, action):
    files = [
        services.file_add(actor=official_a, action=action, upload=upload(make_pdf_bytes(), f"doc{i}.pdf"))
        for i in range(services.MAX_FILES)
    ]
    with pytest.raises(ValidationError) as exc:
        services.file_add(actor=official_a, action=action, upload=upload(make_pdf_bytes(), "one-more.pdf"))
    assert [e.code for e in exc.value.error_dict["file"]] == ["too_many_files"]
    first = files[0]
    storage, name = first.file.storage, first.file.name
    services.file_remove(actor=official_a, action=action, file_id=first.pk)
    assert not storage.exists(name)
    assert action.files.count() == services.MAX_FILES - 1


def test_validate_and_reencode_directly():
    kind = validate_action_file(upload(photo("PNG"), "a.png"))
    assert (kind.kind, kind.format, kind.extension) == ("image", "png", "png")
    data, width, height = reencode_image(photo("PNG"), "png")
    assert (width, height) == (40, 20) and b"SecretCam" not in data


def test_upload_through_the_page_and_download_privately(client, official_a, action):
    client.force_login(official_a)
    url = reverse("learning:file_add", args=[action.pk])
    response = client.post(url, {"file": upload(photo(), "photo.jpg"), "title": "Class"})
    assert response.status_code == 200  # the description is missing: the page says so, title kept
    assert "Say what the image shows" in response.content.decode()
    assert 'value="Class"' in response.content.decode()
    response = client.post(url, {"file": upload(photo(), "photo.jpg"), "title": "Class", "alt_text": "Learners"})
    assert response.status_code == 302
    stored = action.files.get()
    response = client.get(reverse("learning:file_download", args=[action.pk, stored.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"SecretCam" not in b"".join(response.streaming_content)
