"""Private documents live outside every publicly served folder, whatever the proxy does:
the settings refuse a PRIVATE_MEDIA_ROOT inside MEDIA_ROOT or STATIC_ROOT, uploads never
land under MEDIA_ROOT, the development media route cannot reach them, and files left in
the old place are reported."""

import json
import os
import subprocess
import sys
import types

import pytest
from django.conf import settings as django_settings
from django.conf.urls.static import static
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from campaign.storage import check_no_private_files_left_in_media
from pledges import services
from tests.factories import UserFactory, make_pdf_bytes

BASE_DIR = django_settings.BASE_DIR
STORAGE_VARIABLES = ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "PRIVATE_STORAGE") + tuple(
    name for name in os.environ if name.startswith("PRIVATE_S3_")
)
# Only the settings module: what gunicorn, Celery and every manage.py command read first.
READ_SETTINGS = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'private_root': str(s.PRIVATE_MEDIA_ROOT), 'media_root': str(s.MEDIA_ROOT), "
    "'private': s.STORAGES['private']}))"
)


def start_settings(**variables) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in STORAGE_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="campaign.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", READ_SETTINGS], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def started(**variables) -> dict:
    result = start_settings(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(**variables) -> str:
    result = start_settings(**variables)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr


# --- start-up ----------------------------------------------------------------------------


def test_by_default_private_files_are_kept_beside_media_not_inside_it():
    values = started()

    assert values["private"] == {"BACKEND": "campaign.storage.PrivateFileSystemStorage"}
    private_root, media_root = values["private_root"], values["media_root"]
    assert private_root == str(BASE_DIR / "private-media")
    assert not private_root.startswith(media_root.rstrip("/") + "/")


@pytest.mark.parametrize(
    "private_root, public_folder",
    [
        ("media/private", "media"),
        ("media", "media"),
        ("staticfiles/documents", "staticfiles"),
        ("static/private", "static"),
    ],
)
def test_start_up_refuses_private_files_inside_a_public_folder(private_root, public_folder):
    message = refused(PRIVATE_MEDIA_ROOT=str(BASE_DIR / private_root))

    assert f"is inside {BASE_DIR / public_folder}, which is served publicly" in message


def test_start_up_sees_through_a_relative_path_into_media(tmp_path):
    message = refused(
        MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_MEDIA_ROOT=str(tmp_path / "media" / ".." / "media" / "x")
    )

    assert "served publicly" in message


def test_the_s3_storage_is_set_from_the_environment():
    values = started(
        PRIVATE_STORAGE="s3",
        PRIVATE_S3_BUCKET="city-documents",
        PRIVATE_S3_ENDPOINT_URL="https://s3.example.org",
        PRIVATE_S3_REGION="eu-west-3",
        PRIVATE_S3_PREFIX="pledges",
        PRIVATE_S3_ACCESS_KEY_ID="key-id",
        PRIVATE_S3_SECRET_ACCESS_KEY="secret",
        PRIVATE_S3_ADDRESSING_STYLE="path",
    )

    assert values["private"] == {
        "BACKEND": "campaign.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": "city-documents",
            "location": "pledges",
            "endpoint_url": "https://s3.example.org",
            "region_name": "eu-west-3",
            "access_key": "key-id",
            "secret_key": "secret",
            "addressing_style": "path",
        },
    }


def test_the_s3_storage_without_its_optional_variables_keeps_django_storages_defaults():
    values = started(PRIVATE_STORAGE="s3", PRIVATE_S3_BUCKET="city-documents")

    assert values["private"]["OPTIONS"] == {"bucket_name": "city-documents"}


def test_start_up_refuses_s3_without_a_bucket():
    assert "PRIVATE_S3_BUCKET" in refused(PRIVATE_STORAGE="s3")


def test_start_up_refuses_an_unknown_private_storage():
    assert "PRIVATE_STORAGE is 'filesystem' or 's3', not 'ftp'" in refused(PRIVATE_STORAGE="ftp")


# --- uploads and the development media route ----------------------------------------------


@pytest.fixture
def public_and_private(settings, tmp_path, private_media):
    """MEDIA_ROOT and PRIVATE_MEDIA_ROOT side by side, as by default."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT, private_media


def _files_under(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def uploaded(public_and_private, client, draft_pledge_a, official_a, city_a):
    """A resolution saved by the service and a letter sent through the request form."""
    pledge = services.pledge_save_draft(
        actor=official_a,
        pledge=draft_pledge_a,
        signatory_name="Bart Somers",
        signatory_title="Mayor",
        council_decision_date=None,
        statement="",
        chosen=[],
        resolution=SimpleUploadedFile("resolution.pdf", make_pdf_bytes(), content_type="application/pdf"),
    )
    applicant = UserFactory()
    client.force_login(applicant)
    letter = SimpleUploadedFile("letter.pdf", make_pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("accounts:membership_request"), {"municipality": city_a.pk, "role": "mayor", "evidence_letter": letter}
    )
    assert response.status_code == 302
    client.logout()
    return [pledge.resolution.name, Membership.objects.get(user=applicant).evidence_letter.name]


@pytest.mark.django_db
def test_nothing_private_is_written_under_media_root(public_and_private, uploaded):
    media_root, private_root = public_and_private

    assert _files_under(media_root) == []
    assert sorted(str(p) for p in _files_under(private_root)) == sorted(uploaded)


@pytest.fixture
def debug_media_route(settings):
    """The URLconf of campaign/urls.py's development media route, `static(MEDIA_URL, ...)`, alone."""
    settings.DEBUG = True
    urlconf = types.ModuleType("debug_media_urls")
    urlconf.urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)  # type: ignore[attr-defined]
    assert urlconf.urlpatterns, "static() adds its route only when DEBUG is on"  # type: ignore[attr-defined]
    settings.ROOT_URLCONF = urlconf
    return urlconf


@pytest.mark.django_db
def test_the_development_media_route_cannot_reach_private_files(
    public_and_private, uploaded, debug_media_route, client
):
    media_root, _private_root = public_and_private
    (media_root / "logo.txt").write_text("public")
    # The route works: a public file is served...
    assert client.get("/media/logo.txt").status_code == 200

    # ...but no address leads to a private one: not by its name, not in the old folder, not upwards.
    for name in uploaded:
        for address in (
            f"/media/{name}",
            f"/media/private/{name}",
            f"/media/../private/{name}",
            f"/media/%2e%2e/private/{name}",
            f"/media/..%2fprivate/{name}",
        ):
            response = client.get(address)
            assert response.status_code in (400, 404), address
            assert make_pdf_bytes()[:5] not in b"".join(getattr(response, "streaming_content", [response.content]))


# --- files left in the old place ------------------------------------------------------------


def test_files_left_in_media_private_are_reported(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert check_no_private_files_left_in_media(None) == []

    (settings.MEDIA_ROOT / "private" / "resolutions" / "4").mkdir(parents=True)
    assert check_no_private_files_left_in_media(None) == []  # empty folders publish nothing

    (settings.MEDIA_ROOT / "private" / "resolutions" / "4" / "a.pdf").write_bytes(make_pdf_bytes())
    [warning] = check_no_private_files_left_in_media(None)
    assert warning.id == "campaign.W001"
    assert str(settings.MEDIA_ROOT / "private") in warning.msg
