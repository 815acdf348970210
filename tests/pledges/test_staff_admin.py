"""The Django admin for pledges: read-only history, and a verify action through the service."""

import pytest
from django.urls import reverse

from pledges.models import Pledge, PledgeEvent, ProgressReport
from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture
def superuser(db):
    return StaffFactory(is_superuser=True, email="root@campaign.org")


def test_changelist_filters_and_search(client, superuser, submitted_pledge_a):
    client.force_login(superuser)
    url = reverse("admin:pledges_pledge_changelist")
    assert "Mechelen" in client.get(url, {"status__exact": "submitted"}).content.decode()
    assert "Mechelen" in client.get(url, {"q": "Meche"}).content.decode()
    assert client.get(url, {"q": "Lyon"}).context["cl"].result_count == 0


def test_change_page_shows_commitments_and_history_read_only(client, superuser, submitted_pledge_a):
    client.force_login(superuser)
    response = client.get(reverse("admin:pledges_pledge_change", args=[submitted_pledge_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Every resident has a family doctor" in html
    assert "Draft started" in html
    # Nothing is editable here: the state changes through the services only.
    assert 'name="signatory_name"' not in html
    response = client.post(
        reverse("admin:pledges_pledge_change", args=[submitted_pledge_a.pk]), {"signatory_name": "Someone else"}
    )
    assert response.status_code == 403
    submitted_pledge_a.refresh_from_db()
    assert submitted_pledge_a.signatory_name == "Bart Somers"


def test_verify_action_goes_through_the_service(client, superuser, submitted_pledge_a, city_b, campaign):
    draft = Pledge.objects.create(campaign=campaign, municipality=city_b)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pledges_pledge_changelist"),
        {"action": "verify_selected", "_selected_action": [submitted_pledge_a.pk, draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 pledge verified." in html
    assert "Lyon: Only a submitted pledge can be verified." in html
    submitted_pledge_a.refresh_from_db()
    draft.refresh_from_db()
    assert submitted_pledge_a.status == Pledge.Status.VERIFIED
    assert submitted_pledge_a.verified_by == superuser
    assert PledgeEvent.objects.filter(pledge=submitted_pledge_a, action="verified", actor=superuser).exists()
    assert draft.status == Pledge.Status.DRAFT


def test_report_and_history_pages_open(client, superuser, verified_pledge_a, official_a, current_period):
    from pledges import services

    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    services.report_submit(actor=official_a, report=report)
    client.force_login(superuser)
    response = client.get(reverse("admin:pledges_progressreport_change", args=[report.pk]))
    assert response.status_code == 200
    assert "RIGHTS-1" in response.content.decode()
    assert client.get(reverse("admin:pledges_pledgeevent_changelist")).status_code == 200
    assert client.get(reverse("admin:pledges_pledgeevent_add")).status_code == 403
    assert ProgressReport.objects.count() == 1
