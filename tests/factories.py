"""Factories and plain helpers for the tests.

Every date is relative to today (the date of the clock the test sees, so it follows
time-machine and faketime): a factory-made campaign is open for signing today and a
factory-made reporting period lies far ahead, whatever the date the suite runs.
"""

import io
from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import Membership, User


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose email address is verified, as after following the emailed link."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"official{n}@example.org")
    full_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", "a-Long-and-unusual-passphrase-42")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=extracted is not False)


class StaffFactory(UserFactory):
    """A staff account. ``StaffFactory(totp=True)`` also activates a TOTP authenticator, the
    second factor that staff power needs when STAFF_REQUIRE_MFA is on (off in the tests
    unless a test turns it on)."""

    is_staff = True
    email = factory.Sequence(lambda n: f"admin{n}@example.org")

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        if create and extracted:
            give_totp(obj)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """A municipality as an admin would add it (no GeoNames id); saved through save(), so searchable."""

    class Meta:
        model = "accounts.Municipality"

    name = factory.Sequence(lambda n: f"Testville {n}")
    country = "BE"
    admin_region = "VLG"
    kind = "municipality"
    latitude = 51.0
    longitude = 4.5
    population = 50_000
    time_zone = "Europe/Brussels"
    alternate_names = factory.LazyFunction(list)


# --- Campaigns (campaign app) ---------------------------------------------------------


class CampaignFactory(factory.django.DjangoModelFactory):
    """An open campaign with English texts only; add title_fr / title_es where a test needs them.

    Signing opened four years ago and closes in a year, so signing is open today whatever
    the date (and in every time zone)."""

    class Meta:
        model = "campaign.Campaign"
        django_get_or_create = ("slug",)

    title_en = factory.Sequence(lambda n: f"Pledge campaign {n}")
    slug = factory.Sequence(lambda n: f"pledge-campaign-{n}")
    description_en = "Cities commit to uphold the rights of every migrant."
    status = "open"
    signing_opens = factory.LazyFunction(lambda: date.today() - timedelta(days=4 * 365))
    signing_closes = factory.LazyFunction(lambda: date.today() + timedelta(days=365))
    reporting_cadence = "annual"
    reminder_offsets = factory.LazyFunction(lambda: [-30, -7, -1, 7, 30])


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaign.Commitment"

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"TEST-{n}")
    theme = "rights"
    title_en = factory.Sequence(lambda n: f"Commitment number {n}")
    description_en = "What the city does, in plain words."
    is_required = False
    order = factory.Sequence(lambda n: n * 10)
    sdg_targets = factory.LazyFunction(lambda: ["10.7"])
    gcm_objectives = factory.LazyFunction(lambda: [15])
    nua_paragraphs = factory.LazyFunction(lambda: [28])


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """Yearly periods at least 75 years ahead of today, one year apart per sequence number, so
    that they never overlap and are never open or due today, whatever the date. Give
    `opens` and `due` (relative to today) where the test is about the period's state."""

    class Meta:
        model = "campaign.ReportingPeriod"

    campaign = factory.SubFactory(CampaignFactory)
    label_en = factory.Sequence(lambda n: f"Year {date.today().year + 75 + n}")
    opens = factory.Sequence(lambda n: date(date.today().year + 75 + n, 1, 15))
    due = factory.LazyAttribute(lambda period: date(period.opens.year, 12, 15))


# --- memberships and invitations (acting for a municipality) ------------------------------


class MembershipFactory(factory.django.DjangoModelFactory):
    """A pending request by a verified user, with an address at the municipality's domain."""

    class Meta:
        model = "accounts.Membership"

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = "focal_point"
    status = "requested"
    evidence_email = "someone@example.org"


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation from an official (approve their membership yourself if it matters)."""

    class Meta:
        model = "accounts.Invitation"

    municipality = factory.SubFactory(MunicipalityFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = "staff"
    token = factory.Sequence(lambda n: f"test-invitation-token-{n:06d}")
    invited_by = factory.SubFactory(UserFactory)
    is_handover = False
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


def give_totp(user):
    """An activated TOTP authenticator, as after scanning the QR code and typing a code."""
    return TOTP.activate(user, generate_totp_secret())


def add_confirmed_address(user, email):
    """Give `user` a second, confirmed address, as after following allauth's link. Evidence
    addresses for membership requests count only once confirmed."""
    return EmailAddress.objects.create(user=user, email=email.strip().lower(), primary=False, verified=True)


STATEMENT_A = "Mechelen stands for the rights of every newcomer, whatever their papers."


def make_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def approve_official(user, municipality, role=Membership.Role.FOCAL_POINT) -> Membership:
    """An approved membership, as after an admin approved the request."""
    return Membership.objects.create(user=user, municipality=municipality, role=role, status=Membership.Status.APPROVED)
