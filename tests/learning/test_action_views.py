"""The officials' pages of local actions through HTTP: the hub, writing an action (errors
beside their fields, nothing typed lost), the private page, submitting, translating,
results, deleting."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from pledges import services as pledge_services
from pledges.learning.models import HistoryEntry, LocalAction
from pledges.learning.services import actions as services
from pledges.learning.services import moderation
from tests.factories import approve_official, give_totp
from tests.monitoring.conftest import make_indicator

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "language": "en",
        "title": "Legal clinic for newcomers",
        "summary": "Lawyers answer questions about papers, work and housing every Tuesday.",
        "description": "",
        "status": "ongoing",
        "contact_role": "Legal aid office",
        "budget_currency": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def action(official_a, verified_pledge_a, campaign):
    return services.action_create(
        actor=official_a, municipality=verified_pledge_a.municipality, campaign=campaign, data=form_data()
    )


def test_the_hub_lists_the_citys_actions_by_state_and_the_cards(client, official_a, action):
    client.force_login(official_a)
    response = client.get(reverse("learning:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Legal clinic for newcomers" in page
    assert "Share a local action" in page
    assert "Peer reviews" in page  # the reviews card is included
    assert reverse("learning:action_detail", args=[action.pk]) in page


def test_my_pledges_links_to_the_hub(client, official_a, verified_pledge_a):
    client.force_login(official_a)
    page = client.get(reverse("pledges:index")).content.decode()
    assert reverse("learning:home") in page


def test_new_action_through_the_form(client, official_a, verified_pledge_a, required_commitments):
    client.force_login(official_a)
    url = reverse("learning:action_new")
    response = client.get(url)
    assert response.status_code == 200
    assert "Rights and non-discrimination" in response.content.decode()  # commitments grouped by theme
    response = client.post(
        url,
        form_data(
            commitment_ids=[str(required_commitments[0].pk)],
            gcm_objectives="15, 16",
            sdg_targets="10.7; 16.b",
            audiences=["undocumented", "women"],
            budget="12,500.50",
            budget_currency="EUR",
            links="https://example.org/clinic\n\nhttps://example.org/faq",
            partners="Bar association\nUniversity law school",
            started_on=(date.today() - timedelta(days=30)).isoformat(),
        ),
    )
    assert response.status_code == 302
    created = LocalAction.objects.get()
    assert response["Location"] == reverse("learning:action_detail", args=[created.pk])
    assert created.gcm_objectives == [15, 16] and created.sdg_targets == ["10.7", "16.b"]
    assert created.budget == 12500.5 and created.links == ["https://example.org/clinic", "https://example.org/faq"]
    assert created.partners == "Bar association\nUniversity law school"
    assert created.created_by == official_a


def test_bad_input_shows_beside_its_field_and_keeps_what_was_typed(client, official_a, verified_pledge_a):
    client.force_login(official_a)
    response = client.post(
        reverse("learning:action_new"),
        form_data(contact_role="maria@city.example", links="ftp://files.example.org", gcm_objectives="15, 40"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "never an email address" in page
    assert "not a web address" in page
    assert "Legal clinic for newcomers" in page and "ftp://files.example.org" in page and "15, 40" in page
    form = response.context["form"]
    assert set(form.errors) >= {"contact_role", "links", "gcm_objectives"}
    assert not LocalAction.objects.exists()


def test_bad_input_in_french_gets_french_messages(client, official_a, verified_pledge_a):
    client.force_login(official_a)
    with translation.override("fr"):
        url = reverse("learning:action_new")
    response = client.post(url, form_data(title="", budget="abc"))
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert response.context["form"].errors["budget"]


def test_an_official_of_several_cities_chooses_first(client, official_a, verified_pledge_a, city_b, official_b):
    approve_official(official_a, city_b)
    pledge_services.pledge_start(actor=official_a, campaign=verified_pledge_a.campaign, municipality=city_b)
    client.force_login(official_a)
    response = client.get(reverse("learning:action_new"))
    assert response.status_code == 200
    assert "learning/actions/choose.html" in [t.name for t in response.templates]
    response = client.get(reverse("learning:action_new") + f"?pledge={verified_pledge_a.pk}")
    assert "learning/actions/form.html" in [t.name for t in response.templates]


def test_someone_elses_pledge_is_404(client, official_b, verified_pledge_a):
    client.force_login(official_b)
    assert client.get(reverse("learning:action_new") + f"?pledge={verified_pledge_a.pk}").status_code == 404


def test_edit_keeps_values_and_records_the_changed_fields(client, official_a, action):
    client.force_login(official_a)
    url = reverse("learning:action_edit", args=[action.pk])
    response = client.get(url)
    assert 'value="Legal clinic for newcomers"' in response.content.decode()
    response = client.post(url, form_data(title="Free legal clinic"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Free legal clinic"
    page = client.get(reverse("learning:action_detail", args=[action.pk])).content.decode()
    assert "Action edited" in page and "changed:" in page and "Title" in page


def test_submit_then_the_page_is_locked(client, official_a, action, staff_admin):
    client.force_login(official_a)
    response = client.post(reverse("learning:action_submit", args=[action.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == LocalAction.State.SUBMITTED
    page = client.get(reverse("learning:action_detail", args=[action.pk])).content.decode()
    assert "waiting for the campaign team" in page
    assert reverse("learning:action_edit", args=[action.pk]) not in page
    response = client.get(reverse("learning:action_edit", args=[action.pk]))
    assert response.status_code == 302


def test_a_returned_action_shows_the_reason(client, official_a, action, staff_admin):
    give_totp(staff_admin)
    services.action_submit(actor=official_a, action=action)
    moderation.action_return(actor=staff_admin, action=action, reason="Add the opening hours, please.")
    client.force_login(official_a)
    page = client.get(reverse("learning:action_detail", args=[action.pk])).content.decode()
    assert "Add the opening hours, please." in page
    assert "Submit for review" in page


def test_submit_before_the_pledge_is_public_says_why(client, official_a, draft_pledge_a, campaign):
    draft = services.action_create(
        actor=official_a, municipality=draft_pledge_a.municipality, campaign=campaign, data=form_data()
    )
    client.force_login(official_a)
    response = client.post(reverse("learning:action_submit", args=[draft.pk]), follow=True)
    assert "once your municipality&#x27;s pledge is verified and public" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == LocalAction.State.DRAFT


def test_translation_page(client, official_a, action):
    client.force_login(official_a)
    url = reverse("learning:translation_edit", args=[action.pk, "fr"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Permanence juridique", "summary": ""})
    assert response.status_code == 200 and response.context["form"].errors["summary"]
    assert "Permanence juridique" in response.content.decode()
    response = client.post(url, {"title": "Permanence juridique", "summary": "Des avocats répondent."})
    assert response.status_code == 302
    assert action.translations.get().language == "fr"
    assert client.get(reverse("learning:translation_edit", args=[action.pk, "en"])).status_code == 404
    response = client.post(reverse("learning:translation_remove", args=[action.pk, "fr"]))
    assert response.status_code == 302 and not action.translations.exists()


def test_result_form_errors_and_save(client, official_a, action, required_commitments):
    rights = required_commitments[0]
    indicator = make_indicator(rights, "ID-1", "count", unit="people")
    services.action_update(actor=official_a, action=action, data={"commitment_ids": [rights.pk]})
    client.force_login(official_a)
    url = reverse("learning:result_save", args=[action.pk])
    response = client.post(url, {"indicator": indicator.pk, "value_text": "-3", "note": "Since May"})
    assert response.status_code == 200
    assert response.context["result_form"].errors["value_text"]
    assert "Since May" in response.content.decode()
    response = client.post(url, {"indicator": indicator.pk, "value_text": "120", "note": "Since May"})
    assert response.status_code == 302
    assert action.indicator_results.get().value == 120
    response = client.post(reverse("learning:result_remove", args=[action.pk, indicator.pk]))
    assert response.status_code == 302 and not action.indicator_results.exists()


def test_delete_a_draft(client, official_a, action):
    client.force_login(official_a)
    response = client.post(reverse("learning:action_delete", args=[action.pk]))
    assert response["Location"] == reverse("learning:home")
    assert not LocalAction.objects.exists()
    assert HistoryEntry.objects.filter(verb=HistoryEntry.Verb.ACTION_DELETED).exists()


def test_the_page_in_arabic_renders(client, official_a, action):
    client.force_login(official_a)
    with translation.override("ar"):
        url = reverse("learning:action_detail", args=[action.pk])
        new_url = reverse("learning:action_new")
    assert client.get(url).status_code == 200
    assert client.get(new_url).status_code == 200
