"""Who may open what: every view of signing, reporting, memberships and the staff queue,
for seven kinds of visitor, checked against one explicit table.

The world every test starts from (built through the services, as real users would):

- ``campaign`` ("cities-pledge"): Mechelen (city A) has a VERIFIED pledge with a resolution
  PDF and a SUBMITTED report for the current period (version 1); Lyon (city B) has only a
  DRAFT there, so its public profile does not exist yet.
- ``draft-campaign``: city A has a complete DRAFT (ready to submit).
- ``queue-campaign``: city A has a SUBMITTED pledge, waiting in the staff queue.
- ``fresh-campaign``: open, city A has not started yet.
- official A's approved membership carries a letter of appointment; an applicant has a
  PENDING request for city A with a letter; official A has invited a colleague (open
  invitation token).

The seven actors:

- ``anonymous``;
- ``unverified``: an APPROVED official of city A whose email address is not verified
  (e.g. an account an admin set up) - the email gate alone has to stop them;
- ``official_a`` and ``official_b`` (approved, verified);
- ``admin``: a campaign admin (is_staff, verified, with an activated TOTP authenticator);
- ``superuser`` (is_staff and is_superuser, verified, with TOTP);
- ``staff_no_mfa``: is_staff and verified but without a second factor. The matrix runs
  with STAFF_REQUIRE_MFA on, as in production, so this account has no staff power
  anywhere: everywhere it is a signed-in account with no membership (its column is
  official B's outside the staff pages and the admin, which send it to set up TOTP).

Staff power is one rule (accounts/access.py): an active ``is_staff`` account with a second
factor when STAFF_REQUIRE_MFA is on; Django's
per-model permissions play no part, so ``admin`` (staff, not superuser) and ``superuser``
have the same columns, but for the one exception, the accounts admin. An unconfirmed
address gets the same answer from every official's and staff page (VERIFY).

For every refused request (and every POST that is not expected to change anything) the
test also checks that the database did not move: pledges, chosen commitments, history,
reports, versions, memberships and invitations are exactly as before.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Invitation, Membership, MembershipEvent, Municipality, MunicipalityRequest
from accounts.services import municipality_request_submit
from campaign.outbox.models import EmailDelivery
from campaign.writes import write_batch
from pledges import services
from pledges.announcements import services as announcement_services
from pledges.models import (
    Announcement,
    Pledge,
    PledgeCalendar,
    PledgeCommitment,
    PledgeEvent,
    ProgressReport,
    ProgressUpdate,
    ReportVersion,
)
from tests.factories import (
    STATEMENT_A,
    CampaignFactory,
    CommitmentFactory,
    InvitationFactory,
    StaffFactory,
    UserFactory,
    add_confirmed_address,
    approve_official,
    give_totp,
    make_pdf_bytes,
)

DRAFT_STATEMENT_A = "Mechelen's draft words, private until verified: zebra-draft-7731."
QUEUE_STATEMENT_A = "Mechelen's submitted words, waiting for the campaign team: zebra-queue-5519."
REPORT_NARRATIVE_A = "Private-until-submitted narrative of Mechelen: zebra-report-8842."
SECRET_TEXTS = (STATEMENT_A, DRAFT_STATEMENT_A, QUEUE_STATEMENT_A, REPORT_NARRATIVE_A)

ACTORS = ("anonymous", "unverified", "official_a", "official_b", "admin", "superuser", "staff_no_mfa")

# --- outcomes ---------------------------------------------------------------------------
LOGIN = "login"  # 302 to the login page, with ?next=
VERIFY = "verify"  # the "confirm your email address first" page (403, sends a new link), everywhere
DONE = "done"  # POST accepted: 302 onwards, and the change it asks for is in the database
REDIRECT = "redirect"  # GET answered by a 302 elsewhere than the login page (nothing changes)
MFA = "mfa"  # 302 to the TOTP set-up page with a message that says why (nothing changes)

# --- THE POLICY ---------------------------------------------------------------------------
# One row per (view and object, method). Columns follow ACTORS.
#    view[object]                        method  anonymous unverified official_a official_b admin superuser staff_no_mfa
# fmt: off
MATRIX = [
    # accounts: one's own profile and municipalities; letters; invitations
    ("accounts:profile",                 "GET",  LOGIN,    200,      200,      200,      200,      200,      200),
    ("accounts:profile",                 "POST", LOGIN,    DONE,     DONE,     DONE,     DONE,     DONE,     DONE),
    ("accounts:memberships",             "GET",  LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    ("accounts:membership_request",      "GET",  LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    # asking to represent city A: an address at its domain counts only once it is one of the
    # asker's confirmed addresses; typing newcomer@mechelen.be (confirmed by nobody) redisplays
    # the form with an error and saves nothing, for everyone (A already acts for it: form error)
    ("accounts:membership_request",      "POST", LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    # ...with a letter of appointment anyone verified may ask (A already does: form error, nothing saved)
    ("accounts:membership_request[letter]", "POST", LOGIN,    VERIFY,   200,      DONE,     DONE,     DONE,     DONE),
    # "my municipality is not listed": anyone signed in with a confirmed address may ask
    ("accounts:municipality_request",    "GET",  LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    ("accounts:municipality_request",    "POST", LOGIN,    VERIFY,   DONE,     DONE,     DONE,     DONE,     DONE),
    ("accounts:membership_letter[own-A]", "GET",  LOGIN,    VERIFY,   200,      404,      200,      200,      404),
    ("accounts:membership_letter[applicant]", "GET",  LOGIN,    VERIFY,   404,      404,      200,      200,      404),
    ("accounts:invite[A]",               "GET",  LOGIN,    VERIFY,   REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    ("accounts:invite[A]",               "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("accounts:handover[A]",             "GET",  LOGIN,    VERIFY,   REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    ("accounts:handover[A]",             "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    # the token is the secret: the page opens for anyone, only the invited address can accept
    ("accounts:invitation[A]",           "GET",  200,      200,      200,      200,      200,      200,      200),
    ("accounts:invitation[A]",           "POST", LOGIN,    403,      403,      403,      403,      403,      403),
    ("accounts:invitation[unknown]",     "GET",  404,      404,      404,      404,      404,      404,      404),
    # pledges: signing is for city A's officials; admins may read (preview, resolution), not sign
    ("pledges:index",                    "GET",  LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    ("pledges:start[fresh-campaign,A]",  "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("pledges:start[fresh-campaign,A]",  "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("pledges:detail[draft-A]",          "GET",  LOGIN,    VERIFY,   200,      404,      200,      200,      404),
    ("pledges:preview[draft-A]",         "GET",  LOGIN,    VERIFY,   200,      404,      200,      200,      404),
    ("pledges:preview[verified-A]",      "GET",  LOGIN,    VERIFY,   200,      404,      200,      200,      404),
    ("pledges:edit[draft-A]",            "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("pledges:edit[draft-A]",            "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("pledges:edit[verified-A]",         "GET",  LOGIN,    VERIFY,   REDIRECT, 404,      404,      404,      404),
    ("pledges:submit[draft-A]",          "GET",  LOGIN,    VERIFY,   405,      405,      405,      405,      405),
    ("pledges:submit[draft-A]",          "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("pledges:withdraw[submitted-A]",    "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("pledges:withdraw[submitted-A]",    "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("pledges:resolution[verified-A]",   "GET",  LOGIN,    VERIFY,   200,      404,      200,      200,      404),
    # reports: only the city's own officials, admins included out
    ("reports:home",                     "GET",  LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    ("reports:index[verified-A]",        "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("reports:edit[verified-A,current]", "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("reports:edit[verified-A,current]", "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("reports:version[verified-A,current,1]", "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    # public pages
    ("cities:list",                      "GET",  200,      200,      200,      200,      200,      200,      200),
    ("cities:detail[A]",                 "GET",  200,      200,      200,      200,      200,      200,      200),
    ("cities:detail[B-draft-only]",      "GET",  404,      404,      404,      404,      404,      404,      404),
    ("cities:reports_feed[A]",           "GET",  200,      200,      200,      200,      200,      200,      200),
    ("cities:reports_feed[B-draft-only]", "GET", 404,      404,      404,      404,      404,      404,      404),
    # staff work queue: campaign admins only
    ("staff:dashboard",                  "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:memberships",                "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:memberships_approve[applicant]", "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("staff:memberships_approve[applicant]", "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("staff:membership_refuse[applicant]", "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("staff:membership_refuse[applicant]", "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("staff:municipality_requests",      "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:municipality_request_add[riace]", "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("staff:municipality_request_add[riace]", "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("staff:municipality_request_merge[riace]", "POST", LOGIN, VERIFY, 403, 403, DONE, DONE, MFA),
    ("staff:municipality_request_refuse[riace]", "POST", LOGIN, VERIFY, 403, 403, DONE, DONE, MFA),
    ("staff:pledges",                    "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:pledges_verify[submitted-A]", "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("staff:pledges_verify[submitted-A]", "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("staff:pledge_detail[submitted-A]", "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:pledge_reject[submitted-A]", "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("staff:pledge_reject[submitted-A]", "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("staff:overdue",                    "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:export_pledges[campaign]",   "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:export_reports[campaign]",   "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    # the private calendar of a pledge: its officials only
    ("calendar:page[verified-A]",        "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("calendar:reset[verified-A]",       "GET",  LOGIN,    VERIFY,   405,      405,      405,      405,      405),
    ("calendar:reset[verified-A]",       "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    # announcements and failed deliveries: campaign admins only
    ("announcements:list",               "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("announcements:new",                "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("announcements:new",                "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("announcements:detail[draft]",      "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("announcements:edit[draft]",        "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("announcements:edit[draft]",        "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("announcements:send[draft]",        "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("announcements:send[draft]",        "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("announcements:progress[draft]",    "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("announcements:deliveries",         "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("announcements:delivery_retry[failed]", "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    # the admin: its gate is the same staff rule; only accounts stay the superuser's
    ("admin:campaign_campaign_changelist", "GET",  REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200,      200,      MFA),
    ("admin:pledges_pledge_changelist",  "GET",  REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200,      200,      MFA),
    ("admin:outbox_emaildelivery_changelist", "GET",  REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200,      200,      MFA),
    ("admin:accounts_user_changelist",   "GET",  REDIRECT, REDIRECT, REDIRECT, REDIRECT, 403,      200,      MFA),
]
# fmt: on

# Rows where the product lets someone do what the table says they should not. Keyed by
# (view[object], method, actor); each becomes a strict xfail so that the hole stays visible
# and the test turns red the day it is fixed (then delete the entry).
BUGS: dict[tuple[str, str, str], str] = {}


# --- the world ---------------------------------------------------------------------------


@dataclass
class World:
    campaign: Any
    city_a: Any
    city_b: Any
    users: dict
    verified_pledge: Pledge
    draft_pledge: Pledge
    submitted_pledge: Pledge
    fresh_campaign: Any
    current_period: Any
    report: ProgressReport
    own_membership: Membership
    applicant_membership: Membership
    invitation: Invitation
    announcement: Announcement
    failed_delivery: EmailDelivery
    calendar_token: str
    municipality_request: MunicipalityRequest


def _campaign_with_commitments(slug):
    campaign = CampaignFactory(
        slug=slug,
        title_en=f"Campaign {slug}",
        status="open",
        signing_opens=date.today() - timedelta(days=365),
        signing_closes=None,
    )
    CommitmentFactory(campaign=campaign, code=f"{slug}-REQ", is_required=True, order=10)
    CommitmentFactory(campaign=campaign, code=f"{slug}-OPT", is_required=False, order=20)
    return campaign


def _ready_draft(official, campaign, city, statement, pdf_upload):
    pledge = services.pledge_start(actor=official, campaign=campaign, municipality=city)
    return services.pledge_save_draft(
        actor=official,
        pledge=pledge,
        signatory_name="Bart Somers",
        signatory_title="Mayor of Mechelen",
        council_decision_date=date.today() - timedelta(days=10),
        statement=statement,
        chosen=[],
        resolution=pdf_upload(),
    )


def report_post_data(report, *, narrative, action="save"):
    updates = list(
        report.updates.select_related("chosen__commitment").order_by(
            "chosen__commitment__order", "chosen__commitment__code", "pk"
        )
    )
    data = {"action": action, "form-TOTAL_FORMS": str(len(updates)), "form-INITIAL_FORMS": str(len(updates))}
    for i, _update in enumerate(updates):
        data[f"form-{i}-status"] = "in_progress"
        data[f"form-{i}-narrative"] = narrative
        data[f"form-{i}-evidence_links"] = ""
        data[f"form-{i}-figures"] = "12 people"
    return data


@pytest.fixture(autouse=True)
def _matrix_settings(settings):
    settings.STAFF_REQUIRE_MFA = True  # as in production
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_admin(staff_admin):
    """The shared fixture's campaign admin, with the second factor the matrix's setting asks for."""
    give_totp(staff_admin)
    return staff_admin


@pytest.fixture
def world(campaign, city_a, city_b, official_a, official_b, staff_admin, verified_pledge_a, current_period, pdf_upload):
    # Built in one write batch: the public read model is refreshed once at the end, with the
    # same rows, instead of after every save (most of the world's cost, paid by every row).
    with write_batch():
        return _build_world(
            campaign, city_a, city_b, official_a, official_b, staff_admin, verified_pledge_a, current_period, pdf_upload
        )


def _build_world(
    campaign,
    city_a,
    city_b,
    official_a,
    official_b,
    staff_admin,
    verified_pledge_a,
    current_period,
    pdf_upload,
):
    unverified = UserFactory(email="not-yet-confirmed@mechelen.be", full_name="Ursula Unverified", verified=False)
    approve_official(unverified, city_a)
    superuser = UserFactory(email="root@campaign.org", full_name="Root Superuser", is_staff=True, is_superuser=True)
    give_totp(superuser)
    staff_no_mfa = StaffFactory(email="no-second-factor@campaign.org", full_name="Nora Nofactor")

    # Lyon has a draft in the main campaign: nothing public about it yet.
    services.pledge_start(actor=official_b, campaign=campaign, municipality=city_b)

    draft_campaign = _campaign_with_commitments("draft-campaign")
    draft = _ready_draft(official_a, draft_campaign, city_a, DRAFT_STATEMENT_A, pdf_upload)
    submitted = _ready_draft(
        official_a, _campaign_with_commitments("queue-campaign"), city_a, QUEUE_STATEMENT_A, pdf_upload
    )
    submitted = services.pledge_submit(actor=official_a, pledge=submitted)
    fresh = _campaign_with_commitments("fresh-campaign")

    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    updates = [
        services.UpdateInput(chosen_id=u.chosen_id, status="planned", narrative=REPORT_NARRATIVE_A)
        for u in report.updates.all()
    ]
    services.report_save(actor=official_a, report=report, updates=updates)
    services.report_submit(actor=official_a, report=report)

    own = Membership.objects.get(user=official_a, municipality=city_a)
    own.evidence_letter.save("letter.pdf", ContentFile(make_pdf_bytes()), save=True)
    applicant = Membership.objects.create(
        user=UserFactory(email="applicant@mechelen.be"),
        municipality=city_a,
        role=Membership.Role.FOCAL_POINT,
        evidence_email="applicant@mechelen.be",
    )
    applicant.evidence_letter.save("letter.pdf", ContentFile(make_pdf_bytes()), save=True)
    invitation = InvitationFactory(municipality=city_a, invited_by=official_a, email="colleague@mechelen.be")
    announcement = announcement_services.announcement_create(
        actor=staff_admin, campaign=campaign, language="en", subject="Draft news", body="Private draft."
    )
    place_request = municipality_request_submit(
        actor=UserFactory(email="asker@riace.it"),
        name="Riace",
        country="IT",
        kind="municipality",
        latitude=38.4181,
        longitude=16.4811,
        population=2300,
        source="https://www.istat.it/",
    )
    failed = EmailDelivery.objects.create(
        idempotency_key="matrix:failed", to_email="gone@example.org", template="announcement", status="failed"
    )

    return World(
        campaign=campaign,
        city_a=city_a,
        city_b=city_b,
        users={
            "anonymous": None,
            "unverified": unverified,
            "official_a": official_a,
            "official_b": official_b,
            "admin": staff_admin,
            "superuser": superuser,
            "staff_no_mfa": staff_no_mfa,
        },
        verified_pledge=verified_pledge_a,
        draft_pledge=draft,
        submitted_pledge=submitted,
        fresh_campaign=fresh,
        current_period=current_period,
        report=report,
        own_membership=own,
        applicant_membership=applicant,
        invitation=invitation,
        announcement=announcement,
        failed_delivery=failed,
        calendar_token=PledgeCalendar.objects.get(pledge=verified_pledge_a).token,
        municipality_request=place_request,
    )


def snapshot() -> dict:
    """Everything a refused request must leave exactly as it was."""
    return {
        "pledges": list(
            Pledge.objects.order_by("pk").values_list(
                "pk",
                "campaign_id",
                "municipality_id",
                "status",
                "statement",
                "signatory_name",
                "rejection_reason",
                "withdrawal_reason",
                "verified_at",
                "withdrawn_at",
                "resolution",
            )
        ),
        "chosen": list(PledgeCommitment.objects.order_by("pk").values_list("pk", "commitment_id", "target")),
        "pledge_events": list(PledgeEvent.objects.order_by("pk").values_list("pk", "action", "actor_id")),
        "reports": list(ProgressReport.objects.order_by("pk").values_list("pk", "status", "submitted_at")),
        "updates": list(ProgressUpdate.objects.order_by("pk").values_list("pk", "status", "narrative")),
        "versions": list(ReportVersion.objects.order_by("pk").values_list("pk", "number")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "user_id", "municipality_id", "status", "role")
        ),
        "membership_events": list(MembershipEvent.objects.order_by("pk").values_list("pk", "action")),
        "invitations": list(Invitation.objects.order_by("pk").values_list("pk", "email", "accepted_at")),
        "announcements": list(Announcement.objects.order_by("pk").values_list("pk", "status", "subject", "body")),
        "deliveries": list(EmailDelivery.objects.order_by("pk").values_list("pk", "status")),
        "calendars": list(PledgeCalendar.objects.order_by("pk").values_list("pk", "token")),
        "municipalities": list(Municipality.objects.order_by("pk").values_list("pk", "name")),
        "municipality_requests": list(
            MunicipalityRequest.objects.order_by("pk").values_list("pk", "status", "municipality_id")
        ),
    }


# --- the cases: URL kwargs pointing at city A's objects, POST bodies, expected effects -----


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None  # world -> URL kwargs
    data: Any = None  # world -> POST body
    effect: Any = None  # (world, user) -> None: asserts what a permitted POST changed
    get_effect: Any = None  # (world, user) -> None: what a permitted GET records (an audit trail)


def _profile_effect(w, user):
    user.refresh_from_db()
    assert user.full_name == "Renamed By The Matrix"


def _request_effect(w, user):
    assert Membership.objects.filter(user=user, municipality=w.city_a, status=Membership.Status.REQUESTED).exists()


def _invite_effect(email, handover):
    def check(w, user):
        assert Invitation.objects.filter(
            municipality=w.city_a, email=email, invited_by=user, is_handover=handover
        ).exists()

    return check


def _resolution_effect(w, user):
    assert PledgeEvent.objects.filter(
        pledge=w.verified_pledge, actor=user, action=PledgeEvent.Action.DOCUMENT_DOWNLOADED
    ).exists()


def _status_is(attr, status):
    def check(w, user):
        pledge = getattr(w, attr)
        pledge.refresh_from_db()
        assert pledge.status == status

    return check


def _started_effect(w, user):
    assert Pledge.objects.filter(campaign=w.fresh_campaign, municipality=w.city_a, created_by=user).exists()


def _edit_effect(w, user):
    w.draft_pledge.refresh_from_db()
    assert w.draft_pledge.statement == "Rewritten by the matrix."
    assert w.draft_pledge.status == Pledge.Status.DRAFT


def _report_effect(w, user):
    assert w.report.versions.count() == 2  # a submitted report is corrected by a new version
    assert set(w.report.updates.values_list("narrative", flat=True)) == {"Corrected by the matrix."}


def _membership_status_is(status):
    def check(w, user):
        w.applicant_membership.refresh_from_db()
        assert w.applicant_membership.status == status
        assert w.applicant_membership.decided_by == user

    return check


def _place_requested_effect(w, user):
    assert MunicipalityRequest.objects.filter(requested_by=user, name="Stilo", status="requested").exists()


def _place_request_is(status):
    def check(w, user):
        w.municipality_request.refresh_from_db()
        assert w.municipality_request.status == status
        assert w.municipality_request.decided_by == user

    return check


def _rejected_effect(w, user):
    w.submitted_pledge.refresh_from_db()
    assert w.submitted_pledge.status == Pledge.Status.REJECTED
    assert w.submitted_pledge.rejection_reason == "The resolution is not signed."


def _calendar_reset_effect(w, user):
    assert PledgeCalendar.objects.get(pledge=w.verified_pledge).token != w.calendar_token


def _announcement_created(w, user):
    assert Announcement.objects.filter(subject="Written by the matrix", author=user).exists()


def _announcement_edited(w, user):
    w.announcement.refresh_from_db()
    assert w.announcement.subject == "Edited by the matrix"


def _announcement_sent(w, user):
    w.announcement.refresh_from_db()
    assert w.announcement.status != Announcement.Status.DRAFT
    assert w.announcement.sent_by == user


def _delivery_requeued(w, user):
    w.failed_delivery.refresh_from_db()
    assert w.failed_delivery.status != EmailDelivery.Status.FAILED


def _announcement_data(subject):
    return lambda w: {"campaign": w.campaign.pk, "language": "en", "subject": subject, "body": "Hello, cities."}


CASES = {
    "accounts:profile": Case(
        "accounts:profile",
        data=lambda w: {"full_name": "Renamed By The Matrix", "preferred_language": "en"},
        effect=_profile_effect,
    ),
    "accounts:memberships": Case("accounts:memberships"),
    "accounts:membership_request": Case(
        "accounts:membership_request",
        data=lambda w: {"municipality": w.city_a.pk, "role": "focal_point", "evidence_email": "newcomer@mechelen.be"},
        effect=_request_effect,
    ),
    "accounts:membership_request[letter]": Case(
        "accounts:membership_request",
        data=lambda w: {
            "municipality": w.city_a.pk,
            "role": "focal_point",
            "evidence_letter": SimpleUploadedFile("appointment.pdf", make_pdf_bytes(), content_type="application/pdf"),
        },
        effect=_request_effect,
    ),
    "accounts:municipality_request": Case(
        "accounts:municipality_request",
        data=lambda w: {
            "name": "Stilo",
            "country": "IT",
            "kind": "municipality",
            "latitude": "38.4769",
            "longitude": "16.4678",
            "population": "2500",
            "source": "Istat, census of 2021",
        },
        effect=_place_requested_effect,
    ),
    "accounts:membership_letter[own-A]": Case(
        "accounts:membership_letter", kwargs=lambda w: {"pk": w.own_membership.pk}
    ),
    "accounts:membership_letter[applicant]": Case(
        "accounts:membership_letter", kwargs=lambda w: {"pk": w.applicant_membership.pk}
    ),
    "accounts:invite[A]": Case(
        "accounts:invite",
        kwargs=lambda w: {"municipality_id": w.city_a.pk},
        data=lambda w: {
            f"invite-{w.city_a.pk}-email": "invitee@mechelen.be",
            f"invite-{w.city_a.pk}-role": "staff",
        },
        effect=_invite_effect("invitee@mechelen.be", False),
    ),
    "accounts:handover[A]": Case(
        "accounts:handover",
        kwargs=lambda w: {"municipality_id": w.city_a.pk},
        data=lambda w: {
            f"handover-{w.city_a.pk}-email": "successor@mechelen.be",
            f"handover-{w.city_a.pk}-role": "focal_point",
            f"handover-{w.city_a.pk}-confirm": "on",
        },
        effect=_invite_effect("successor@mechelen.be", True),
    ),
    "accounts:invitation[A]": Case(
        "accounts:invitation", kwargs=lambda w: {"token": w.invitation.token}, data=lambda w: {}
    ),
    "accounts:invitation[unknown]": Case("accounts:invitation", kwargs=lambda w: {"token": "no-such-token-0000"}),
    "pledges:index": Case("pledges:index"),
    "pledges:start[fresh-campaign,A]": Case(
        "pledges:start",
        kwargs=lambda w: {"campaign_slug": w.fresh_campaign.slug, "municipality_slug": w.city_a.slug},
        data=lambda w: {},
        effect=_started_effect,
    ),
    "pledges:detail[draft-A]": Case("pledges:detail", kwargs=lambda w: {"pk": w.draft_pledge.pk}),
    "pledges:preview[draft-A]": Case("pledges:preview", kwargs=lambda w: {"pk": w.draft_pledge.pk}),
    "pledges:preview[verified-A]": Case("pledges:preview", kwargs=lambda w: {"pk": w.verified_pledge.pk}),
    "pledges:edit[draft-A]": Case(
        "pledges:edit",
        kwargs=lambda w: {"pk": w.draft_pledge.pk},
        data=lambda w: {
            "signatory_name": "Bart Somers",
            "signatory_title": "Mayor of Mechelen",
            "council_decision_date": (date.today() - timedelta(days=5)).isoformat(),
            "statement": "Rewritten by the matrix.",
        },
        effect=_edit_effect,
    ),
    "pledges:edit[verified-A]": Case("pledges:edit", kwargs=lambda w: {"pk": w.verified_pledge.pk}),
    "pledges:submit[draft-A]": Case(
        "pledges:submit",
        kwargs=lambda w: {"pk": w.draft_pledge.pk},
        data=lambda w: {},
        effect=_status_is("draft_pledge", Pledge.Status.SUBMITTED),
    ),
    "pledges:withdraw[submitted-A]": Case(
        "pledges:withdraw",
        kwargs=lambda w: {"pk": w.submitted_pledge.pk},
        data=lambda w: {"reason": "The council changed its mind."},
        effect=_status_is("submitted_pledge", Pledge.Status.WITHDRAWN),
    ),
    "pledges:resolution[verified-A]": Case(
        "pledges:resolution", kwargs=lambda w: {"pk": w.verified_pledge.pk}, get_effect=_resolution_effect
    ),
    "reports:home": Case("reports:home"),
    "reports:index[verified-A]": Case("reports:index", kwargs=lambda w: {"pledge_pk": w.verified_pledge.pk}),
    "reports:edit[verified-A,current]": Case(
        "reports:edit",
        kwargs=lambda w: {"pledge_pk": w.verified_pledge.pk, "period_pk": w.current_period.pk},
        data=lambda w: report_post_data(w.report, narrative="Corrected by the matrix.", action="submit"),
        effect=_report_effect,
    ),
    "reports:version[verified-A,current,1]": Case(
        "reports:version",
        kwargs=lambda w: {"pledge_pk": w.verified_pledge.pk, "period_pk": w.current_period.pk, "number": 1},
    ),
    "cities:list": Case("cities:list"),
    "cities:detail[A]": Case("cities:detail", kwargs=lambda w: {"municipality_slug": w.city_a.slug}),
    "cities:detail[B-draft-only]": Case("cities:detail", kwargs=lambda w: {"municipality_slug": w.city_b.slug}),
    "cities:reports_feed[A]": Case("cities:reports_feed", kwargs=lambda w: {"municipality_slug": w.city_a.slug}),
    "cities:reports_feed[B-draft-only]": Case(
        "cities:reports_feed", kwargs=lambda w: {"municipality_slug": w.city_b.slug}
    ),
    "staff:dashboard": Case("staff:dashboard"),
    "staff:memberships": Case("staff:memberships"),
    "staff:memberships_approve[applicant]": Case(
        "staff:memberships_approve",
        data=lambda w: {"selected": [w.applicant_membership.pk]},
        effect=_membership_status_is(Membership.Status.APPROVED),
    ),
    "staff:membership_refuse[applicant]": Case(
        "staff:membership_refuse",
        kwargs=lambda w: {"pk": w.applicant_membership.pk},
        data=lambda w: {f"refuse-{w.applicant_membership.pk}-reason": "The letter is not signed."},
        effect=_membership_status_is(Membership.Status.REFUSED),
    ),
    "staff:municipality_requests": Case("staff:municipality_requests"),
    "staff:municipality_request_add[riace]": Case(
        "staff:municipality_request_add",
        kwargs=lambda w: {"pk": w.municipality_request.pk},
        data=lambda w: {f"add-{w.municipality_request.pk}-time_zone": "Europe/Rome"},
        effect=_place_request_is(MunicipalityRequest.Status.ADDED),
    ),
    "staff:municipality_request_merge[riace]": Case(
        "staff:municipality_request_merge",
        kwargs=lambda w: {"pk": w.municipality_request.pk},
        data=lambda w: {f"merge-{w.municipality_request.pk}-municipality": w.city_b.pk},
        effect=_place_request_is(MunicipalityRequest.Status.MERGED),
    ),
    "staff:municipality_request_refuse[riace]": Case(
        "staff:municipality_request_refuse",
        kwargs=lambda w: {"pk": w.municipality_request.pk},
        data=lambda w: {f"refuse-{w.municipality_request.pk}-reason": "No such municipality."},
        effect=_place_request_is(MunicipalityRequest.Status.REFUSED),
    ),
    "staff:pledges": Case("staff:pledges"),
    "staff:pledges_verify[submitted-A]": Case(
        "staff:pledges_verify",
        data=lambda w: {"selected": [w.submitted_pledge.pk]},
        effect=_status_is("submitted_pledge", Pledge.Status.VERIFIED),
    ),
    "staff:pledge_detail[submitted-A]": Case("staff:pledge_detail", kwargs=lambda w: {"pk": w.submitted_pledge.pk}),
    "staff:pledge_reject[submitted-A]": Case(
        "staff:pledge_reject",
        kwargs=lambda w: {"pk": w.submitted_pledge.pk},
        data=lambda w: {"reason": "The resolution is not signed."},
        effect=_rejected_effect,
    ),
    "staff:overdue": Case("staff:overdue"),
    "staff:export_pledges[campaign]": Case("staff:export_pledges", kwargs=lambda w: {"slug": w.campaign.slug}),
    "staff:export_reports[campaign]": Case("staff:export_reports", kwargs=lambda w: {"slug": w.campaign.slug}),
    "calendar:page[verified-A]": Case("calendar:page", kwargs=lambda w: {"pledge_pk": w.verified_pledge.pk}),
    "calendar:reset[verified-A]": Case(
        "calendar:reset", kwargs=lambda w: {"pledge_pk": w.verified_pledge.pk}, effect=_calendar_reset_effect
    ),
    "announcements:list": Case("announcements:list"),
    "announcements:new": Case(
        "announcements:new", data=_announcement_data("Written by the matrix"), effect=_announcement_created
    ),
    "announcements:detail[draft]": Case("announcements:detail", kwargs=lambda w: {"pk": w.announcement.pk}),
    "announcements:edit[draft]": Case(
        "announcements:edit",
        kwargs=lambda w: {"pk": w.announcement.pk},
        data=_announcement_data("Edited by the matrix"),
        effect=_announcement_edited,
    ),
    "announcements:send[draft]": Case(
        "announcements:send",
        kwargs=lambda w: {"pk": w.announcement.pk},
        data=lambda w: {"confirm": "yes"},
        effect=_announcement_sent,
    ),
    "announcements:progress[draft]": Case("announcements:progress", kwargs=lambda w: {"pk": w.announcement.pk}),
    "announcements:deliveries": Case("announcements:deliveries"),
    "announcements:delivery_retry[failed]": Case(
        "announcements:delivery_retry", kwargs=lambda w: {"pk": w.failed_delivery.pk}, effect=_delivery_requeued
    ),
    "admin:campaign_campaign_changelist": Case("admin:campaign_campaign_changelist"),
    "admin:pledges_pledge_changelist": Case("admin:pledges_pledge_changelist"),
    "admin:outbox_emaildelivery_changelist": Case("admin:outbox_emaildelivery_changelist"),
    "admin:accounts_user_changelist": Case("admin:accounts_user_changelist"),
}


def url_of(case: Case, w: World) -> str:
    return reverse(case.url_name, kwargs=case.kwargs(w) if case.kwargs else None)


def login_as(client, w: World, actor: str):
    user = w.users[actor]
    if user is not None:
        client.force_login(user)
    return user


def assert_outcome(response, expected, url):
    location = response.get("Location", "")
    login_prefix = reverse("account_login")
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert location.startswith(login_prefix + "?next="), location
    elif expected == VERIFY:
        assert response.status_code == 403, response.status_code
        assert "account/verified_email_required.html" in [t.name for t in response.templates]
    elif expected == MFA:
        assert response.status_code == 302, response.status_code
        assert location == reverse("mfa_activate_totp"), location
    elif expected in (DONE, REDIRECT):
        assert response.status_code == 302, response.status_code
        assert not location.startswith(login_prefix), location
        assert location != reverse("mfa_activate_totp"), location
    else:
        assert response.status_code == expected, response.status_code


# --- the matrix ---------------------------------------------------------------------------


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            marks = []
            reason = BUGS.get((case_id, method, actor))
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}", marks=marks))
    return params


def test_every_view_of_the_features_is_in_the_table():
    """A new URL in one of these namespaces must get its row before it ships."""
    from django.urls import get_resolver

    namespaces = (
        "accounts",
        "pledges",
        "reports",
        "calendar",
        "cities",
        "staff",
        "announcements",
        "monitoring",
        "learning",
        "learning_staff",
        "library",
        "events",
    )
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, getattr(pattern, "namespace", None) or namespace)
            elif namespace in namespaces and pattern.name:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns)
    assert len(names) > 30
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX} | views_of_feature_tables()
    assert names - covered == set()
    assert set(CASES) == {case_id for case_id, *_rest in MATRIX}


def views_of_feature_tables() -> set[str]:
    """The views whose rows live in a feature's own table, with the same seven actors (each
    table checks there that it covers all its feature's views)."""
    from tests.learning import test_action_permissions as actions
    from tests.learning import test_exchange_permissions as exchanges
    from tests.learning import test_moderation_permissions as moderation
    from tests.learning import test_peer_review_permissions as peer_reviews
    from tests.monitoring import test_monitoring_permissions as monitoring
    from tests.pledges import test_delay_permissions as delays
    from tests.pledges import test_report_upload_permissions as uploads
    from tests.pledges import test_review_permissions as reviews
    from tests.public import test_learning_public_permissions as learning_public
    from tests.public import test_library_permissions as library

    return (
        {url_name for url_name, *_rest in delays.CASES.values()}
        | {case_id.partition("[")[0] for case_id, *_rest in uploads.MATRIX}
        | {reviews.CASES[case_id].url_name for case_id, *_rest in reviews.MATRIX}
        | {monitoring.CASES[case_id].url_name for case_id, *_rest in monitoring.MATRIX}
        | {
            table.CASES[case_id].url_name
            for table in (actions, exchanges, moderation, peer_reviews, learning_public, library)
            for case_id, *_rest in table.MATRIX
        }
    )


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_permission_matrix(client, world, mailoutbox, case_id, method, actor, expected):
    case = CASES[case_id]
    url = url_of(case, world)
    user = login_as(client, world, actor)
    before = snapshot()

    body = case.data(world) if case.data else {}
    response = client.post(url, body) if method == "POST" else client.get(url)

    assert_outcome(response, expected, url)
    if expected == DONE:
        assert case.effect, "a request expected to change something needs an effect to check"
        case.effect(world, user)
    elif method == "GET" and expected == 200 and case.get_effect:
        case.get_effect(world, user)
    else:
        assert snapshot() == before, "a request that is refused (or changes nothing) changed the database"

    if expected == 200 and actor in ("anonymous", "unverified", "official_b", "staff_no_mfa"):
        # Whatever these actors may open shows none of city A's unpublished words.
        page = response.content.decode(errors="replace")
        for text in (DRAFT_STATEMENT_A, QUEUE_STATEMENT_A):
            assert text not in page
        # ...nor a way into the campaign team's pages.
        for name in ("staff:dashboard", "announcements:list", "admin:index"):
            assert f'href="{reverse(name)}"' not in page, name


# --- staff MFA ----------------------------------------------------------------------------

STAFF_NAMESPACES = ("staff", "announcements", "admin", "learning_staff")
STAFF_ROWS = [(case_id, method) for case_id, method, *_rest in MATRIX if case_id.split(":")[0] in STAFF_NAMESPACES]
PRIVATE_DOCUMENT_ROWS = [
    "pledges:detail[draft-A]",
    "pledges:preview[draft-A]",
    "pledges:preview[verified-A]",
    "pledges:resolution[verified-A]",
    "accounts:membership_letter[own-A]",
    "accounts:membership_letter[applicant]",
]


def test_staff_without_a_second_factor_are_a_signed_in_account_with_no_membership():
    """The column's policy in one sentence: official B's answers (B acts for no city of
    these rows' objects), but staff pages and the admin send to the TOTP set-up page."""
    column = ACTORS.index("staff_no_mfa")
    official_b = ACTORS.index("official_b")
    for case_id, method, *outcomes in MATRIX:
        if case_id.split(":")[0] in STAFF_NAMESPACES:
            assert outcomes[column] == MFA, (case_id, method)
        else:
            assert outcomes[column] == outcomes[official_b], (case_id, method)


def test_a_superuser_without_a_second_factor_has_no_staff_power_either(client, world):
    """Being a superuser (Django's "every permission") does not stand in for the second
    factor: the staff pages and the admin send to set it up, private documents are 404,
    and nothing changes."""
    root = UserFactory(email="second-root@campaign.org", is_staff=True, is_superuser=True)
    client.force_login(root)
    before = snapshot()
    for case_id, method in STAFF_ROWS:
        case = CASES[case_id]
        url = url_of(case, world)
        response = client.post(url, case.data(world) if case.data else {}) if method == "POST" else client.get(url)
        assert_outcome(response, MFA, url)
    for case_id in PRIVATE_DOCUMENT_ROWS:
        url = url_of(CASES[case_id], world)
        assert client.get(url).status_code == 404, case_id
    assert snapshot() == before


def test_staff_get_their_power_back_once_they_set_up_a_second_factor(client, world):
    staff = world.users["staff_no_mfa"]
    client.force_login(staff)
    assert client.get(reverse("staff:dashboard"))["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("pledges:preview", args=[world.draft_pledge.pk])).status_code == 404

    give_totp(staff)

    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert client.get(reverse("pledges:preview", args=[world.draft_pledge.pk])).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    # Officials are not sent to set up MFA: they are simply refused.
    client.force_login(world.users["official_a"])
    assert client.get(reverse("staff:dashboard")).status_code == 403


def test_with_the_requirement_off_staff_need_no_second_factor(client, settings, world):
    """STAFF_REQUIRE_MFA stays the switch (the demo turns it off)."""
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(world.users["staff_no_mfa"])
    assert client.get(reverse("staff:dashboard")).status_code == 200
    assert client.get(reverse("pledges:preview", args=[world.draft_pledge.pk])).status_code == 200
    assert client.get(reverse("admin:campaign_campaign_changelist")).status_code == 200


# --- guessing ids -------------------------------------------------------------------------


def private_urls_of_a(w: World) -> list[tuple[str, str]]:
    """Every page that shows one of city A's private objects by its id."""
    pledges = {"draft": w.draft_pledge, "submitted": w.submitted_pledge, "verified": w.verified_pledge}
    urls = []
    for pledge in pledges.values():
        for name in ("pledges:detail", "pledges:preview", "pledges:edit", "pledges:withdraw", "pledges:resolution"):
            urls.append(("GET", reverse(name, args=[pledge.pk])))
        urls.append(("POST", reverse("pledges:submit", args=[pledge.pk])))
        urls.append(("POST", reverse("pledges:withdraw", args=[pledge.pk])))
        urls.append(("GET", reverse("reports:index", args=[pledge.pk])))
        urls.append(("GET", reverse("reports:edit", args=[pledge.pk, w.current_period.pk])))
        urls.append(("GET", reverse("reports:version", args=[pledge.pk, w.current_period.pk, 1])))
    for membership in (w.own_membership, w.applicant_membership):
        urls.append(("GET", reverse("accounts:membership_letter", args=[membership.pk])))
    return urls


@pytest.mark.parametrize("actor", ["official_b", "staff_no_mfa"])
def test_guessing_ids_of_city_a_gets_404_and_none_of_its_words(client, world, actor):
    client.force_login(world.users[actor])
    before = snapshot()
    for method, url in private_urls_of_a(world):
        response = client.post(url, {"reason": "guess"}) if method == "POST" else client.get(url)
        assert response.status_code == 404, (method, url, response.status_code)
        page = response.content.decode(errors="replace")
        for text in SECRET_TEXTS:
            assert text not in page, (method, url)
        assert "Bart Somers" not in page
    assert snapshot() == before


def test_an_existing_id_of_another_city_answers_like_an_id_that_does_not_exist(client, world):
    """No oracle: official B cannot tell A's pledges from missing ones."""
    client.force_login(world.users["official_b"])
    missing = Pledge.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    for name in ("pledges:preview", "pledges:edit", "pledges:resolution", "reports:index"):
        real = client.get(reverse(name, args=[world.draft_pledge.pk]))
        absent = client.get(reverse(name, args=[missing]))
        assert real.status_code == absent.status_code == 404
        assert [t.name for t in real.templates] == [t.name for t in absent.templates]


def test_sweeping_every_id_shows_official_b_only_their_own_pledge(client, world):
    official_b = world.users["official_b"]
    client.force_login(official_b)
    own = set(Pledge.objects.filter(municipality=world.city_b).values_list("pk", flat=True))
    assert own
    top = Pledge.objects.order_by("-pk").values_list("pk", flat=True).first()
    for pk in range(1, top + 5):
        response = client.get(reverse("pledges:preview", args=[pk]))
        assert response.status_code == (200 if pk in own else 404), pk  # never a 403 that says it exists
        for text in SECRET_TEXTS:
            assert text not in response.content.decode(errors="replace")
    letters = set()
    for pk in range(1, Membership.objects.order_by("-pk").values_list("pk", flat=True).first() + 5):
        if client.get(reverse("accounts:membership_letter", args=[pk])).status_code == 200:
            letters.add(pk)
    assert letters == set()  # B uploaded no letter


# --- holes found while writing the matrix, now closed ----------------------------------------


def test_a_campaign_admin_cannot_approve_their_own_request(client, world):
    """An admin may ask to act for a city, but another admin must decide: otherwise they
    could approve themselves, sign for the city and verify its pledge."""
    admin = world.users["admin"]
    add_confirmed_address(admin, "carla@mechelen.be")
    client.force_login(admin)
    response = client.post(
        reverse("accounts:membership_request"),
        {"municipality": world.city_a.pk, "role": "focal_point", "evidence_email": "carla@mechelen.be"},
    )
    assert response.status_code == 302
    own_request = Membership.objects.get(user=admin, municipality=world.city_a)

    response = client.post(reverse("staff:memberships_approve"), {"selected": [own_request.pk]}, follow=True)
    assert "Another campaign admin must decide on your own request." in response.content.decode()
    own_request.refresh_from_db()
    assert own_request.status == Membership.Status.REQUESTED, "approved their own request"
    response = client.post(
        reverse("staff:membership_refuse", args=[own_request.pk]),
        {f"refuse-{own_request.pk}-reason": "Refusing myself."},
    )
    assert response.status_code == 403
    own_request.refresh_from_db()
    assert own_request.status == Membership.Status.REQUESTED and own_request.decided_by is None
    # ...and so cannot open city A's drafts as an official.
    assert client.get(reverse("pledges:edit", args=[world.draft_pledge.pk])).status_code == 404

    # Another admin decides.
    client.force_login(world.users["superuser"])
    client.post(reverse("staff:memberships_approve"), {"selected": [own_request.pk]})
    own_request.refresh_from_db()
    assert own_request.status == Membership.Status.APPROVED
    assert own_request.decided_by == world.users["superuser"]


def test_an_unconfirmed_evidence_address_is_not_shown_as_a_domain_match(client, world):
    """Typing mayor@mechelen.be proves nothing: the request is refused with the form shown
    again, and nothing reaches the staff queue."""
    stranger = UserFactory(email="stranger@example.org")
    client.force_login(stranger)
    before = snapshot()
    response = client.post(
        reverse("accounts:membership_request"),
        {"municipality": world.city_a.pk, "role": "mayor", "evidence_email": "mayor@mechelen.be"},
    )
    assert response.status_code == 200
    assert "confirm it" in response.content.decode()
    assert response.context["form"].has_error("evidence_email")
    assert snapshot() == before
    assert not Membership.objects.filter(user=stranger).exists()
    client.force_login(world.users["admin"])
    page = client.get(reverse("staff:memberships")).content.decode()
    assert "stranger@example.org" not in page
    assert "mayor@mechelen.be" not in page


def test_an_admin_who_acts_for_the_city_cannot_verify_or_reject_its_pledge(client, world):
    insider = StaffFactory(email="insider@campaign.org", totp=True)
    approve_official(insider, world.city_a)
    client.force_login(insider)
    before = snapshot()
    response = client.post(reverse("staff:pledges_verify"), {"selected": [world.submitted_pledge.pk]}, follow=True)
    assert "another campaign admin must decide" in response.content.decode()
    response = client.post(reverse("staff:pledge_reject", args=[world.submitted_pledge.pk]), {"reason": "Mine."})
    assert response.status_code == 403
    assert snapshot() == before
    world.submitted_pledge.refresh_from_db()
    assert world.submitted_pledge.status == Pledge.Status.SUBMITTED


# --- staff redirects stay on this site ---------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    ["/\\evil.example", "https://evil.example", "//evil.example/staff/", "https:/evil.example", " /\\evil.example"],
)
def test_verifying_never_redirects_off_site(client, world, next_url):
    client.force_login(world.users["admin"])
    response = client.post(reverse("staff:pledges_verify"), {"selected": [world.submitted_pledge.pk], "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:pledges")
    assert "evil.example" not in response["Location"]
    world.submitted_pledge.refresh_from_db()
    assert world.submitted_pledge.status == Pledge.Status.VERIFIED


def test_verifying_follows_a_next_page_on_this_site(client, world):
    client.force_login(world.users["admin"])
    next_url = reverse("staff:pledge_detail", args=[world.submitted_pledge.pk])
    response = client.post(reverse("staff:pledges_verify"), {"selected": [world.submitted_pledge.pk], "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
