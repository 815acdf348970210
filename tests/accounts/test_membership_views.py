"""Acting for a municipality over HTTP: the request form, My municipalities, the letter download."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.functional import empty
from pypdf import PdfWriter

from accounts.models import Invitation, Membership, MembershipEvent
from accounts.services import membership_request
from campaign.storage import private_storage
from tests.factories import MembershipFactory, MunicipalityFactory, StaffFactory, UserFactory, add_confirmed_address

pytestmark = pytest.mark.django_db


def make_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="letter.pdf"):
    return SimpleUploadedFile(name, make_pdf_bytes(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield settings.PRIVATE_MEDIA_ROOT
    private_storage._wrapped = empty


@pytest.fixture
def mechelen():
    return MunicipalityFactory(name="Mechelen", alternate_names=["Malines"])


@pytest.fixture
def lyon():
    return MunicipalityFactory(name="Lyon", country="FR", admin_region="ARA", time_zone="Europe/Paris")


@pytest.fixture
def official_a(mechelen):
    user = UserFactory(full_name="Ana Peeters")
    MembershipFactory(user=user, municipality=mechelen, status="approved", role="focal_point")
    return user


@pytest.fixture
def official_b(lyon):
    user = UserFactory(full_name="Bruno Martin")
    MembershipFactory(user=user, municipality=lyon, status="approved", role="mayor")
    return user


@pytest.fixture
def letter_membership(mechelen):
    """A request for Mechelen with a letter, by someone who is not yet an official."""
    requester = UserFactory(full_name="Carla Janssens")
    return membership_request(actor=requester, municipality=mechelen, role="deputy", evidence_letter=pdf_upload())


# --- pages need a signed-in, verified user ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:memberships"),
        reverse("accounts:membership_request"),
        reverse("accounts:membership_letter", args=[1]),
        reverse("accounts:invite", args=[1]),
        reverse("accounts:handover", args=[1]),
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_unverified_users_are_asked_to_verify_their_email_and_cannot_request(client, mechelen, mailoutbox):
    user = UserFactory(verified=False)
    client.force_login(user)

    page = client.get(reverse("accounts:membership_request"))
    posted = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "mayor", "evidence_email": "me@mechelen.be"},
    )

    for response in (page, posted):
        assert response.status_code == 403
        assert "account/verified_email_required.html" in [t.name for t in response.templates]
    assert not Membership.objects.exists()


# --- the request form ----------------------------------------------------------------------


def test_request_form_shows_the_autocomplete(client, verified_user):
    client.force_login(verified_user)

    response = client.get(reverse("accounts:membership_request"))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="combobox"' in body
    assert "municipality-autocomplete.js" in body
    assert 'enctype="multipart/form-data"' in body


def test_a_request_with_an_address_at_the_citys_domain_is_sent(client, verified_user, mechelen):
    add_confirmed_address(verified_user, "ana@mechelen.be")
    client.force_login(verified_user)

    response = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "focal_point", "evidence_email": "ana@mechelen.be", "evidence_note": "x"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:memberships")
    membership = Membership.objects.get(user=verified_user)
    assert (membership.municipality, membership.status, membership.evidence_email) == (
        mechelen,
        "requested",
        "ana@mechelen.be",
    )
    page = client.get(response["Location"])
    assert "Mechelen" in page.content.decode()
    assert "Requested" in page.content.decode()


def test_a_refused_address_is_shown_next_to_the_field_and_everything_typed_is_kept(client, verified_user, mechelen):
    client.force_login(verified_user)

    response = client.post(
        reverse("accounts:membership_request"),
        {
            "municipality": mechelen.pk,
            "role": "deputy",
            "evidence_email": "ana.peeters@gmail.com",
            "evidence_note": "I am the alderwoman for integration.",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "evidence_email" in form.errors
    assert "own domain" in form.errors["evidence_email"][0]
    body = response.content.decode()
    assert 'value="ana.peeters@gmail.com"' in body
    assert "I am the alderwoman for integration." in body
    assert f'value="{mechelen.pk}"' in body
    assert 'value="Mechelen, Belgium"' in body
    assert '<option value="deputy" selected>' in body
    assert not Membership.objects.exists()


def test_errors_are_in_the_users_language(client, verified_user, mechelen):
    client.force_login(verified_user)

    response = client.post(reverse("accounts:membership_request").replace("/en/", "/fr/", 1), {"role": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["municipality"]
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


def test_no_evidence_at_all_is_an_error(client, verified_user, mechelen):
    client.force_login(verified_user)

    response = client.post(reverse("accounts:membership_request"), {"municipality": mechelen.pk, "role": "mayor"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Membership.objects.exists()


def test_a_fake_pdf_is_refused_next_to_the_file_field(client, verified_user, mechelen):
    client.force_login(verified_user)
    fake = SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>" * 20, content_type="application/pdf")

    response = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "mayor", "evidence_letter": fake},
    )

    assert response.status_code == 200
    assert "evidence_letter" in response.context["form"].errors
    assert not Membership.objects.exists()


def test_a_valid_letter_is_kept_when_the_form_has_another_error(client, verified_user, mechelen):
    client.force_login(verified_user)

    first = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "", "evidence_letter": pdf_upload("appointment.pdf")},
    )

    assert first.status_code == 200
    assert "role" in first.context["form"].errors
    assert "appointment.pdf" in first.content.decode()
    token = first.context["form"].data["pending_letter"]
    assert token

    second = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "mayor", "pending_letter": token},
    )

    assert second.status_code == 302
    membership = Membership.objects.get(user=verified_user)
    assert membership.evidence_letter.read()[:5] == b"%PDF-"


def test_someone_elses_kept_letter_cannot_be_used(client, verified_user, mechelen):
    other = UserFactory()
    client.force_login(other)
    first = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "", "evidence_letter": pdf_upload()},
    )
    token = first.context["form"].data["pending_letter"]
    client.force_login(verified_user)

    response = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "mayor", "pending_letter": token},
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(user=verified_user).exists()


def test_a_duplicate_request_is_refused_with_a_message(client, verified_user, mechelen):
    MembershipFactory(user=verified_user, municipality=mechelen)
    add_confirmed_address(verified_user, "me@mechelen.be")
    client.force_login(verified_user)

    response = client.post(
        reverse("accounts:membership_request"),
        {"municipality": mechelen.pk, "role": "mayor", "evidence_email": "me@mechelen.be"},
    )

    assert response.status_code == 200
    assert "already asked" in " ".join(response.context["form"].non_field_errors())
    assert Membership.objects.filter(user=verified_user).count() == 1


# --- My municipalities ------------------------------------------------------------------------


def test_my_municipalities_lists_each_status_with_the_refusal_reason(client, verified_user, mechelen, lyon):
    other = MunicipalityFactory(name="Gent")
    MembershipFactory(user=verified_user, municipality=mechelen, status="approved")
    MembershipFactory(user=verified_user, municipality=lyon, status="refused", refusal_reason="Nobody knows you there.")
    MembershipFactory(user=verified_user, municipality=other, status="requested")
    client.force_login(verified_user)

    response = client.get(reverse("accounts:memberships"))

    body = response.content.decode()
    assert response.status_code == 200
    for text in ("Mechelen", "Lyon", "Gent", "Nobody knows you there.", "Approved", "Refused", "Requested"):
        assert text in body
    assert body.count("Invite a colleague") == 1
    assert body.count("Hand over to a successor") == 1


def test_approved_officials_see_their_colleagues_but_not_other_cities(client, official_a, official_b, mechelen):
    colleague = UserFactory(full_name="Dirk Colleague")
    MembershipFactory(user=colleague, municipality=mechelen, status="approved")
    pending = UserFactory(full_name="Pending Person")
    MembershipFactory(user=pending, municipality=mechelen, status="requested")
    client.force_login(official_a)

    body = client.get(reverse("accounts:memberships")).content.decode()

    assert "Dirk Colleague" in body
    assert "Pending Person" not in body
    assert official_b.full_name not in body


def test_profile_page_has_a_my_municipalities_section(client, official_a):
    client.force_login(official_a)

    body = client.get(reverse("accounts:profile")).content.decode()

    assert "My municipalities" in body
    assert "Mechelen" in body
    assert reverse("accounts:membership_request") in body


def test_inviting_a_colleague_sends_the_invitation(
    client, official_a, mechelen, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(official_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite", args=[mechelen.pk]),
            {f"invite-{mechelen.pk}-email": "new.colleague@mechelen.be", f"invite-{mechelen.pk}-role": "staff"},
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.is_handover) == ("new.colleague@mechelen.be", "staff", False)
    assert mailoutbox[0].to == ["new.colleague@mechelen.be"]
    page = client.get(reverse("accounts:memberships"))
    assert "new.colleague@mechelen.be" in page.content.decode()


def test_an_invitation_form_with_errors_keeps_what_was_typed(client, official_a, mechelen):
    client.force_login(official_a)

    response = client.post(
        reverse("accounts:invite", args=[mechelen.pk]),
        {f"invite-{mechelen.pk}-email": official_a.email, f"invite-{mechelen.pk}-role": "deputy"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "You cannot invite yourself." in body
    assert f'value="{official_a.email}"' in body
    assert '<option value="deputy" selected>' in body
    assert not Invitation.objects.exists()


def test_a_handover_needs_the_confirmation_box(client, official_a, mechelen):
    client.force_login(official_a)
    data = {f"handover-{mechelen.pk}-email": "successor@mechelen.be", f"handover-{mechelen.pk}-role": "mayor"}

    refused = client.post(reverse("accounts:handover", args=[mechelen.pk]), data)
    assert refused.status_code == 200
    assert "confirm" in refused.content.decode().lower()
    assert 'value="successor@mechelen.be"' in refused.content.decode()
    assert not Invitation.objects.exists()

    accepted = client.post(
        reverse("accounts:handover", args=[mechelen.pk]), {**data, f"handover-{mechelen.pk}-confirm": "on"}
    )
    assert accepted.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.is_handover
    assert MembershipEvent.objects.filter(action="invited", municipality=mechelen).exists()


@pytest.mark.parametrize("name", ["accounts:invite", "accounts:handover"])
def test_an_official_of_another_city_cannot_invite_for_it(client, official_b, mechelen, name):
    client.force_login(official_b)
    prefix = "invite" if name == "accounts:invite" else "handover"

    response = client.post(
        reverse(name, args=[mechelen.pk]),
        {
            f"{prefix}-{mechelen.pk}-email": "x@lyon.fr",
            f"{prefix}-{mechelen.pk}-role": "staff",
            f"{prefix}-{mechelen.pk}-confirm": "on",
        },
    )

    assert response.status_code == 404
    assert not Invitation.objects.exists()


# --- the evidence letter ------------------------------------------------------------------------


def test_the_member_downloads_their_own_letter_as_an_attachment(client, letter_membership):
    client.force_login(letter_membership.user)

    response = client.get(reverse("accounts:membership_letter", args=[letter_membership.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_staff_download_the_letter(client, letter_membership):
    client.force_login(StaffFactory())

    response = client.get(reverse("accounts:membership_letter", args=[letter_membership.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_official_of_another_city_cannot_download_the_letter(client, letter_membership, official_b):
    client.force_login(official_b)

    response = client.get(reverse("accounts:membership_letter", args=[letter_membership.pk]))

    assert response.status_code == 404


def test_even_a_colleague_of_the_same_city_cannot_download_the_letter(client, letter_membership, official_a):
    client.force_login(official_a)

    response = client.get(reverse("accounts:membership_letter", args=[letter_membership.pk]))

    assert response.status_code == 404


def test_a_membership_without_a_letter_or_unknown_id_is_404(client, official_a):
    client.force_login(official_a)
    own = Membership.objects.get(user=official_a)

    assert client.get(reverse("accounts:membership_letter", args=[own.pk])).status_code == 404
    assert client.get(reverse("accounts:membership_letter", args=[own.pk + 1000])).status_code == 404
