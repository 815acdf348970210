"""The signing pages over HTTP: who may open what, and what the forms keep and refuse."""

from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress

from pledges import services
from pledges.models import Pledge, PledgeCommitment, PledgeEvent
from tests.factories import STATEMENT_A, UserFactory

pytestmark = pytest.mark.django_db


def edit_url(pledge):
    return f"/en/pledges/{pledge.pk}/edit/"


def chosen_codes(pledge):
    return set(PledgeCommitment.objects.filter(pledge=pledge).values_list("commitment__code", flat=True))


# --- who gets in -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "edit/", "preview/", "withdraw/", "resolution/"])
def test_anonymous_is_sent_to_login(client, ready_pledge_a, suffix):
    response = client.get(f"/en/pledges/{ready_pledge_a.pk}/{suffix}")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_anonymous_my_pledges_and_start_go_to_login(client, campaign, city_a):
    for url in ["/en/pledges/", f"/en/pledges/{campaign.slug}/{city_a.slug}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("suffix", ["", "edit/", "preview/", "withdraw/", "resolution/"])
def test_official_of_b_gets_404_on_every_page_of_a(client, ready_pledge_a, official_b, suffix):
    client.force_login(official_b)
    assert client.get(f"/en/pledges/{ready_pledge_a.pk}/{suffix}").status_code == 404


def test_official_of_b_cannot_post_to_a(client, ready_pledge_a, official_b, campaign, city_a):
    client.force_login(official_b)
    response = client.post(edit_url(ready_pledge_a), {"signatory_name": "Intruder", "save": "1"})
    assert response.status_code == 404
    assert client.post(f"/en/pledges/{ready_pledge_a.pk}/submit/").status_code == 404
    assert client.post(f"/en/pledges/{ready_pledge_a.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.get(f"/en/pledges/{campaign.slug}/{city_a.slug}/").status_code == 404
    assert client.post(f"/en/pledges/{campaign.slug}/{city_a.slug}/").status_code == 404
    pledge = Pledge.objects.get(pk=ready_pledge_a.pk)
    assert pledge.signatory_name == "Bart Somers"
    assert pledge.status == Pledge.Status.DRAFT


def test_unknown_pledge_id_is_404(client, official_a):
    client.force_login(official_a)
    assert client.get("/en/pledges/999999/edit/").status_code == 404


def test_unverified_email_cannot_act(client, draft_pledge_a, official_a, mailoutbox):
    EmailAddress.objects.filter(user=official_a).update(verified=False)
    client.force_login(official_a)
    response = client.get(edit_url(draft_pledge_a))
    assert response.status_code == 403
    assert "Verify Your Email Address" in response.content.decode()
    response = client.post(edit_url(draft_pledge_a), {"signatory_name": "Sneaky", "save": "1"})
    assert response.status_code == 403
    assert Pledge.objects.get(pk=draft_pledge_a.pk).signatory_name == ""
    assert any(official_a.email in m.to for m in mailoutbox), "the page sends a new confirmation link"


# --- start -------------------------------------------------------------------------------


def test_start_page_explains_then_post_opens_the_draft(
    client, campaign, required_commitments, optional_commitments, official_a, city_a
):
    client.force_login(official_a)
    url = f"/en/pledges/{campaign.slug}/{city_a.slug}/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Start the pledge" in response.content.decode()
    assert not Pledge.objects.exists()  # GET changes nothing
    response = client.post(url)
    pledge = Pledge.objects.get(campaign=campaign, municipality=city_a)
    assert response.status_code == 302
    assert response["Location"] == edit_url(pledge)
    # Coming back leads to the existing draft.
    assert client.get(url)["Location"] == edit_url(pledge)


# --- edit --------------------------------------------------------------------------------


def test_edit_form_groups_commitments_and_locks_required_ones(client, draft_pledge_a, official_a, required_commitments):
    client.force_login(official_a)
    response = client.get(edit_url(draft_pledge_a))
    assert response.status_code == 200
    html = response.content.decode()
    required = required_commitments[0]
    checkbox = html[html.index(f'name="chosen_{required.pk}"') - 200 : html.index(f'name="chosen_{required.pk}"') + 200]
    assert "disabled" in checkbox and "checked" in checkbox
    assert "Rights and non-discrimination" in html and "Access to services" in html
    assert "10 MB" in html
    assert "Save draft" in html and "Preview" in html


def test_required_commitments_cannot_be_unticked(client, draft_pledge_a, official_a, required_commitments):
    client.force_login(official_a)
    # A crafted POST that sends the required boxes as unticked.
    data = {"signatory_name": "Bart Somers", "save": "1"}
    for commitment in required_commitments:
        data[f"chosen_{commitment.pk}"] = ""
    response = client.post(edit_url(draft_pledge_a), data)
    assert response.status_code == 302
    assert chosen_codes(draft_pledge_a) == {"RIGHTS-1", "MONITORING-1"}


def test_choosing_an_optional_commitment_with_target(client, draft_pledge_a, official_a, optional_commitments):
    client.force_login(official_a)
    data_1 = optional_commitments[2]
    target_date = date.today() + timedelta(days=3 * 365)  # a target a few years ahead, whatever the date
    response = client.post(
        edit_url(draft_pledge_a),
        {
            "signatory_name": "Bart Somers",
            f"chosen_{data_1.pk}": "on",
            f"target_{data_1.pk}": "A yearly local census",
            f"target_date_{data_1.pk}": target_date.isoformat(),
            "save": "1",
        },
    )
    assert response.status_code == 302
    chosen = PledgeCommitment.objects.get(pledge=draft_pledge_a, commitment=data_1)
    assert chosen.target == "A yearly local census"
    assert chosen.target_date == target_date
    page = client.get(edit_url(draft_pledge_a)).content.decode()
    assert "A yearly local census" in page and f'value="{target_date.isoformat()}"' in page


def test_form_keeps_typed_values_when_redisplayed_with_errors(client, draft_pledge_a, official_a, optional_commitments):
    client.force_login(official_a)
    services_2 = optional_commitments[1]
    future = (date.today() + timedelta(days=40)).isoformat()
    response = client.post(
        edit_url(draft_pledge_a),
        {
            "signatory_name": "Bart Somers",
            "signatory_title": "Mayor of Mechelen",
            "council_decision_date": future,
            "statement": "Our city is home to everyone.",
            f"chosen_{services_2.pk}": "on",
            f"target_{services_2.pk}": "Every child in school within a month",
            "save": "1",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "cannot be in the future" in " ".join(form.errors["council_decision_date"])
    html = response.content.decode()
    assert 'value="Bart Somers"' in html
    assert 'value="Mayor of Mechelen"' in html
    assert f'value="{future}"' in html
    assert "Our city is home to everyone." in html
    assert "Every child in school within a month" in html
    assert "choose the file again" in html
    assert Pledge.objects.get(pk=draft_pledge_a.pk).signatory_name == ""  # nothing saved


def test_a_target_without_its_commitment_is_an_error_next_to_the_box(
    client, draft_pledge_a, official_a, optional_commitments
):
    client.force_login(official_a)
    services_1 = optional_commitments[0]
    response = client.post(edit_url(draft_pledge_a), {f"target_{services_1.pk}": "A doctor for all", "save": "1"})
    assert response.status_code == 400
    assert f"chosen_{services_1.pk}" in response.context["form"].errors
    assert "A doctor for all" in response.content.decode()


def test_form_errors_in_french(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    response = client.post(
        f"/fr/pledges/{draft_pledge_a.pk}/edit/", {"council_decision_date": "not a date", "save": "1"}
    )
    assert response.status_code == 400
    assert "Saisissez une date valide." in response.content.decode()


def test_preview_button_saves_and_opens_the_preview(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    response = client.post(edit_url(draft_pledge_a), {"statement": "We welcome everyone.", "preview": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/en/pledges/{draft_pledge_a.pk}/preview/"


def test_submitted_pledge_edit_redirects_to_preview(client, submitted_pledge_a, official_a):
    client.force_login(official_a)
    response = client.get(edit_url(submitted_pledge_a))
    assert response.status_code == 302
    assert response["Location"] == f"/en/pledges/{submitted_pledge_a.pk}/preview/"
    response = client.post(edit_url(submitted_pledge_a), {"statement": "changed", "save": "1"})
    assert Pledge.objects.get(pk=submitted_pledge_a.pk).statement == STATEMENT_A


# --- preview and submit ------------------------------------------------------------------


def test_preview_shows_the_statement_and_the_submit_button(client, ready_pledge_a, official_a):
    client.force_login(official_a)
    response = client.get(f"/en/pledges/{ready_pledge_a.pk}/preview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert STATEMENT_A in html
    assert "Health care for everyone" in html and "Every resident has a family doctor" in html
    assert "Submit for verification" in html
    assert response.context["missing"] == []


def test_preview_lists_what_is_missing_and_hides_submit(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    html = client.get(f"/en/pledges/{draft_pledge_a.pk}/preview/").content.decode()
    assert "Before you can submit, add:" in html
    assert "the council resolution (PDF)" in html
    assert "Submit for verification" not in html


def test_submit_over_http(client, ready_pledge_a, official_a):
    client.force_login(official_a)
    response = client.post(f"/en/pledges/{ready_pledge_a.pk}/submit/", follow=True)
    assert Pledge.objects.get(pk=ready_pledge_a.pk).status == Pledge.Status.SUBMITTED
    assert "The campaign team is checking it" in response.content.decode()


def test_submit_of_an_incomplete_pledge_shows_what_is_missing(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    response = client.post(f"/en/pledges/{draft_pledge_a.pk}/submit/", follow=True)
    assert Pledge.objects.get(pk=draft_pledge_a.pk).status == Pledge.Status.DRAFT
    assert "Before submitting, add:" in response.content.decode()


def test_submit_needs_post(client, ready_pledge_a, official_a):
    client.force_login(official_a)
    assert client.get(f"/en/pledges/{ready_pledge_a.pk}/submit/").status_code == 405


def test_rejected_pledge_shows_the_reason_and_can_be_resubmitted(client, submitted_pledge_a, official_a, staff_admin):
    services.pledge_reject(actor=staff_admin, pledge=submitted_pledge_a, reason="The resolution is not signed.")
    client.force_login(official_a)
    index = client.get("/en/pledges/").content.decode()
    assert "See why it was rejected" in index
    html = client.get(edit_url(submitted_pledge_a)).content.decode()
    assert "The resolution is not signed." in html
    client.post(
        edit_url(submitted_pledge_a),
        {
            "statement": "Corrected.",
            "signatory_name": "Bart Somers",
            "signatory_title": "Mayor",
            "council_decision_date": date.today().isoformat(),
            "preview": "1",
        },
    )
    client.post(f"/en/pledges/{submitted_pledge_a.pk}/submit/")
    pledge = Pledge.objects.get(pk=submitted_pledge_a.pk)
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.statement == "Corrected."


# --- withdraw ----------------------------------------------------------------------------


def test_withdraw_asks_for_confirmation_and_a_reason(client, verified_pledge_a, official_a):
    client.force_login(official_a)
    url = f"/en/pledges/{verified_pledge_a.pk}/withdraw/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Withdraw the pledge of Mechelen?" in page.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Pledge.objects.get(pk=verified_pledge_a.pk).status == Pledge.Status.VERIFIED
    response = client.post(url, {"reason": "The new council decided so."})
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=verified_pledge_a.pk)
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert pledge.withdrawal_reason == "The new council decided so."


def test_a_draft_cannot_be_withdrawn_over_http(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    response = client.post(f"/en/pledges/{draft_pledge_a.pk}/withdraw/", {"reason": "x"})
    assert response.status_code == 302
    assert Pledge.objects.get(pk=draft_pledge_a.pk).status == Pledge.Status.DRAFT


# --- resolution download -----------------------------------------------------------------


def test_resolution_download_for_the_official_and_staff(client, ready_pledge_a, official_a, staff_admin):
    for user in (official_a, staff_admin):
        client.force_login(user)
        response = client.get(f"/en/pledges/{ready_pledge_a.pk}/resolution/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    downloads = PledgeEvent.objects.filter(pledge=ready_pledge_a, action=PledgeEvent.Action.DOCUMENT_DOWNLOADED)
    assert set(downloads.values_list("actor", flat=True)) == {official_a.pk, staff_admin.pk}


def test_resolution_download_refused_to_others(client, ready_pledge_a, official_b):
    stranger = UserFactory()
    for user in (official_b, stranger):
        client.force_login(user)
        assert client.get(f"/en/pledges/{ready_pledge_a.pk}/resolution/").status_code == 404
    assert not PledgeEvent.objects.filter(action=PledgeEvent.Action.DOCUMENT_DOWNLOADED).exists()


def test_resolution_missing_is_404(client, draft_pledge_a, official_a):
    client.force_login(official_a)
    assert client.get(f"/en/pledges/{draft_pledge_a.pk}/resolution/").status_code == 404


# --- my pledges --------------------------------------------------------------------------


def test_my_pledges_lists_each_municipality_with_the_next_step(
    client, campaign, required_commitments, city_a, official_a
):
    client.force_login(official_a)
    html = client.get("/en/pledges/").content.decode()
    assert "Mechelen" in html and "Lyon" not in html
    assert f"/en/pledges/{campaign.slug}/{city_a.slug}/" in html
    assert "Start the pledge" in html


def test_my_pledges_for_a_verified_pledge_links_public_page_and_reports(client, verified_pledge_a, official_a, city_a):
    client.force_login(official_a)
    html = client.get("/en/pledges/").content.decode()
    assert f"/en/cities/{city_a.slug}/" in html
    assert f"/en/reports/{verified_pledge_a.pk}/" in html
    assert "Verified" in html


def test_staff_sees_the_preview_read_only(client, submitted_pledge_a, staff_admin):
    client.force_login(staff_admin)
    response = client.get(f"/en/pledges/{submitted_pledge_a.pk}/preview/")
    assert response.status_code == 200
    assert "Withdraw this pledge" not in response.content.decode()
    assert client.get(edit_url(submitted_pledge_a)).status_code == 404
