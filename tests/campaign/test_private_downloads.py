"""Council resolutions and evidence letters are handed out only through the permission
checks, on both private storages: a folder outside MEDIA_ROOT and an S3-compatible bucket
(moto's server; see conftest.py). Each test runs once per backend."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from accounts.services import membership_request
from campaign.storage import private_storage
from pledges import services
from pledges.models import PledgeEvent
from tests.factories import StaffFactory, UserFactory, make_pdf_bytes

pytestmark = pytest.mark.django_db


def _pdf(name="letter.pdf"):
    return SimpleUploadedFile(name, make_pdf_bytes(), content_type="application/pdf")


def _save_resolution(official, pledge):
    return services.pledge_save_draft(
        actor=official,
        pledge=pledge,
        signatory_name="Bart Somers",
        signatory_title="Mayor",
        council_decision_date=None,
        statement="",
        chosen=[],
        resolution=_pdf("Council decision.pdf"),
    )


@pytest.fixture
def resolution_pledge(private_backend, draft_pledge_a, official_a):
    """City A's draft with its resolution, written to the backend under test."""
    return _save_resolution(official_a, draft_pledge_a)


@pytest.fixture
def applicant(city_a):
    return UserFactory(email="new.mayor@example.net")


@pytest.fixture
def letter_membership(private_backend, applicant, city_a):
    """A pending request for city A, with the applicant's letter in the backend under test."""
    return membership_request(actor=applicant, municipality=city_a, role=Membership.Role.MAYOR, evidence_letter=_pdf())


def _assert_private_pdf_download(response, filename_start):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{filename_start}')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == make_pdf_bytes()


def _assert_sent_to_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- where the files are ---------------------------------------------------------------------


def test_the_files_are_written_to_the_configured_backend(private_backend, resolution_pledge, letter_membership):
    assert private_backend.stored_names() == sorted(
        [resolution_pledge.resolution.name, letter_membership.evidence_letter.name]
    )


@pytest.mark.parametrize("private_backend", ["s3"], indirect=True)
def test_objects_in_the_bucket_are_not_readable_by_everyone(private_backend, resolution_pledge):
    grants = private_backend.s3.client().get_object_acl(
        Bucket=private_backend.bucket, Key=f"{private_backend.prefix}/{resolution_pledge.resolution.name}"
    )["Grants"]
    assert grants
    assert all(g["Grantee"]["Type"] == "CanonicalUser" for g in grants), grants


def test_a_private_file_has_no_url(private_backend, resolution_pledge):
    with pytest.raises(NotImplementedError, match="no URL"):
        resolution_pledge.resolution.url  # noqa: B018


# --- the council resolution ------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login_for_a_resolution(client, resolution_pledge):
    _assert_sent_to_login(client.get(reverse("pledges:resolution", args=[resolution_pledge.pk])))


def test_another_citys_official_cannot_download_the_resolution(client, resolution_pledge, official_b):
    client.force_login(official_b)

    assert client.get(reverse("pledges:resolution", args=[resolution_pledge.pk])).status_code == 404
    assert not PledgeEvent.objects.filter(action=PledgeEvent.Action.DOCUMENT_DOWNLOADED).exists()


def test_the_citys_official_downloads_the_resolution(client, resolution_pledge, official_a):
    client.force_login(official_a)

    response = client.get(reverse("pledges:resolution", args=[resolution_pledge.pk]))

    _assert_private_pdf_download(response, "resolution-")
    assert PledgeEvent.objects.filter(
        pledge=resolution_pledge, actor=official_a, action=PledgeEvent.Action.DOCUMENT_DOWNLOADED
    ).exists()


def test_staff_download_the_resolution(client, resolution_pledge):
    staff = StaffFactory()
    client.force_login(staff)

    _assert_private_pdf_download(client.get(reverse("pledges:resolution", args=[resolution_pledge.pk])), "resolution-")


def test_a_resolution_gone_from_the_storage_is_404(client, resolution_pledge, official_a):
    private_storage.delete(resolution_pledge.resolution.name)
    client.force_login(official_a)

    assert client.get(reverse("pledges:resolution", args=[resolution_pledge.pk])).status_code == 404


# --- the evidence letter ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login_for_a_letter(client, letter_membership):
    _assert_sent_to_login(client.get(reverse("accounts:membership_letter", args=[letter_membership.pk])))


def test_another_citys_official_cannot_download_the_letter(client, letter_membership, official_b):
    client.force_login(official_b)

    assert client.get(reverse("accounts:membership_letter", args=[letter_membership.pk])).status_code == 404


def test_even_the_citys_official_cannot_download_someone_elses_letter(client, letter_membership, official_a):
    client.force_login(official_a)

    assert client.get(reverse("accounts:membership_letter", args=[letter_membership.pk])).status_code == 404


def test_the_applicant_downloads_their_own_letter(client, letter_membership, applicant):
    client.force_login(applicant)

    _assert_private_pdf_download(
        client.get(reverse("accounts:membership_letter", args=[letter_membership.pk])), "letter-"
    )


def test_staff_download_the_letter(client, letter_membership):
    client.force_login(StaffFactory())

    _assert_private_pdf_download(
        client.get(reverse("accounts:membership_letter", args=[letter_membership.pk])), "letter-"
    )


def test_a_letter_kept_while_the_form_had_an_error_is_stored_and_then_moved(client, private_backend, applicant, city_a):
    """The letter kept across a form with errors lives in the private storage too, and is
    removed from there once the request is saved."""
    client.force_login(applicant)
    url = reverse("accounts:membership_request")

    first = client.post(url, {"municipality": city_a.pk, "role": "", "evidence_letter": _pdf("appointment.pdf")})
    assert first.status_code == 200
    [pending] = private_backend.stored_names()
    assert pending.startswith("evidence/pending/")

    second = client.post(
        url,
        {"municipality": city_a.pk, "role": "mayor", "pending_letter": first.context["form"].data["pending_letter"]},
    )

    assert second.status_code == 302
    membership = Membership.objects.get(user=applicant)
    assert private_backend.stored_names() == [membership.evidence_letter.name]
    _assert_private_pdf_download(client.get(reverse("accounts:membership_letter", args=[membership.pk])), "letter-")
