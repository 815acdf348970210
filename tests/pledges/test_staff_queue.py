"""The campaign team's work queue over HTTP: access, bulk actions, reasons, overdue list,
and a bound on the number of queries whatever the queue's length."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

import campaign.outbox.rendering
from accounts.models import Membership, MunicipalityRequest
from pledges import services
from pledges.models import Pledge, PledgeCommitment, PledgeEvent, ProgressReport
from pledges.queries import overdue_reports
from tests.factories import CampaignFactory, MunicipalityFactory, UserFactory, add_confirmed_address, approve_official

QUEUE_URLS = [
    ("staff:dashboard", []),
    ("staff:memberships", []),
    ("staff:pledges", []),
    ("staff:overdue", []),
    ("staff:export_pledges", ["cities-pledge"]),
    ("staff:export_reports", ["cities-pledge"]),
]


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    """The MFA middleware has its own tests; here staff pages must check is_staff themselves."""
    settings.STAFF_REQUIRE_MFA = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # many users, quickly


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def pending_request(municipality, *, email_domain="example.org", user=None, confirmed=True):
    """A pending request whose evidence is the user's own address at `email_domain`: confirmed,
    as the service now demands, unless `confirmed=False` (a request made before that rule)."""
    user = user or UserFactory()
    evidence_email = f"{user.email.split('@')[0]}@{email_domain}"
    if confirmed and evidence_email != user.email:  # the user's own primary address is confirmed already
        add_confirmed_address(user, evidence_email)
    return Membership.objects.create(
        user=user,
        municipality=municipality,
        role=Membership.Role.FOCAL_POINT,
        evidence_email=evidence_email,
    )


def make_verified_pledge(official, city, campaign, pdf_upload):
    pledge = services.pledge_start(actor=official, campaign=campaign, municipality=city)
    pledge = services.pledge_save_draft(
        actor=official,
        pledge=pledge,
        signatory_name="Mayor",
        signatory_title="Mayor",
        council_decision_date=date.today() - timedelta(days=3),
        statement="We pledge.",
        chosen=[],
        resolution=pdf_upload(),
    )
    pledge = services.pledge_submit(actor=official, pledge=pledge)
    from tests.factories import StaffFactory

    return services.pledge_verify(actor=StaffFactory(), pledge=pledge)


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("name,args", QUEUE_URLS)
def test_anonymous_users_are_sent_to_login(client, campaign, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name,args", QUEUE_URLS)
def test_officials_are_refused(client, campaign, official_a, name, args):
    client.force_login(official_a)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_officials_cannot_post_decisions(client, official_a, official_b, submitted_pledge_a, city_b):
    request = pending_request(city_b)
    client.force_login(official_a)
    assert client.post(reverse("staff:memberships_approve"), {"selected": [request.pk]}).status_code == 403
    assert (
        client.post(reverse("staff:membership_refuse", args=[request.pk]), {"refuse-1-reason": "x"}).status_code == 403
    )
    assert client.post(reverse("staff:pledges_verify"), {"selected": [submitted_pledge_a.pk]}).status_code == 403
    assert client.post(reverse("staff:pledge_reject", args=[submitted_pledge_a.pk]), {"reason": "x"}).status_code == 403
    request.refresh_from_db()
    submitted_pledge_a.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED
    assert submitted_pledge_a.status == Pledge.Status.SUBMITTED


def test_staff_pages_still_demand_mfa_when_it_is_on(client, settings, staff_admin):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(staff_admin)
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert "/accounts/login/" not in response["Location"]


# --- dashboard --------------------------------------------------------------------------


def test_dashboard_counts_each_queue(client, staff_admin, submitted_pledge_a, city_b, past_period):
    pending_request(city_b)
    pending_request(city_b)
    MunicipalityRequest.objects.create(
        requested_by=UserFactory(), name="Riace", country="IT", latitude=38.42, longitude=16.48, population=2300
    )
    client.force_login(staff_admin)
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 200
    assert response.context["counts"] == {
        "memberships": 2,
        "municipality_requests": 1,
        "pledges": 1,
        "overdue": 0,
        "delays": 0,
        "reviews": 0,
    }
    html = response.content.decode()
    assert 'data-count="memberships">2<' in html
    assert 'data-count="municipality_requests">1<' in html
    assert 'data-count="pledges">1<' in html
    assert reverse("staff:export_pledges", args=["cities-pledge"]) in html


# --- membership requests ----------------------------------------------------------------


def test_membership_list_shows_the_evidence(client, staff_admin, city_a, pdf_upload):
    by_email = pending_request(city_a, email_domain="mechelen.be")
    by_letter = pending_request(city_a, email_domain="gmail.com")
    by_letter.evidence_letter.save("letter.pdf", pdf_upload(), save=True)
    approved = pending_request(city_a)
    approved.status = Membership.Status.APPROVED
    approved.save()
    client.force_login(staff_admin)
    response = client.get(reverse("staff:memberships"))
    html = response.content.decode()
    assert [row["membership"].pk for row in response.context["rows"]] == [by_email.pk, by_letter.pk]
    assert by_email.evidence_email in html
    assert "Confirmed address at the city’s domain" in html and "Domain does not match" in html
    assert "Address not confirmed" not in html
    assert reverse("accounts:membership_letter", args=[by_letter.pk]) in html
    assert f'value="{approved.pk}"' not in html


def membership_row(html, membership):
    row = html[html.index(f'<tr id="membership-{membership.pk}">') :]
    return row[: row.index("</tr>")]


def test_an_unconfirmed_evidence_address_is_not_shown_as_confirmed(client, staff_admin, city_a):
    """A request made before confirmation was required (or whose address was removed since):
    the address at the city's domain proves nothing, and the queue says so."""
    legacy = pending_request(city_a, email_domain="mechelen.be", confirmed=False)
    confirmed = pending_request(city_a, email_domain="mechelen.be")
    client.force_login(staff_admin)
    html = client.get(reverse("staff:memberships")).content.decode()
    legacy_row, confirmed_row = membership_row(html, legacy), membership_row(html, confirmed)
    assert legacy.evidence_email in legacy_row
    assert "Address not confirmed" in legacy_row and "Confirmed address" not in legacy_row
    assert "Confirmed address at the city’s domain" in confirmed_row and "not confirmed" not in confirmed_row


def test_bulk_approve_reports_successes_and_failures(client, staff_admin, city_a, city_b, mailoutbox):
    first, second = pending_request(city_a), pending_request(city_b)
    already = pending_request(city_b)
    already.status = Membership.Status.REFUSED
    already.save()
    client.force_login(staff_admin)
    response = client.post(reverse("staff:memberships_approve"), {"selected": [first.pk, second.pk, already.pk]})
    assert response.status_code == 302
    messages = texts(response)
    assert messages == [
        "2 requests approved.",
        f"1 could not be done: {already.user.email} – Lyon: Only a pending request can be approved.",
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    already.refresh_from_db()
    assert first.status == second.status == Membership.Status.APPROVED
    assert first.decided_by == staff_admin
    assert already.status == Membership.Status.REFUSED


def test_bulk_approve_needs_a_selection(client, staff_admin, city_a):
    pending = pending_request(city_a)
    client.force_login(staff_admin)
    response = client.post(reverse("staff:memberships_approve"), {})
    assert response.status_code == 400
    assert "Select at least one row." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Membership.Status.REQUESTED


def test_refusing_needs_a_reason_and_tells_the_person(
    client, staff_admin, city_a, mailoutbox, django_capture_on_commit_callbacks
):
    pending = pending_request(city_a)
    client.force_login(staff_admin)
    url = reverse("staff:membership_refuse", args=[pending.pk])
    response = client.post(url, {f"refuse-{pending.pk}-reason": "   "})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Membership.Status.REQUESTED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"refuse-{pending.pk}-reason": "The letter is not signed."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Membership.Status.REFUSED
    assert pending.refusal_reason == "The letter is not signed."
    assert [m.to for m in mailoutbox] == [[pending.user.email]]
    assert "The letter is not signed." in mailoutbox[0].body


# --- pledges ----------------------------------------------------------------------------


def test_pledge_list_filters_by_campaign_and_country(
    client, staff_admin, submitted_pledge_a, city_b, official_b, campaign
):
    other_campaign = CampaignFactory(slug="other")
    lyon = Pledge.objects.create(
        campaign=other_campaign, municipality=city_b, status=Pledge.Status.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(staff_admin)
    url = reverse("staff:pledges")
    assert {p.pk for p in client.get(url).context["pledges"]} == {submitted_pledge_a.pk, lyon.pk}
    assert [p.pk for p in client.get(url, {"country": "FR"}).context["pledges"]] == [lyon.pk]
    assert [p.pk for p in client.get(url, {"campaign": campaign.pk}).context["pledges"]] == [submitted_pledge_a.pk]
    assert client.get(url, {"campaign": campaign.pk, "country": "FR"}).context["pledges"] == []


def test_pledge_detail_shows_what_was_entered_and_the_history(client, staff_admin, submitted_pledge_a):
    client.force_login(staff_admin)
    response = client.get(reverse("staff:pledge_detail", args=[submitted_pledge_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Bart Somers",
        "Mayor of Mechelen",
        "Mechelen stands for the rights of every newcomer",
        "SERVICES-1",
        "Every resident has a family doctor",
        "RIGHTS-1",
        "Draft started",
        "Draft saved",
        "Anna Official",
        reverse("pledges:resolution", args=[submitted_pledge_a.pk]),
    ]:
        assert text in html, text
    assert "Verify this pledge" in html


def test_bulk_verify_reports_successes_and_failures(client, staff_admin, submitted_pledge_a, city_b, campaign):
    draft_b = Pledge.objects.create(campaign=campaign, municipality=city_b)
    client.force_login(staff_admin)
    response = client.post(reverse("staff:pledges_verify"), {"selected": [submitted_pledge_a.pk, draft_b.pk]})
    assert response.status_code == 302
    messages = texts(response)
    assert messages == [
        "1 pledge verified: it is public now.",
        "1 could not be done: Lyon: Only a submitted pledge can be verified.",
    ]
    submitted_pledge_a.refresh_from_db()
    draft_b.refresh_from_db()
    assert submitted_pledge_a.status == Pledge.Status.VERIFIED
    assert submitted_pledge_a.verified_by == staff_admin
    assert draft_b.status == Pledge.Status.DRAFT


def test_reject_needs_a_reason(client, staff_admin, submitted_pledge_a):
    client.force_login(staff_admin)
    response = client.post(reverse("staff:pledge_reject", args=[submitted_pledge_a.pk]), {"reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a reason" in html
    assert "is-invalid" in html
    submitted_pledge_a.refresh_from_db()
    assert submitted_pledge_a.status == Pledge.Status.SUBMITTED


def test_reject_emails_every_official_in_their_language(
    client,
    staff_admin,
    submitted_pledge_a,
    official_a,
    city_a,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    official_a.preferred_language = "fr"
    official_a.save()
    colleague = UserFactory(email="colega@mechelen.be", preferred_language="es")
    approve_official(colleague, city_a)
    rendered = []
    real_render = campaign.outbox.rendering.render_email

    def spy(*, template, language, context):
        rendered.append((template, language, context))
        return real_render(template=template, language=language, context=context)

    monkeypatch.setattr(campaign.outbox.rendering, "render_email", spy)
    client.force_login(staff_admin)
    reason = "The resolution is not signed by the council."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:pledge_reject", args=[submitted_pledge_a.pk]), {"reason": reason})
    assert response.status_code == 302
    submitted_pledge_a.refresh_from_db()
    assert submitted_pledge_a.status == Pledge.Status.REJECTED
    assert submitted_pledge_a.rejection_reason == reason
    assert PledgeEvent.objects.filter(pledge=submitted_pledge_a, action="rejected", note=reason).exists()
    languages = {(c["recipient_name"], lang) for t, lang, c in rendered if t == "pledge_rejected"}
    assert languages == {("Anna Official", "fr"), (colleague.full_name, "es")}
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"focal@mechelen.be", "colega@mechelen.be"}
    assert reason in by_address["focal@mechelen.be"].body
    assert "/fr/" in by_address["focal@mechelen.be"].body
    assert "/es/" in by_address["colega@mechelen.be"].body


# --- overdue reports --------------------------------------------------------------------


@pytest.fixture
def overdue_setup(verified_pledge_a, official_a, official_b, city_b, campaign, past_period, current_period, pdf_upload):
    """Mechelen filed last year's report; Lyon did not; Ghent started a draft; Antwerp withdrew."""
    pledge_b = make_verified_pledge(official_b, city_b, campaign, pdf_upload)
    ghent = MunicipalityFactory(name="Ghent", country="BE")
    ghent_official = UserFactory(email="focal@gent.be")
    approve_official(ghent_official, ghent)
    pledge_ghent = make_verified_pledge(ghent_official, ghent, campaign, pdf_upload)
    antwerp = MunicipalityFactory(name="Antwerp", country="BE")
    antwerp_official = UserFactory(email="focal@antwerpen.be")
    approve_official(antwerp_official, antwerp)
    pledge_antwerp = make_verified_pledge(antwerp_official, antwerp, campaign, pdf_upload)

    # They all joined before last year's period was due, so they owe its report...
    long_ago = timezone.now() - timedelta(days=400)
    Pledge.objects.filter(campaign=campaign).update(verified_at=long_ago)
    verified_pledge_a.refresh_from_db()
    pledge_ghent.refresh_from_db()
    pledge_b.refresh_from_db()
    pledge_antwerp.refresh_from_db()
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=past_period)
    services.report_submit(actor=official_a, report=report)
    services.report_open(actor=ghent_official, pledge=pledge_ghent, period=past_period)
    services.pledge_withdraw(actor=antwerp_official, pledge=pledge_antwerp)

    # ...but Bruges only after it: it owes no report for it.
    bruges = MunicipalityFactory(name="Bruges", country="BE")
    bruges_official = UserFactory(email="focal@brugge.be")
    approve_official(bruges_official, bruges)
    make_verified_pledge(bruges_official, bruges, campaign, pdf_upload)
    return {"lyon": pledge_b, "ghent": pledge_ghent}


def test_overdue_lists_exactly_the_overdue_reports(midday, client, staff_admin, overdue_setup, past_period, campaign):
    client.force_login(staff_admin)
    response = client.get(reverse("staff:overdue"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {(r.pledge.municipality.name, r.period.pk) for r in rows} == {
        ("Lyon", past_period.pk),
        ("Ghent", past_period.pk),
    }
    lyon = next(r for r in rows if r.pledge.municipality.name == "Lyon")
    assert lyon.days_overdue == 200  # due 200 days ago; at noon UTC it is the same date in Lyon
    assert lyon.official_emails == ["focal@lyon.fr"]
    ghent = next(r for r in rows if r.pledge.municipality.name == "Ghent")
    assert ghent.report_state == "draft"
    html = response.content.decode()
    assert "mailto:focal@lyon.fr" in html and "mailto:focal@gent.be" in html
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "Lyon" in table and "Ghent" in table
    assert "Mechelen" not in table
    assert "Antwerp" not in table
    assert "Bruges" not in table
    assert response.context["counts"]["overdue"] == 2


def test_overdue_filters(client, staff_admin, overdue_setup, past_period, current_period, campaign):
    client.force_login(staff_admin)
    url = reverse("staff:overdue")
    assert [r.pledge.municipality.name for r in client.get(url, {"country": "FR"}).context["rows"]] == ["Lyon"]
    assert {r.pledge.municipality.name for r in client.get(url, {"country": "BE"}).context["rows"]} == {"Ghent"}
    assert client.get(url, {"period": current_period.pk}).context["rows"] == []
    assert len(client.get(url, {"period": past_period.pk, "campaign": campaign.pk}).context["rows"]) == 2
    other = CampaignFactory(slug="other-campaign")
    assert client.get(url, {"campaign": other.pk}).context["rows"] == []


def test_a_submitted_report_leaves_the_overdue_list(overdue_setup, official_b, past_period):
    assert len(overdue_reports()) == 2
    report = services.report_open(actor=official_b, pledge=overdue_setup["lyon"], period=past_period)
    services.report_submit(actor=official_b, report=report)
    assert [r.pledge.municipality.name for r in overdue_reports()] == ["Ghent"]
    assert ProgressReport.objects.get(pk=report.pk).is_late


# --- query count ------------------------------------------------------------------------


def fill_queues(n, campaign, commitments, period):
    for i in range(n):
        pending_request(MunicipalityFactory(name=f"Pending {i}"))
        submitted = Pledge.objects.create(
            campaign=campaign,
            municipality=MunicipalityFactory(name=f"Submitted {i}"),
            status=Pledge.Status.SUBMITTED,
            submitted_at=timezone.now(),
            signatory_name="Mayor",
        )
        PledgeCommitment.objects.bulk_create([PledgeCommitment(pledge=submitted, commitment=c) for c in commitments])
        city = MunicipalityFactory(name=f"Late {i}")
        verified = Pledge.objects.create(
            campaign=campaign,
            municipality=city,
            status=Pledge.Status.VERIFIED,
            verified_at=timezone.now() - timedelta(days=400),
        )
        approve_official(UserFactory(), city)
        ProgressReport.objects.create(pledge=verified, period=period)
    return submitted


@pytest.mark.parametrize("n", [3, 30])
def test_queue_pages_run_a_bounded_number_of_queries(
    client, staff_admin, campaign, required_commitments, past_period, django_assert_max_num_queries, n
):
    last_submitted = fill_queues(n, campaign, required_commitments, past_period)
    client.force_login(staff_admin)
    pages = [
        reverse("staff:dashboard"),
        reverse("staff:memberships"),
        reverse("staff:pledges"),
        reverse("staff:overdue"),
        reverse("staff:pledge_detail", args=[last_submitted.pk]),
        reverse("staff:export_pledges", args=[campaign.slug]),
        reverse("staff:export_reports", args=[campaign.slug]),
    ]
    for url in pages:
        # 17: the session, the user, the confirmed-address gate, then the page's own.
        with django_assert_max_num_queries(17):
            response = client.get(url)
        assert response.status_code == 200, url
    assert len(client.get(reverse("staff:overdue")).context["rows"]) == n
    assert len(client.get(reverse("staff:memberships")).context["rows"]) == n
