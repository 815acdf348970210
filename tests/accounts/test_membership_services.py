"""Acting for a municipality, through the services: request, approve, refuse, revoke."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import empty
from pypdf import PdfWriter

from accounts.access import can_act_for
from accounts.models import Membership, MembershipEvent
from accounts.services import membership_approve, membership_refuse, membership_request, membership_revoke
from campaign.storage import private_storage
from tests.factories import MembershipFactory, MunicipalityFactory, StaffFactory, UserFactory, add_confirmed_address

pytestmark = pytest.mark.django_db


def make_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


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
def official(verified_user):
    return verified_user


@pytest.fixture
def staff():
    return StaffFactory()


def test_request_with_an_address_at_the_citys_domain_is_recorded(official, mechelen):
    add_confirmed_address(official, "ana@mechelen.be")
    membership = membership_request(
        actor=official,
        municipality=mechelen,
        role="focal_point",
        evidence_email=" Ana@Mechelen.be ",
        evidence_note="Hi",
    )

    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED
    assert membership.evidence_email == "ana@mechelen.be"
    assert membership.evidence_note == "Hi"
    assert not can_act_for(official, mechelen.pk)
    event = MembershipEvent.objects.get(membership=membership)
    assert (event.action, event.actor, event.municipality) == ("requested", official, mechelen)


def test_request_needs_a_verified_email(mechelen):
    unverified = UserFactory(verified=False)

    with pytest.raises(PermissionDenied):
        membership_request(actor=unverified, municipality=mechelen, role="mayor", evidence_email="x@mechelen.be")

    assert not Membership.objects.exists()


def test_address_at_a_webmail_domain_is_not_evidence(official, mechelen):
    with pytest.raises(ValidationError) as info:
        membership_request(actor=official, municipality=mechelen, role="mayor", evidence_email="mayor@gmail.com")

    assert "evidence_email" in info.value.message_dict
    assert not Membership.objects.exists()


def test_request_without_any_evidence_is_refused(official, mechelen):
    with pytest.raises(ValidationError):
        membership_request(actor=official, municipality=mechelen, role="mayor")

    assert not Membership.objects.exists()


def test_a_real_pdf_letter_is_kept_in_private_storage(official, mechelen, private_media):
    letter = SimpleUploadedFile("appointment.pdf", make_pdf_bytes(), content_type="application/pdf")

    membership = membership_request(actor=official, municipality=mechelen, role="deputy", evidence_letter=letter)

    membership.refresh_from_db()
    assert membership.evidence_letter.name.startswith(f"evidence/{mechelen.pk}/")
    stored = private_media / membership.evidence_letter.name
    assert stored.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 not a pdf at all" * 10,
        b"%PDF-1.7\n this is not really a pdf \n%%EOF",
        b"\x89PNG\r\n\x1a\n" + b"0" * 64,
    ],
)
def test_a_letter_must_be_a_real_pdf_whatever_its_name(official, mechelen, content):
    letter = SimpleUploadedFile("letter.pdf", content, content_type="application/pdf")

    with pytest.raises(ValidationError):
        membership_request(actor=official, municipality=mechelen, role="deputy", evidence_letter=letter)

    assert not Membership.objects.exists()


def test_a_second_live_request_for_the_same_city_is_refused(official, mechelen):
    add_confirmed_address(official, "a@mechelen.be")
    membership_request(actor=official, municipality=mechelen, role="mayor", evidence_email="a@mechelen.be")

    with pytest.raises(ValidationError):
        membership_request(actor=official, municipality=mechelen, role="staff", evidence_email="a@mechelen.be")

    assert Membership.objects.filter(user=official).count() == 1


def test_after_a_refusal_one_may_ask_again(official, mechelen, staff):
    add_confirmed_address(official, "a@mechelen.be")
    add_confirmed_address(official, "b@mechelen.be")
    first = membership_request(actor=official, municipality=mechelen, role="mayor", evidence_email="a@mechelen.be")
    membership_refuse(actor=staff, membership=first, reason="Unknown at the town hall.")

    second = membership_request(actor=official, municipality=mechelen, role="mayor", evidence_email="b@mechelen.be")

    assert second.pk != first.pk
    assert Membership.objects.filter(user=official).count() == 2


@pytest.mark.parametrize("decide", ["approve", "refuse"])
def test_only_campaign_admins_decide(official, mechelen, decide):
    membership = MembershipFactory(user=official, municipality=mechelen)
    someone = UserFactory()
    colleague = UserFactory()
    MembershipFactory(user=colleague, municipality=mechelen, status="approved")

    for actor in (official, someone, colleague):
        with pytest.raises(PermissionDenied):
            if decide == "approve":
                membership_approve(actor=actor, membership=membership)
            else:
                membership_refuse(actor=actor, membership=membership, reason="no")

    membership.refresh_from_db()
    assert membership.status == "requested"
    assert not MembershipEvent.objects.filter(action__in=["approved", "refused"]).exists()


def test_approval_records_history_and_emails_the_official_in_their_language(
    official, mechelen, staff, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pledge.example"
    official.preferred_language = "fr"
    official.save()
    membership = MembershipFactory(user=official, municipality=mechelen)

    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(actor=staff, membership=membership)

    membership.refresh_from_db()
    assert membership.status == "approved"
    assert membership.decided_by == staff
    assert membership.decided_at is not None
    assert can_act_for(official, mechelen.pk)
    event = MembershipEvent.objects.get(membership=membership, action="approved")
    assert event.actor == staff
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [official.email]
    assert "Mechelen" in mail.subject
    assert "https://pledge.example/fr/accounts/memberships/" in mail.body
    html = mail.alternatives[0][0]
    assert '<html lang="fr" dir="ltr">' in html
    assert "Mechelen" in html


@pytest.mark.parametrize(("language", "city"), [("ar", "تونس"), ("fr", "Tunis"), ("en", "Tunis")])
def test_the_email_names_the_city_as_the_officials_language_does(
    official, staff, mailoutbox, django_capture_on_commit_callbacks, language, city
):
    # Tunis names its time zone, so CLDR knows its name in every language.
    tunis = MunicipalityFactory(name="Tunis", country="TN", time_zone="Africa/Tunis", population=693_210)
    official.preferred_language = language
    official.save()
    membership = MembershipFactory(user=official, municipality=tunis)

    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(actor=staff, membership=membership)

    mail = mailoutbox[0]
    assert city in mail.subject and city in mail.body
    if language == "ar":
        assert "Tunis" not in mail.subject
        assert '<html lang="ar" dir="rtl">' in mail.alternatives[0][0]


def test_approving_twice_is_refused_and_sends_nothing_more(
    official, mechelen, staff, mailoutbox, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(user=official, municipality=mechelen)
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(actor=staff, membership=membership)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        membership_approve(actor=staff, membership=membership)

    assert len(mailoutbox) == 1


def test_refusal_needs_a_reason_records_it_and_emails_it(
    official, mechelen, staff, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pledge.example"
    official.preferred_language = "es"
    official.save()
    membership = MembershipFactory(user=official, municipality=mechelen)

    with pytest.raises(ValidationError):
        membership_refuse(actor=staff, membership=membership, reason="   ")
    with django_capture_on_commit_callbacks(execute=True):
        membership_refuse(actor=staff, membership=membership, reason="We could not reach the town hall.")

    membership.refresh_from_db()
    assert membership.status == "refused"
    assert membership.refusal_reason == "We could not reach the town hall."
    event = MembershipEvent.objects.get(membership=membership, action="refused")
    assert event.note == "We could not reach the town hall."
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [official.email]
    assert "We could not reach the town hall." in mail.body
    assert "https://pledge.example/es/accounts/memberships/request/" in mail.body
    assert "We could not reach the town hall." in mail.alternatives[0][0]


def test_revocation_by_staff_ends_the_right_to_act_and_keeps_history(official, mechelen, staff):
    membership = MembershipFactory(user=official, municipality=mechelen)
    membership_approve(actor=staff, membership=membership)
    colleague = UserFactory()
    MembershipFactory(user=colleague, municipality=mechelen, status="approved")

    with pytest.raises(PermissionDenied):
        membership_revoke(actor=colleague, membership=membership)
    assert can_act_for(official, mechelen.pk)

    membership_revoke(actor=staff, membership=membership, reason="Left office.")

    membership.refresh_from_db()
    assert membership.status == "revoked"
    assert not can_act_for(official, mechelen.pk)
    actions = list(MembershipEvent.objects.filter(membership=membership).values_list("action", flat=True))
    assert actions == ["approved", "revoked"]


def test_unverified_addresses_do_not_count_even_when_another_is_verified_elsewhere(mechelen):
    """The check is on the actor's own addresses: a verified address of someone else does not help."""
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=UserFactory(verified=False), email="other@example.org", verified=True)

    with pytest.raises(PermissionDenied):
        membership_request(actor=user, municipality=mechelen, role="mayor", evidence_email="x@mechelen.be")


def test_an_unconfirmed_evidence_address_is_refused(official, mechelen):
    """Typing mayor@mechelen.be proves nothing until its owner confirms it."""
    with pytest.raises(ValidationError) as refused:
        membership_request(actor=official, municipality=mechelen, role="mayor", evidence_email="mayor@mechelen.be")

    assert "confirm" in str(refused.value)
    assert not Membership.objects.exists()


def test_nobody_decides_on_their_own_request(mechelen):
    admin = StaffFactory()
    add_confirmed_address(admin, "admin@mechelen.be")
    membership = membership_request(
        actor=admin, municipality=mechelen, role="staff", evidence_email="admin@mechelen.be"
    )

    with pytest.raises(PermissionDenied):
        membership_approve(actor=admin, membership=membership)
    with pytest.raises(PermissionDenied):
        membership_refuse(actor=admin, membership=membership, reason="Self")

    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED
    assert membership_approve(actor=StaffFactory(), membership=membership).status == Membership.Status.APPROVED
