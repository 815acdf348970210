"""Invitations and hand-overs: through the services and end to end over HTTP."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import can_act_for
from accounts.models import Invitation, Membership, MembershipEvent
from accounts.services import invitation_accept, invitation_send
from tests.factories import InvitationFactory, MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def mechelen():
    return MunicipalityFactory(name="Mechelen")


@pytest.fixture
def lyon():
    return MunicipalityFactory(name="Lyon", country="FR", admin_region="ARA", time_zone="Europe/Paris")


@pytest.fixture
def mayor(mechelen):
    user = UserFactory(full_name="Bart Mayor", email="bart@mechelen.be")
    MembershipFactory(user=user, municipality=mechelen, status="approved", role="mayor")
    return user


@pytest.fixture
def successor():
    return UserFactory(full_name="Sofie Successor", email="sofie@mechelen.be")


# --- services --------------------------------------------------------------------------------


def test_only_an_approved_official_of_the_city_invites(mechelen, lyon, mayor):
    requester = UserFactory()
    MembershipFactory(user=requester, municipality=mechelen, status="requested")
    lyon_official = UserFactory()
    MembershipFactory(user=lyon_official, municipality=lyon, status="approved")

    for actor in (requester, lyon_official):
        with pytest.raises(PermissionDenied):
            invitation_send(actor=actor, municipality=mechelen, email="x@mechelen.be", role="staff")

    assert not Invitation.objects.exists()


def test_the_invitation_email_links_to_the_acceptance_page_in_the_inviters_language(
    mechelen, mayor, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pledge.example"
    mayor.preferred_language = "fr"
    mayor.save()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(actor=mayor, municipality=mechelen, email="New@Mechelen.be", role="staff")

    assert invitation.email == "new@mechelen.be"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["new@mechelen.be"]
    assert "Bart Mayor" in mail.subject and "Mechelen" in mail.subject
    link = f"https://pledge.example/fr/accounts/invitations/{invitation.token}/"
    assert link in mail.body
    assert f'href="{link}"' in mail.alternatives[0][0]
    assert '<html lang="fr" dir="ltr">' in mail.alternatives[0][0]
    assert MembershipEvent.objects.filter(action="invited", actor=mayor, note="new@mechelen.be").exists()


def test_accepting_with_the_invited_address_makes_an_approved_member(mechelen, mayor, successor):
    invitation = invitation_send(actor=mayor, municipality=mechelen, email=successor.email, role="deputy")

    membership = invitation_accept(actor=successor, token=invitation.token)

    assert membership.status == Membership.Status.APPROVED
    assert membership.role == "deputy"
    assert membership.invited_by == mayor
    assert can_act_for(successor, mechelen.pk)
    assert can_act_for(mayor, mechelen.pk)  # an ordinary invitation leaves the inviter in place
    invitation.refresh_from_db()
    assert invitation.accepted_by == successor


def test_accepting_with_another_address_is_refused(mechelen, mayor, successor):
    invitation = invitation_send(actor=mayor, municipality=mechelen, email="someone.else@mechelen.be", role="staff")

    with pytest.raises(PermissionDenied):
        invitation_accept(actor=successor, token=invitation.token)

    assert not can_act_for(successor, mechelen.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unverified_invited_address_cannot_accept(mechelen, mayor):
    user = UserFactory(email="unsure@mechelen.be", verified=False)
    invitation = invitation_send(actor=mayor, municipality=mechelen, email=user.email, role="staff")

    with pytest.raises(PermissionDenied):
        invitation_accept(actor=user, token=invitation.token)

    assert not can_act_for(user, mechelen.pk)


def test_a_second_verified_address_of_the_account_may_accept(mechelen, mayor, successor):
    EmailAddress.objects.create(user=successor, email="sofie.private@example.org", verified=True)
    invitation = invitation_send(actor=mayor, municipality=mechelen, email="sofie.private@example.org", role="staff")

    invitation_accept(actor=successor, token=invitation.token)

    assert can_act_for(successor, mechelen.pk)


def test_an_expired_invitation_cannot_be_accepted(mechelen, mayor, successor):
    invitation = invitation_send(actor=mayor, municipality=mechelen, email=successor.email, role="staff")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ValidationError):
        invitation_accept(actor=successor, token=invitation.token)

    assert not can_act_for(successor, mechelen.pk)


def test_an_invitation_works_once(mechelen, mayor, successor):
    invitation = invitation_send(actor=mayor, municipality=mechelen, email=successor.email, role="staff")
    invitation_accept(actor=successor, token=invitation.token)

    with pytest.raises(ValidationError):
        invitation_accept(actor=successor, token=invitation.token)

    assert Membership.objects.filter(user=successor, municipality=mechelen).count() == 1


def test_an_unknown_token_is_refused(successor):
    with pytest.raises(ValidationError):
        invitation_accept(actor=successor, token="no-such-token")


def test_a_handover_ends_the_inviters_membership_and_keeps_the_history(mechelen, mayor, successor):
    old = Membership.objects.get(user=mayor, municipality=mechelen)
    invitation = invitation_send(
        actor=mayor, municipality=mechelen, email=successor.email, role="mayor", is_handover=True
    )
    assert can_act_for(mayor, mechelen.pk)  # until the successor accepts

    new = invitation_accept(actor=successor, token=invitation.token)

    old.refresh_from_db()
    assert old.status == Membership.Status.REVOKED
    assert not can_act_for(mayor, mechelen.pk)
    assert can_act_for(successor, mechelen.pk)
    assert new.role == "mayor"
    history = list(MembershipEvent.objects.filter(municipality=mechelen).values_list("action", "actor__email"))
    assert ("invited", mayor.email) in history
    assert ("joined", successor.email) in history
    assert ("handed_over", mayor.email) in history
    handed = MembershipEvent.objects.get(action="handed_over")
    assert handed.membership == old
    assert handed.note == successor.email
    assert Membership.objects.filter(pk=old.pk).exists()


# --- HTTP, end to end -------------------------------------------------------------------------------


def test_invitation_flow_end_to_end(client, mechelen, mayor, mailoutbox, django_capture_on_commit_callbacks, password):
    # 1. The mayor invites a colleague from My municipalities.
    client.force_login(mayor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite", args=[mechelen.pk]),
            {f"invite-{mechelen.pk}-email": "lena@mechelen.be", f"invite-{mechelen.pk}-role": "focal_point"},
        )
    assert response.status_code == 302
    client.logout()

    # 2. The email holds the link.
    path = re.search(r"https?://[^/\s]+(/en/accounts/invitations/[^/\s]+/)", mailoutbox[0].body).group(1)

    # 3. Anonymous: the page offers log in and sign up, both coming back here.
    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mechelen" in body and "lena@mechelen.be" in body
    assert f"{reverse('account_login')}?next={path.replace('/', '%2F')}" in body
    assert f"{reverse('account_signup')}?next={path.replace('/', '%2F')}" in body
    assert client.post(path).status_code == 302
    assert not Membership.objects.filter(user__email="lena@mechelen.be").exists()

    # 4. She logs in (account already exists and is verified) and lands back on the invitation.
    lena = UserFactory(email="lena@mechelen.be", full_name="Lena")
    login = client.post(reverse("account_login") + f"?next={path}", {"login": lena.email, "password": password})
    assert login.status_code == 302
    assert login["Location"] == path

    # 5. She confirms.
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "Accept the invitation" in confirm.content.decode()
    accepted = client.post(path)
    assert accepted.status_code == 302
    assert accepted["Location"].startswith(reverse("accounts:memberships"))
    assert can_act_for(lena, mechelen.pk)
    mine = client.get(reverse("accounts:memberships")).content.decode()
    assert "Bart Mayor" in mine  # her colleague

    # 6. The link now says it was used.
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_signed_in_with_the_wrong_address_gets_a_clear_message(client, mechelen, mayor, successor):
    invitation = InvitationFactory(municipality=mechelen, invited_by=mayor, email="other@mechelen.be")
    client.force_login(successor)
    url = reverse("accounts:invitation", args=[invitation.token])

    page = client.get(url)
    posted = client.post(url)

    assert page.status_code == 200
    body = page.content.decode()
    assert "other@mechelen.be" in body and successor.email in body
    assert "Only the invited address can accept it." in body
    assert '<form method="post">' not in body
    assert posted.status_code == 403
    assert not can_act_for(successor, mechelen.pk)


def test_expired_and_unknown_invitations_get_a_friendly_page(client, mechelen, mayor, successor):
    expired = InvitationFactory(
        municipality=mechelen, invited_by=mayor, email=successor.email, expires_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(successor)

    response = client.get(reverse("accounts:invitation", args=[expired.token]))
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert client.post(reverse("accounts:invitation", args=[expired.token])).status_code == 410
    assert not can_act_for(successor, mechelen.pk)

    unknown = client.get(reverse("accounts:invitation", args=["not-a-real-token"]))
    assert unknown.status_code == 404
    assert "We cannot find this invitation" in unknown.content.decode()


def test_handover_end_to_end_over_http(
    client, mechelen, mayor, successor, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mayor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:handover", args=[mechelen.pk]),
            {
                f"handover-{mechelen.pk}-email": successor.email,
                f"handover-{mechelen.pk}-role": "mayor",
                f"handover-{mechelen.pk}-confirm": "on",
            },
        )
    invitation = Invitation.objects.get()
    assert invitation.is_handover
    assert "successor" in mailoutbox[0].body

    client.force_login(successor)
    response = client.post(reverse("accounts:invitation", args=[invitation.token]))

    assert response.status_code == 302
    assert can_act_for(successor, mechelen.pk)
    assert not can_act_for(mayor, mechelen.pk)
    client.force_login(mayor)
    page = client.get(reverse("accounts:memberships")).content.decode()
    assert "You no longer act for this municipality." in page
    assert (
        client.post(
            reverse("accounts:invite", args=[mechelen.pk]),
            {f"invite-{mechelen.pk}-email": "late@mechelen.be", f"invite-{mechelen.pk}-role": "staff"},
        ).status_code
        == 404
    )
