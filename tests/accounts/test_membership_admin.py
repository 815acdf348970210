"""Memberships in the Django admin: read-only records, decisions through the services."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Membership, MembershipEvent
from tests.factories import InvitationFactory, MembershipFactory, MunicipalityFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_no_mfa(settings):
    settings.STAFF_REQUIRE_MFA = False
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def mechelen():
    return MunicipalityFactory(name="Mechelen")


def test_changelist_filters_and_searches(client, staff, mechelen):
    MembershipFactory(user=UserFactory(email="ana@mechelen.be"), municipality=mechelen, status="requested")
    MembershipFactory(user=UserFactory(email="bo@lyon.fr"), municipality=MunicipalityFactory(name="Lyon"))
    client.force_login(staff)
    url = reverse("admin:accounts_membership_changelist")

    assert client.get(url + "?status__exact=requested&role__exact=focal_point").status_code == 200
    by_email = client.get(url + "?q=ana@mechelen").content.decode()
    by_city = client.get(url + "?q=Lyon").content.decode()

    assert "ana@mechelen.be" in by_email and "bo@lyon.fr" not in by_email
    assert "bo@lyon.fr" in by_city and "ana@mechelen.be" not in by_city


def test_approve_action_calls_the_service(client, staff, mechelen, mailoutbox, django_capture_on_commit_callbacks):
    pending = MembershipFactory(municipality=mechelen, status="requested")
    refused = MembershipFactory(municipality=mechelen, status="refused", refusal_reason="no")
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_membership_changelist"),
            {"action": "approve_selected", "_selected_action": [pending.pk, refused.pk]},
            follow=True,
        )

    assert response.status_code == 200
    pending.refresh_from_db()
    refused.refresh_from_db()
    assert pending.status == "approved" and pending.decided_by == staff
    assert refused.status == "refused"
    assert MembershipEvent.objects.filter(membership=pending, action="approved", actor=staff).exists()
    assert [m.to for m in mailoutbox] == [[pending.user.email]]
    body = response.content.decode()
    assert "1 request approved." in body
    assert "Only a pending request can be approved." in body


def test_revoke_action_calls_the_service(client, staff, mechelen):
    approved = MembershipFactory(municipality=mechelen, status="approved")
    client.force_login(staff)

    client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "revoke_selected", "_selected_action": [approved.pk]},
    )

    approved.refresh_from_db()
    assert approved.status == "revoked"
    assert MembershipEvent.objects.filter(membership=approved, action="revoked", actor=staff).exists()


def test_the_change_page_is_read_only_and_shows_the_history(client, staff, mechelen):
    membership = MembershipFactory(municipality=mechelen)
    MembershipEvent.objects.create(
        membership=membership, municipality=mechelen, actor=membership.user, action="requested"
    )
    client.force_login(staff)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])

    page = client.get(url)
    client.post(url, {"status": "approved", "role": "mayor"})

    assert page.status_code == 200
    body = page.content.decode()
    assert "history" in body.lower()
    assert 'name="status"' not in body
    membership.refresh_from_db()
    assert membership.status == "requested"
    assert client.get(reverse("admin:accounts_membership_add")).status_code == 403


def test_invitations_and_history_are_listed_without_tokens(client, staff, mechelen):
    invitation = InvitationFactory(municipality=mechelen)
    client.force_login(staff)

    listing = client.get(reverse("admin:accounts_invitation_changelist"))
    detail = client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    history = client.get(reverse("admin:accounts_membershipevent_changelist"))

    assert listing.status_code == detail.status_code == history.status_code == 200
    assert invitation.email in listing.content.decode()
    assert invitation.token not in detail.content.decode()


def test_officials_cannot_open_the_membership_admin(client, mechelen):
    official = UserFactory()
    MembershipFactory(user=official, municipality=mechelen, status="approved")
    client.force_login(official)

    response = client.get(reverse("admin:accounts_membership_changelist"))

    assert response.status_code == 302
    assert Membership.objects.get(user=official).status == "approved"
