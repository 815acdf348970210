"""The officials' services of local actions (pledges/learning/services/actions.py): who may
write, what is checked, the states, translations, results and the history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaign.outbox.models import EmailDelivery
from campaign.outbox.rendering import render_email
from pledges.learning import search
from pledges.learning.models import ActionSearchTerm, HistoryEntry, LocalAction, LocalActionResult
from pledges.learning.services import actions as services
from pledges.learning.services import moderation
from tests.factories import give_totp
from tests.learning.moderation_world import make_event
from tests.monitoring.conftest import make_indicator

pytestmark = pytest.mark.django_db


def action_data(**changes):
    data = {
        "language": "en",
        "title": "A municipal identity card",
        "summary": "Every resident can get the city's card, whatever their papers.",
        "description": "The card opens the library, the pool and the city's services.",
        "status": "ongoing",
        "contact_role": "Office of newcomers",
    }
    data.update(changes)
    return data


@pytest.fixture
def action(official_a, verified_pledge_a, campaign):
    return services.action_create(
        actor=official_a, municipality=verified_pledge_a.municipality, campaign=campaign, data=action_data()
    )


def errors_of(exc) -> dict:
    return {name: [e.code for e in errors] for name, errors in exc.value.error_dict.items()}


# --- who may write --------------------------------------------------------------------------


def test_an_official_creates_a_draft_with_history(official_a, verified_pledge_a, campaign, required_commitments):
    event = make_event(campaign)
    created = services.action_create(
        actor=official_a,
        municipality=verified_pledge_a.municipality,
        campaign=campaign,
        data=action_data(
            commitment_ids=[required_commitments[0].pk],
            gcm_objectives=[16, 15, 16],
            sdg_targets=["10.7", "16.b"],
            audiences=["undocumented", "children"],
            budget=Decimal("12000.50"),
            budget_currency="eur",
            links=["https://example.org/card", "https://example.org/card"],
            event_id=event.pk,
            started_on=date.today() - timedelta(days=100),
        ),
    )
    assert created.state == LocalAction.State.DRAFT
    assert list(created.commitments.all()) == [required_commitments[0]]
    assert created.gcm_objectives == [15, 16]
    assert created.budget_currency == "EUR"
    assert created.links == ["https://example.org/card"]
    assert created.event == event
    assert HistoryEntry.objects.filter(local_action=created, verb=HistoryEntry.Verb.ACTION_CREATED).count() == 1


def test_another_city_official_may_not_write_for_city_a(official_b, verified_pledge_a, campaign):
    with pytest.raises(PermissionDenied):
        services.action_create(
            actor=official_b, municipality=verified_pledge_a.municipality, campaign=campaign, data=action_data()
        )


def test_a_campaign_admin_does_not_write_for_a_city(staff_admin, action):
    give_totp(staff_admin)
    with pytest.raises(PermissionDenied):
        services.action_update(actor=staff_admin, action=action, data={"title": "Changed"})


def test_a_municipality_without_a_pledge_cannot_share_an_action(official_a, city_a, campaign):
    with pytest.raises(ValidationError) as exc:
        services.action_create(actor=official_a, municipality=city_a, campaign=campaign, data=action_data())
    assert exc.value.code == "no_pledge"


# --- what is checked ------------------------------------------------------------------------


def test_every_bad_field_is_reported_at_once(official_a, verified_pledge_a, campaign):
    other = make_event(campaign.__class__.objects.create(slug="other", title_en="Other", status="open"))
    with pytest.raises(ValidationError) as exc:
        services.action_create(
            actor=official_a,
            municipality=verified_pledge_a.municipality,
            campaign=campaign,
            data=action_data(
                title="x" * 201,
                summary="",
                language="zz-not-a-language",
                status="completed",
                started_on=date.today(),
                gcm_objectives=[24],
                sdg_targets=["18.1"],
                audiences=["martians"],
                budget=Decimal("-1"),
                budget_currency="EUR",
                links=["javascript:alert(1)"],
                contact_role="maria@city.example",
                event_id=other.pk,
                commitment_ids=[999999],
            ),
        )
    errors = errors_of(exc)
    assert errors["title"] == ["max_length"]
    assert errors["summary"] == ["required"]
    assert errors["language"] == ["invalid_choice"]
    assert errors["ended_on"] == ["required"]  # a completed action says when it ended
    assert "gcm_objectives" in errors and "sdg_targets" in errors
    assert errors["audiences"] == ["invalid_choice"]
    assert errors["budget"] == ["negative"]
    assert errors["links"] == ["invalid_link"]
    assert errors["contact_role"] == ["email_in_contact"]
    assert errors["event_id"] == ["other_campaign"]
    assert errors["commitment_ids"] == ["other_campaign"]
    assert not LocalAction.objects.exists()


def test_dates_budget_currency_and_links_limits(official_a, verified_pledge_a, campaign):
    with pytest.raises(ValidationError) as exc:
        services.action_create(
            actor=official_a,
            municipality=verified_pledge_a.municipality,
            campaign=campaign,
            data=action_data(
                started_on=date.today(),
                ended_on=date.today() - timedelta(days=1),
                budget=Decimal("100"),
                budget_currency="",
                links=[f"https://example.org/{i}" for i in range(11)],
            ),
        )
    errors = errors_of(exc)
    assert errors["ended_on"] == ["ends_before_start"]
    assert errors["budget_currency"] == ["required"]
    assert errors["links"] == ["too_many_links"]


def test_a_language_cldr_knows_is_accepted(official_a, verified_pledge_a, campaign):
    created = services.action_create(
        actor=official_a,
        municipality=verified_pledge_a.municipality,
        campaign=campaign,
        data=action_data(language="nl"),
    )
    assert created.language == "nl"


# --- states ---------------------------------------------------------------------------------


def test_submit_needs_a_public_pledge(official_a, draft_pledge_a, campaign):
    draft = services.action_create(
        actor=official_a, municipality=draft_pledge_a.municipality, campaign=campaign, data=action_data()
    )
    with pytest.raises(ValidationError) as exc:
        services.action_submit(actor=official_a, action=draft)
    assert exc.value.code == "pledge_not_public"
    draft.refresh_from_db()
    assert draft.state == LocalAction.State.DRAFT


def test_submit_locks_the_action_and_emails_the_campaign_admins(official_a, staff_admin, action, settings):
    settings.STAFF_REQUIRE_MFA = False
    services.action_submit(actor=official_a, action=action)
    action.refresh_from_db()
    assert action.state == LocalAction.State.SUBMITTED and action.submitted_at
    delivery = EmailDelivery.objects.get(template="learning_action_submitted")
    assert delivery.recipient_id == staff_admin.pk
    assert delivery.context["action_title"] == action.title
    with pytest.raises(ValidationError) as exc:
        services.action_update(actor=official_a, action=action, data={"title": "Changed while waiting"})
    assert exc.value.code == "locked"
    with pytest.raises(ValidationError):
        services.translation_save(actor=official_a, action=action, language="fr", title="T", summary="S")
    with pytest.raises(ValidationError):
        services.action_submit(actor=official_a, action=action)


def test_editing_a_published_action_keeps_it_published_and_reindexes(official_a, staff_admin, action):
    give_totp(staff_admin)
    services.action_submit(actor=official_a, action=action)
    moderation.action_publish(actor=staff_admin, action=action)
    services.action_update(actor=official_a, action=action, data={"title": "A city card for everyone"})
    action.refresh_from_db()
    assert action.state == LocalAction.State.PUBLISHED
    edit = HistoryEntry.objects.get(local_action=action, verb=HistoryEntry.Verb.ACTION_EDITED)
    assert edit.detail["fields"] == ["title"]
    assert ActionSearchTerm.objects.filter(action=action, term="everyone").exists()
    assert search.search_actions(LocalAction.objects.all(), "everyone").get() == action


def test_an_unchanged_save_records_nothing(official_a, action):
    services.action_update(actor=official_a, action=action, data=action_data())
    assert not HistoryEntry.objects.filter(verb=HistoryEntry.Verb.ACTION_EDITED).exists()


def test_delete_only_a_draft_never_published(official_a, staff_admin, action, verified_pledge_a, campaign):
    give_totp(staff_admin)
    other = services.action_create(
        actor=official_a, municipality=verified_pledge_a.municipality, campaign=campaign, data=action_data()
    )
    services.action_delete(actor=official_a, action=other)
    assert not LocalAction.objects.filter(pk=other.pk).exists()
    assert HistoryEntry.objects.filter(verb=HistoryEntry.Verb.ACTION_DELETED, detail__action_id=other.pk).exists()

    services.action_submit(actor=official_a, action=action)
    moderation.action_publish(actor=staff_admin, action=action)
    moderation.action_unpublish(actor=staff_admin, action=action, reason="Please add the results.")
    action.refresh_from_db()
    assert action.state == LocalAction.State.RETURNED
    with pytest.raises(ValidationError) as exc:
        services.action_delete(actor=official_a, action=action)
    assert exc.value.code == "not_deletable"


# --- translations ---------------------------------------------------------------------------


def test_translation_in_another_site_language_only(official_a, action):
    saved = services.translation_save(
        actor=official_a, action=action, language="fr", title="Une carte d'identité municipale", summary="Pour tous."
    )
    assert saved.language == "fr"
    again = services.translation_save(
        actor=official_a, action=action, language="fr", title="La carte de la ville", summary="Pour tous."
    )
    assert again.pk == saved.pk and action.translations.get().title == "La carte de la ville"
    with pytest.raises(ValidationError) as exc:
        services.translation_save(actor=official_a, action=action, language="en", title="T", summary="S")
    assert errors_of(exc)["language"] == ["own_language"]
    with pytest.raises(ValidationError) as exc:
        services.translation_save(actor=official_a, action=action, language="de", title="", summary="")
    assert set(errors_of(exc)) == {"language", "title", "summary"}
    services.translation_remove(actor=official_a, action=action, language="fr")
    assert not action.translations.exists()
    verbs = list(HistoryEntry.objects.filter(local_action=action).values_list("verb", flat=True))
    assert HistoryEntry.Verb.TRANSLATION_REMOVED in verbs and HistoryEntry.Verb.TRANSLATION_SAVED in verbs


def test_a_published_action_is_found_by_its_translation(official_a, staff_admin, action):
    give_totp(staff_admin)
    services.action_submit(actor=official_a, action=action)
    moderation.action_publish(actor=staff_admin, action=action)
    services.translation_save(
        actor=official_a, action=action, language="fr", title="Carte municipale", summary="Pour chaque habitante."
    )
    assert search.search_actions(LocalAction.objects.all(), "habitante").get() == action
    services.translation_remove(actor=official_a, action=action, language="fr")
    assert not search.search_actions(LocalAction.objects.all(), "habitante").exists()


# --- results --------------------------------------------------------------------------------


def test_result_of_an_indicator_of_a_served_commitment(official_a, action, required_commitments, optional_commitments):
    rights = required_commitments[0]
    count = make_indicator(rights, "ID-1", "count", unit="cards")
    percentage = make_indicator(rights, "ID-2", "percentage")
    elsewhere = make_indicator(optional_commitments[2], "DATA-X", "count")
    with pytest.raises(ValidationError) as exc:
        services.result_save(actor=official_a, action=action, indicator=count, value_text="10")
    assert errors_of(exc)["indicator"] == ["invalid_choice"]
    services.action_update(actor=official_a, action=action, data={"commitment_ids": [rights.pk]})
    result = services.result_save(
        actor=official_a, action=action, indicator=count, value_text="1,234", measured_on=date.today()
    )
    assert result.value == Decimal("1234")
    with pytest.raises(ValidationError) as exc:
        services.result_save(actor=official_a, action=action, indicator=percentage, value_text="140")
    assert errors_of(exc)["value_text"] == ["out_of_range"]
    with pytest.raises(ValidationError) as exc:
        services.result_save(actor=official_a, action=action, indicator=count, value_text="2.5")
    assert errors_of(exc)["value_text"] == ["not_whole"]
    with pytest.raises(ValidationError) as exc:
        services.result_save(actor=official_a, action=action, indicator=elsewhere, value_text="3")
    assert errors_of(exc)["indicator"] == ["invalid_choice"]
    with pytest.raises(ValidationError) as exc:
        services.result_save(
            actor=official_a,
            action=action,
            indicator=count,
            value_text="3",
            measured_on=date.today() + timedelta(days=2),
        )
    assert errors_of(exc)["measured_on"] == ["future"]
    services.result_remove(actor=official_a, action=action, indicator_id=count.pk)
    assert not LocalActionResult.objects.exists()
    verbs = set(HistoryEntry.objects.filter(local_action=action).values_list("verb", flat=True))
    assert {HistoryEntry.Verb.RESULT_SAVED, HistoryEntry.Verb.RESULT_REMOVED} <= verbs


def test_a_result_value_is_read_in_the_officials_language(official_a, action, required_commitments):
    official_a.preferred_language = "fr"
    official_a.save()
    rights = required_commitments[0]
    amount = make_indicator(rights, "AM-1", "percentage")
    services.action_update(actor=official_a, action=action, data={"commitment_ids": [rights.pk]})
    result = services.result_save(actor=official_a, action=action, indicator=amount, value_text="12,5")
    assert result.value == Decimal("12.5")


def test_the_submitted_email_renders_in_the_admins_language(official_a, staff_admin, action, settings):
    settings.STAFF_REQUIRE_MFA = False
    staff_admin.preferred_language = "fr"
    staff_admin.save()
    services.action_submit(actor=official_a, action=action)
    delivery = EmailDelivery.objects.get(template="learning_action_submitted")
    context = {**delivery.context, "language": "fr"}
    subject, text, html = render_email(template=delivery.template, language="fr", context=context)
    assert action.title in subject
    assert f"/fr/staff/learning/actions/{action.pk}/" in text
    assert html and action.title in html
