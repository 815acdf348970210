"""Campaign admins publish a submitted local action, return it with a reason, or take a
published one off the library: pledges/learning/services/moderation.py and its staff pages
(pledges/learning/staff/moderation.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pledges.learning import rules, search
from pledges.learning.models import ActionSearchTerm, ExchangeRequest, HistoryEntry, LocalAction, LocalActionFile
from pledges.learning.services import moderation
from tests.factories import StaffFactory, UserFactory, approve_official, make_pdf_bytes
from tests.learning.moderation_world import ask_exchange, make_action, translate


@pytest.fixture
def submitted(campaign, city_a, official_a):
    return make_action(campaign, city_a, title="Welcome desk for newcomers")


def _found(text):
    return set(search.search_actions(rules.public_actions(), text))


# --- services ---------------------------------------------------------------------------------


def test_publishing_puts_the_action_in_the_library_and_tells_the_officials(
    submitted, staff_admin, official_a, mailoutbox, django_capture_on_commit_callbacks
):
    translate(submitted, "fr", "Guichet d'accueil", "Un guichet unique pour les nouveaux arrivants.")
    assert _found("guichet") == set()
    with django_capture_on_commit_callbacks(execute=True):
        action = moderation.action_publish(actor=staff_admin, action=submitted)
    action.refresh_from_db()
    assert action.state == LocalAction.State.PUBLISHED
    assert action.published_at is not None and action.moderated_by == staff_admin
    assert action in rules.public_actions()
    assert _found("guichet") == {action}  # its translation is searchable too
    assert HistoryEntry.objects.filter(
        verb=HistoryEntry.Verb.ACTION_PUBLISHED, local_action=action, actor=staff_admin
    ).exists()
    [message] = mailoutbox
    assert message.to == [official_a.email]
    assert "Welcome desk for newcomers" in message.subject
    assert "published" in message.body
    assert reverse("learning:action_detail", args=[action.pk]) in message.body  # the city's own page


def test_the_email_speaks_each_officials_language(
    submitted, staff_admin, official_a, city_a, mailoutbox, django_capture_on_commit_callbacks
):
    french = UserFactory(email="echevin@mechelen.be", preferred_language="fr")
    approve_official(french, city_a)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.action_return(actor=staff_admin, action=submitted, reason="Add the budget, please.")
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {official_a.email, "echevin@mechelen.be"}
    assert "Add the budget, please." in by_address["echevin@mechelen.be"].body
    assert "/fr/" in by_address["echevin@mechelen.be"].body and "/en/" in by_address[official_a.email].body
    assert "Changes asked" in by_address[official_a.email].subject


def test_a_return_needs_a_reason_and_changes_nothing_without_one(submitted, staff_admin, mailoutbox):
    with pytest.raises(ValidationError) as caught:
        moderation.action_return(actor=staff_admin, action=submitted, reason="   ")
    assert "reason" in caught.value.error_dict
    submitted.refresh_from_db()
    assert submitted.state == LocalAction.State.SUBMITTED
    assert not HistoryEntry.objects.exists() and mailoutbox == []


def test_returning_keeps_the_reason_and_the_city_can_be_published_later(
    submitted, staff_admin, django_capture_on_commit_callbacks
):
    moderation.action_return(actor=staff_admin, action=submitted, reason="Say who runs the desk.")
    submitted.refresh_from_db()
    assert submitted.state == LocalAction.State.RETURNED
    assert submitted.return_reason == "Say who runs the desk."
    entry = HistoryEntry.objects.get(verb=HistoryEntry.Verb.ACTION_RETURNED)
    assert entry.detail["reason"] == "Say who runs the desk."
    # the city submits again (the actions helper's service does this), and it is published
    LocalAction.objects.filter(pk=submitted.pk).update(state=LocalAction.State.SUBMITTED)
    submitted.refresh_from_db()
    action = moderation.action_publish(actor=staff_admin, action=submitted)
    assert action.return_reason == ""


def test_unpublishing_takes_the_action_off_the_library_and_keeps_its_first_publication_date(
    campaign, city_a, official_a, staff_admin, mailoutbox, django_capture_on_commit_callbacks
):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Night shelter")
    first = action.published_at
    assert _found("shelter") == {action}
    with django_capture_on_commit_callbacks(execute=True):
        moderation.action_unpublish(actor=staff_admin, action=action, reason="The phone number is private.")
    action.refresh_from_db()
    assert action.state == LocalAction.State.RETURNED
    assert action not in rules.public_actions()
    assert not ActionSearchTerm.objects.filter(action=action).exists()
    assert HistoryEntry.objects.filter(verb=HistoryEntry.Verb.ACTION_UNPUBLISHED, local_action=action).exists()
    [message] = mailoutbox
    assert "Taken off the library" in message.subject and "The phone number is private." in message.body
    # published again: the first publication's date stays
    LocalAction.objects.filter(pk=action.pk).update(state=LocalAction.State.SUBMITTED)
    action.refresh_from_db()
    moderation.action_publish(actor=staff_admin, action=action)
    action.refresh_from_db()
    assert action.published_at == first


@pytest.mark.parametrize(
    "state,call",
    [
        (LocalAction.State.DRAFT, "publish"),
        (LocalAction.State.PUBLISHED, "publish"),
        (LocalAction.State.RETURNED, "return"),
        (LocalAction.State.SUBMITTED, "unpublish"),
        (LocalAction.State.DRAFT, "unpublish"),
    ],
)
def test_each_decision_applies_to_one_state_only(campaign, city_a, staff_admin, state, call):
    action = make_action(campaign, city_a, state=state)
    with pytest.raises(ValidationError):
        if call == "publish":
            moderation.action_publish(actor=staff_admin, action=action)
        elif call == "return":
            moderation.action_return(actor=staff_admin, action=action, reason="No.")
        else:
            moderation.action_unpublish(actor=staff_admin, action=action, reason="No.")
    action.refresh_from_db()
    assert action.state == state


def test_only_campaign_admins_moderate(submitted, official_a, settings):
    with pytest.raises(PermissionDenied):
        moderation.action_publish(actor=official_a, action=submitted)
    settings.STAFF_REQUIRE_MFA = True
    with pytest.raises(PermissionDenied):
        moderation.action_return(actor=StaffFactory(), action=submitted, reason="Without a second factor.")
    submitted.refresh_from_db()
    assert submitted.state == LocalAction.State.SUBMITTED


# --- pages ------------------------------------------------------------------------------------


def test_the_queue_lists_waiting_actions_with_their_city_and_exchange_counts(
    client, campaign, city_a, city_b, staff_admin, django_assert_max_num_queries
):
    waiting = make_action(campaign, city_a, title="Language cafés")
    published = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Legal aid clinic")
    ask_exchange(published, city_b, status=ExchangeRequest.Status.ACCEPTED)
    ask_exchange(published, city_b, status=ExchangeRequest.Status.DECLINED)
    ask_exchange(published, city_b)
    for n in range(5):
        make_action(campaign, city_b, title=f"Waiting action {n}")
    client.force_login(staff_admin)
    url = reverse("learning_staff:actions")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Language cafés" in body and "Legal aid clinic" not in body
    assert 'data-count="waiting">6<' in body and 'data-count="published">1<' in body
    response = client.get(url, {"tab": "published"})
    body = response.content.decode()
    assert "Legal aid clinic" in body and "Language cafés" not in body
    assert f'data-exchanges="{published.pk}">3<' in body
    assert f'data-accepted="{published.pk}">1<' in body
    assert waiting.municipality.name in client.get(url).content.decode()


def test_the_queue_costs_the_same_whatever_its_length(client, campaign, city_a, staff_admin):
    client.force_login(staff_admin)
    url = reverse("learning_staff:actions")
    make_action(campaign, city_a, title="One")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(10):
        make_action(campaign, city_a, title=f"More {n}")
    with CaptureQueriesContext(connection) as eleven:
        client.get(url)
    assert len(eleven.captured_queries) == len(one.captured_queries)


def test_the_detail_page_shows_everything_and_publishing_from_it_works(
    client, submitted, staff_admin, django_capture_on_commit_callbacks, mailoutbox
):
    translate(submitted, "es", "Ventanilla de acogida", "Una ventanilla única.")
    client.force_login(staff_admin)
    response = client.get(reverse("learning_staff:action", args=[submitted.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Welcome desk for newcomers" in body and "Ventanilla de acogida" in body
    assert "Integration office" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("learning_staff:action_publish", args=[submitted.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("learning_staff:actions")
    submitted.refresh_from_db()
    assert submitted.state == LocalAction.State.PUBLISHED
    assert len(mailoutbox) == 1
    history = client.get(reverse("learning_staff:action", args=[submitted.pk])).content.decode()
    assert "Action published" in history


def test_a_return_without_reason_redisplays_the_form_with_the_error(client, submitted, staff_admin):
    client.force_login(staff_admin)
    url = reverse("learning_staff:action_return", args=[submitted.pk])
    response = client.post(url, {"return-reason": ""})
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == LocalAction.State.SUBMITTED
    response = client.post(url, {"return-reason": "Tell us who pays for it."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.return_reason == "Tell us who pays for it."


def test_a_too_long_reason_is_refused_next_to_the_field_and_kept(client, campaign, city_a, staff_admin):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED)
    client.force_login(staff_admin)
    typed = "Typed words kept here. " + "x" * moderation.MAX_REASON_LENGTH
    response = client.post(reverse("learning_staff:action_unpublish", args=[action.pk]), {"unpublish-reason": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Typed words kept here." in body and "is-invalid" in body
    action.refresh_from_db()
    assert action.state == LocalAction.State.PUBLISHED


def test_a_decision_on_an_action_in_another_state_says_why(client, campaign, city_a, staff_admin):
    draft = make_action(campaign, city_a, state=LocalAction.State.DRAFT)
    client.force_login(staff_admin)
    response = client.post(
        reverse("learning_staff:action_unpublish", args=[draft.pk]), {"unpublish-reason": "Typed words"}, follow=True
    )
    assert "Only a published action can be taken off the library." in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == LocalAction.State.DRAFT and not HistoryEntry.objects.exists()


def test_publishing_twice_says_why_and_changes_nothing(client, campaign, city_a, staff_admin):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED)
    client.force_login(staff_admin)
    response = client.post(reverse("learning_staff:action_publish", args=[action.pk]), follow=True)
    assert "Only an action waiting for review can be published." in response.content.decode()
    assert HistoryEntry.objects.count() == 0


def test_unpublishing_from_the_page(client, campaign, city_a, staff_admin):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, moderated_at=timezone.now())
    client.force_login(staff_admin)
    response = client.post(
        reverse("learning_staff:action_unpublish", args=[action.pk]), {"unpublish-reason": "Private address shown."}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == LocalAction.State.RETURNED


def test_the_work_queue_shows_how_many_actions_wait(client, campaign, city_a, staff_admin):
    make_action(campaign, city_a)
    make_action(campaign, city_a, state=LocalAction.State.PUBLISHED)
    client.force_login(staff_admin)
    body = client.get(reverse("staff:dashboard")).content.decode()
    assert 'data-count="local_actions">1<' in body
    assert reverse("learning_staff:actions") in body


def test_the_queue_speaks_arabic(client, submitted, staff_admin):
    client.force_login(staff_admin)
    response = client.get("/ar/staff/learning/actions/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_the_detail_page_links_each_file_to_its_private_download(client, submitted, staff_admin, official_a):
    stored = LocalActionFile(
        action=submitted,
        kind=LocalActionFile.Kind.PDF,
        original_name="evaluation.pdf",
        title="Evaluation report",
        content_type="application/pdf",
        extension="pdf",
        size=len(make_pdf_bytes()),
        uploaded_by=official_a,
    )
    stored.file.save("evaluation.pdf", ContentFile(make_pdf_bytes()), save=True)
    client.force_login(staff_admin)
    body = client.get(reverse("learning_staff:action", args=[submitted.pk])).content.decode()
    link = reverse("learning:file_download", args=[submitted.pk, stored.pk])
    assert f'href="{link}"' in body and "Evaluation report" in body
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")
