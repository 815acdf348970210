"""Staff power needs the second factor, in the access layer (accounts/access.py).

With STAFF_REQUIRE_MFA on, a staff account without an activated TOTP authenticator is an
ordinary signed-in account everywhere staff power is asked for: the predicates, the
services (which say to set up two-factor authentication), the admin's gate, the private
documents and previews (404, as for anyone), the campaign drafts, the menu. Staff pages
and the admin send it to the TOTP set-up page. The answer costs one query per request.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import access
from accounts.models import Membership, User
from accounts.services import membership_approve
from pledges import services
from pledges.announcements import services as announcement_services
from pledges.models import Pledge, PledgeEvent
from tests.factories import CampaignFactory, MembershipFactory, StaffFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db

MFA_MESSAGE = "Staff accounts must set up two-factor authentication before using the administration pages."
SERVICE_MESSAGE = "Set up two-factor authentication on your account first: campaign admins need it."


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.STAFF_REQUIRE_MFA = True


@pytest.fixture
def staff_without_mfa(db):
    return StaffFactory(email="nofactor@campaign.org")


def fresh(user):
    """The account as a new request (or a task given its id) loads it."""
    return User.objects.get(pk=user.pk)


# --- the rule ---------------------------------------------------------------------------------


def test_staff_without_totp_are_no_campaign_admins_when_mfa_is_required(staff_without_mfa, city_a, settings):
    assert not access.is_campaign_admin(staff_without_mfa)
    assert not access.can_see_private(staff_without_mfa, city_a.pk)
    assert access.lacks_required_second_factor(staff_without_mfa)

    settings.STAFF_REQUIRE_MFA = False
    assert access.is_campaign_admin(staff_without_mfa)
    assert not access.lacks_required_second_factor(staff_without_mfa)


def test_recovery_codes_alone_are_no_second_factor(staff_without_mfa):
    Authenticator.objects.create(user=staff_without_mfa, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"})
    assert not access.is_campaign_admin(fresh(staff_without_mfa))
    give_totp(staff_without_mfa)
    assert access.is_campaign_admin(fresh(staff_without_mfa))


def test_a_second_factor_gives_no_power_to_non_staff(verified_user, city_a):
    give_totp(verified_user)
    assert not access.is_campaign_admin(verified_user)
    assert not access.lacks_required_second_factor(verified_user)
    assert not access.can_see_private(verified_user, city_a.pk)


def test_the_answer_costs_one_query_per_user_object_and_none_for_others(
    staff_without_mfa, verified_user, city_a, django_assert_num_queries, settings
):
    staff = fresh(staff_without_mfa)
    with django_assert_num_queries(1):
        for _ in range(5):
            access.is_campaign_admin(staff)
            access.lacks_required_second_factor(staff)
    official = fresh(verified_user)
    with django_assert_num_queries(0):
        access.is_campaign_admin(official)
        access.lacks_required_second_factor(official)
    settings.STAFF_REQUIRE_MFA = False
    staff = fresh(staff_without_mfa)
    with django_assert_num_queries(0):
        assert access.is_campaign_admin(staff)


def test_campaign_admins_as_a_query_follow_the_same_rule(staff_without_mfa, settings):
    with_totp = StaffFactory(totp=True)
    StaffFactory(totp=True, is_active=False)
    give_totp(UserFactory())  # not staff
    assert list(access.campaign_admins()) == [with_totp]
    settings.STAFF_REQUIRE_MFA = False
    assert list(access.campaign_admins()) == [staff_without_mfa, with_totp]


# --- services (and tasks: they load the actor by id) -------------------------------------------


def test_services_refuse_staff_without_totp_and_say_why(staff_without_mfa, submitted_pledge_a, campaign):
    with pytest.raises(PermissionDenied) as refused:
        access.require_campaign_admin(staff_without_mfa)
    assert str(refused.value) == SERVICE_MESSAGE

    with pytest.raises(PermissionDenied, match="two-factor authentication"):
        services.pledge_verify(actor=fresh(staff_without_mfa), pledge=submitted_pledge_a)
    with pytest.raises(PermissionDenied, match="two-factor authentication"):
        announcement_services.announcement_create(
            actor=fresh(staff_without_mfa), campaign=campaign, language="en", subject="News", body="Body."
        )
    request = MembershipFactory()
    with pytest.raises(PermissionDenied, match="two-factor authentication"):
        membership_approve(actor=fresh(staff_without_mfa), membership=request)

    submitted_pledge_a.refresh_from_db()
    request.refresh_from_db()
    assert submitted_pledge_a.status == Pledge.Status.SUBMITTED
    assert request.status == Membership.Status.REQUESTED
    assert not PledgeEvent.objects.filter(actor=staff_without_mfa).exists()

    give_totp(staff_without_mfa)
    services.pledge_verify(actor=fresh(staff_without_mfa), pledge=submitted_pledge_a)
    submitted_pledge_a.refresh_from_db()
    assert submitted_pledge_a.status == Pledge.Status.VERIFIED


def test_a_plain_account_still_gets_the_old_refusal(verified_user):
    with pytest.raises(PermissionDenied) as refused:
        access.require_campaign_admin(verified_user)
    assert str(refused.value) == "Only campaign admins can do this."


# --- pages -----------------------------------------------------------------------------------


def test_private_documents_and_previews_answer_404(client, staff_without_mfa, submitted_pledge_a):
    client.force_login(staff_without_mfa)
    for name in ("pledges:preview", "pledges:detail", "pledges:resolution"):
        response = client.get(reverse(name, args=[submitted_pledge_a.pk]))
        assert response.status_code == 404, name
        assert "Bart Somers" not in response.content.decode()
    assert not PledgeEvent.objects.filter(action=PledgeEvent.Action.DOCUMENT_DOWNLOADED).exists()

    give_totp(staff_without_mfa)
    assert client.get(reverse("pledges:preview", args=[submitted_pledge_a.pk])).status_code == 200
    assert client.get(reverse("pledges:resolution", args=[submitted_pledge_a.pk])).status_code == 200


def test_staff_pages_send_to_the_totp_set_up_with_a_message(client, staff_without_mfa, campaign):
    client.force_login(staff_without_mfa)
    for url in (
        reverse("staff:dashboard"),
        reverse("staff:export_pledges", args=[campaign.slug]),
        reverse("announcements:list"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    assert MFA_MESSAGE in [str(m) for m in get_messages(response.wsgi_request)]
    # In the user's language, like every page.
    response = client.get("/fr/staff/")
    assert response["Location"] == "/fr/accounts/2fa/totp/activate/"


def test_a_draft_campaign_stays_hidden(client, staff_without_mfa):
    CampaignFactory(slug="secret-draft", title_en="Secret draft campaign", status="draft")
    client.force_login(staff_without_mfa)
    assert "Secret draft campaign" not in client.get("/en/campaigns/").content.decode()
    assert client.get("/en/campaigns/secret-draft/").status_code == 404

    give_totp(staff_without_mfa)
    assert "Secret draft campaign" in client.get("/en/campaigns/").content.decode()
    assert client.get("/en/campaigns/secret-draft/").status_code == 200


def test_the_menu_offers_the_set_up_instead_of_the_staff_links(client, staff_without_mfa):
    client.force_login(staff_without_mfa)
    page = client.get(reverse("accounts:profile")).content.decode()
    for name in ("staff:dashboard", "announcements:list", "admin:index"):
        assert f'href="{reverse(name)}"' not in page, name
    assert f'href="{reverse("mfa_activate_totp")}">Set up two-factor authentication<' in page

    give_totp(staff_without_mfa)
    page = client.get(reverse("accounts:profile")).content.decode()
    for name in ("staff:dashboard", "announcements:list", "admin:index"):
        assert f'href="{reverse(name)}"' in page, name
    assert ">Set up two-factor authentication<" not in page


def test_officials_see_neither_staff_links_nor_the_set_up_offer(client, official_a):
    client.force_login(official_a)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("staff:dashboard")}"' not in page
    assert "Set up two-factor authentication" not in page


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_gate_is_the_access_rule(staff_without_mfa):
    request = RequestFactory().get("/en/admin/")
    request.user = fresh(staff_without_mfa)
    assert not admin.site.has_permission(request)
    give_totp(staff_without_mfa)
    request.user = fresh(staff_without_mfa)
    assert admin.site.has_permission(request)


def test_an_admin_action_by_staff_without_totp_changes_nothing(client, submitted_pledge_a):
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(
        reverse("admin:pledges_pledge_changelist"),
        {"action": "verify_selected", "_selected_action": [submitted_pledge_a.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Its own login form is no way round either.
    assert client.get(reverse("admin:login"))["Location"] == reverse("mfa_activate_totp")
    submitted_pledge_a.refresh_from_db()
    assert submitted_pledge_a.status == Pledge.Status.SUBMITTED


# --- cost ---------------------------------------------------------------------------------------


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page", ["staff_dashboard", "pledge_preview"])
def test_a_page_asks_for_the_second_factor_once(client, settings, submitted_pledge_a, page):
    """However many predicates a page calls (gate, access helper, services, menu), the
    authenticator is read once: the page costs what it cost without the requirement, plus
    that one query."""
    staff = StaffFactory(totp=True)
    client.force_login(staff)
    url = (
        reverse("staff:dashboard")
        if page == "staff_dashboard"
        else reverse("pledges:preview", args=[submitted_pledge_a.pk])
    )
    client.get(url)  # warm what a first visit sets up (session, caches)

    with_mfa = queries_of(client, url)
    settings.STAFF_REQUIRE_MFA = False
    without_mfa = queries_of(client, url)

    authenticator_queries = [sql for sql in with_mfa if "mfa_authenticator" in sql]
    assert len(authenticator_queries) == 1, authenticator_queries
    assert len(with_mfa) == len(without_mfa) + 1
