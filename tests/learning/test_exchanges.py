"""Exchanges: a city asks to learn from another city's published local action; the author
accepts (both contacts are then shared) or declines; the asker may withdraw. Through the
services and through HTTP, with the privacy of contacts before acceptance and the rate
limit counted in the database."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Municipality
from campaign.outbox.models import EmailDelivery
from pledges.learning.models import ExchangeRequest, HistoryEntry, LocalAction
from pledges.learning.services import exchanges as services
from tests.factories import MunicipalityFactory, UserFactory, approve_official
from tests.learning.moderation_world import make_action

# Words that must never show before acceptance: the asker's and the author's contacts.
ASKER_NAME = "Bruna Contactperson-7731"
ASKER_EMAIL = "bruna.private-7731@lyon.fr"
AUTHOR_NAME = "Aart Contactperson-5519"
AUTHOR_EMAIL = "aart.private-5519@mechelen.be"
MESSAGE = "Lyon would like to open a welcome desk too: how did you staff it?"


@dataclass
class XWorld:
    campaign: Any
    city_a: Municipality
    city_b: Municipality
    official_a: Any
    official_b: Any
    action: LocalAction


@pytest.fixture
def xworld(campaign, city_a, city_b, official_a, official_b):
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Welcome desk")
    return XWorld(campaign, city_a, city_b, official_a, official_b, action)


def ask(w: XWorld, *, actor=None, action=None, requester=None, **overrides) -> ExchangeRequest:
    data = {
        "message": MESSAGE,
        "contact_name": ASKER_NAME,
        "contact_role": "Welcome office",
        "contact_email": ASKER_EMAIL,
    }
    data.update(overrides)
    return services.exchange_ask(
        actor=actor or w.official_b, action=action or w.action, requester=requester or w.city_b, **data
    )


def accept(w: XWorld, exchange, **overrides) -> ExchangeRequest:
    data = {"answer": "Gladly.", "contact_name": AUTHOR_NAME, "contact_role": "", "contact_email": AUTHOR_EMAIL}
    data.update(overrides)
    return services.exchange_accept(actor=w.official_a, exchange=exchange, **data)


def deliveries(template):
    return list(EmailDelivery.objects.filter(template=template))


def assert_no_contact(text: str):
    for secret in (ASKER_NAME, ASKER_EMAIL, AUTHOR_NAME, AUTHOR_EMAIL):
        assert secret not in text, secret


# --- services ---------------------------------------------------------------------------------


def test_asking_records_and_tells_the_author_without_the_askers_contact(xworld, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exchange = ask(xworld)
    assert exchange.status == ExchangeRequest.Status.PENDING
    assert exchange.requested_by == xworld.official_b
    assert HistoryEntry.objects.filter(
        verb=HistoryEntry.Verb.EXCHANGE_ASKED, exchange=exchange, municipality=xworld.city_b
    ).exists()
    (email,) = deliveries(services.ASKED_TEMPLATE)
    assert email.recipient_id == xworld.official_a.pk
    assert email.context["message"] == MESSAGE
    assert email.context["requester"] == "Lyon"
    assert_no_contact(repr(email.context))


def test_the_asked_email_renders_the_message_and_a_link_but_no_contact(
    xworld, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        exchange = ask(xworld)
    (sent,) = [m for m in mailoutbox if xworld.official_a.email in m.to]
    html = "".join(str(a[0]) for a in getattr(sent, "alternatives", []))
    assert "Lyon" in sent.subject and "Welcome desk" in sent.subject
    assert MESSAGE in sent.body
    assert reverse("learning:exchange", kwargs={"pk": exchange.pk}) in sent.body
    assert_no_contact(sent.subject + sent.body + html)


def test_a_city_cannot_ask_about_its_own_action(xworld):
    with pytest.raises(ValidationError) as caught:
        ask(xworld, actor=xworld.official_a, requester=xworld.city_a)
    assert "requester" in caught.value.error_dict


def test_only_a_published_action_can_be_asked_about(xworld):
    draft = make_action(xworld.campaign, xworld.city_a, state=LocalAction.State.SUBMITTED, title="Not yet")
    with pytest.raises(ValidationError):
        ask(xworld, action=draft)
    assert not ExchangeRequest.objects.exists()


def test_one_must_act_for_the_asking_municipality(xworld):
    stranger = UserFactory(email="stranger@example.org")
    with pytest.raises(PermissionDenied):
        ask(xworld, actor=stranger)


def test_a_second_pending_request_is_refused_until_the_first_is_withdrawn(xworld):
    first = ask(xworld)
    with pytest.raises(ValidationError) as caught:
        ask(xworld)
    assert caught.value.code == "pending"
    services.exchange_withdraw(actor=xworld.official_b, exchange=first)
    second = ask(xworld)
    assert second.status == ExchangeRequest.Status.PENDING
    assert ExchangeRequest.objects.count() == 2


def test_the_message_and_contact_are_checked_by_field(xworld):
    with pytest.raises(ValidationError) as caught:
        ask(xworld, message="   ", contact_name="", contact_email="not-an-address")
    assert set(caught.value.error_dict) == {"message", "contact_name", "contact_email"}
    with pytest.raises(ValidationError) as caught:
        ask(xworld, message="x" * (services.MAX_MESSAGE_LENGTH + 1))
    assert "message" in caught.value.error_dict


def _published_actions(w: XWorld, n: int) -> list[LocalAction]:
    return [make_action(w.campaign, w.city_a, state=LocalAction.State.PUBLISHED, title=f"Action {i}") for i in range(n)]


def _age(exchanges, hours: float):
    ExchangeRequest.objects.filter(pk__in=[e.pk for e in exchanges]).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_an_official_may_ask_five_times_in_24_hours(xworld):
    actions = _published_actions(xworld, services.RATE_PER_OFFICIAL + 1)
    made = [ask(xworld, action=a) for a in actions[:-1]]
    _age(made[:1], hours=23)  # the oldest one still counts: it leaves the window in an hour
    with pytest.raises(ValidationError) as caught:
        ask(xworld, action=actions[-1])
    assert caught.value.code == "rate_limited"
    assert "ask again after" in caught.value.messages[0]
    assert ExchangeRequest.objects.count() == services.RATE_PER_OFFICIAL
    # A colleague of the same city still may (the municipality's limit is higher).
    colleague = UserFactory(email="colleague@lyon.fr")
    approve_official(colleague, xworld.city_b)
    ask(xworld, actor=colleague, action=actions[-1])


def test_requests_older_than_24_hours_no_longer_count(xworld):
    actions = _published_actions(xworld, services.RATE_PER_OFFICIAL + 1)
    made = [ask(xworld, action=a) for a in actions[:-1]]
    _age(made[:1], hours=24.5)
    assert ask(xworld, action=actions[-1]).pk


def test_a_municipality_may_ask_twenty_times_in_24_hours(xworld):
    limit = services.RATE_PER_MUNICIPALITY
    actions = _published_actions(xworld, limit + 1)
    officials = []
    for i in range(limit // services.RATE_PER_OFFICIAL + 1):
        user = UserFactory(email=f"official{i}@lyon.fr")
        approve_official(user, xworld.city_b)
        officials.append(user)
    for i, action in enumerate(actions[:-1]):
        ask(xworld, actor=officials[i // services.RATE_PER_OFFICIAL], action=action)
    with pytest.raises(ValidationError) as caught:
        ask(xworld, actor=officials[-1], action=actions[-1])
    assert caught.value.code == "rate_limited"
    assert "Your municipality" in caught.value.messages[0]


def test_withdrawn_requests_still_count_towards_the_limit(xworld):
    actions = _published_actions(xworld, services.RATE_PER_OFFICIAL + 1)
    for action in actions[:-1]:
        services.exchange_withdraw(actor=xworld.official_b, exchange=ask(xworld, action=action))
    with pytest.raises(ValidationError):
        ask(xworld, action=actions[-1])


def test_accepting_shares_both_contacts_and_tells_the_asker_the_authors(xworld, django_capture_on_commit_callbacks):
    exchange = ask(xworld)
    a_ids, b_ids = {xworld.city_a.pk}, {xworld.city_b.pk}
    assert services.exchange_contacts(exchange, a_ids) == {}
    assert services.exchange_contacts(exchange, b_ids) == {}
    with django_capture_on_commit_callbacks(execute=True):
        exchange = accept(xworld, exchange)
    assert exchange.status == ExchangeRequest.Status.ACCEPTED
    assert exchange.answered_by == xworld.official_a
    assert services.exchange_contacts(exchange, b_ids) == {
        "author": {"name": AUTHOR_NAME, "role": "", "email": AUTHOR_EMAIL}
    }
    assert services.exchange_contacts(exchange, a_ids)["requester"]["email"] == ASKER_EMAIL
    assert services.exchange_contacts(exchange, set()) == {}
    (email,) = deliveries(services.ACCEPTED_TEMPLATE)
    assert email.recipient_id == xworld.official_b.pk
    assert email.context["contact_email"] == AUTHOR_EMAIL
    assert ASKER_EMAIL not in repr(email.context)
    assert HistoryEntry.objects.filter(verb=HistoryEntry.Verb.EXCHANGE_ACCEPTED, exchange=exchange).exists()


def test_declining_shares_no_contact(xworld, django_capture_on_commit_callbacks):
    exchange = ask(xworld)
    with django_capture_on_commit_callbacks(execute=True):
        exchange = services.exchange_decline(actor=xworld.official_a, exchange=exchange, answer="Not this year.")
    assert exchange.status == ExchangeRequest.Status.DECLINED
    assert services.exchange_contacts(exchange, {xworld.city_a.pk, xworld.city_b.pk}) == {}
    (email,) = deliveries(services.DECLINED_TEMPLATE)
    assert email.context["answer"] == "Not this year."
    assert_no_contact(repr(email.context))


def test_only_the_authors_officials_answer_and_only_once(xworld):
    exchange = ask(xworld)
    with pytest.raises(PermissionDenied):
        services.exchange_accept(
            actor=xworld.official_b, exchange=exchange, contact_name="Me", contact_email="me@lyon.fr"
        )
    with pytest.raises(PermissionDenied):
        services.exchange_decline(actor=xworld.official_b, exchange=exchange)
    with pytest.raises(PermissionDenied):
        services.exchange_withdraw(actor=xworld.official_a, exchange=exchange)
    accept(xworld, exchange)
    with pytest.raises(ValidationError):
        services.exchange_decline(actor=xworld.official_a, exchange=exchange)
    with pytest.raises(ValidationError):
        services.exchange_withdraw(actor=xworld.official_b, exchange=exchange)


def test_accepting_needs_the_authors_contact(xworld):
    exchange = ask(xworld)
    with pytest.raises(ValidationError) as caught:
        accept(xworld, exchange, contact_name="", contact_email="")
    assert set(caught.value.error_dict) == {"contact_name", "contact_email"}
    exchange.refresh_from_db()
    assert exchange.status == ExchangeRequest.Status.PENDING


# --- HTTP -------------------------------------------------------------------------------------


def _ask_url(w):
    return reverse("learning:exchange_ask", kwargs={"action_pk": w.action.pk})


def _ask_post(w, **overrides):
    data = {
        "requester": w.city_b.pk,
        "message": MESSAGE,
        "contact_name": ASKER_NAME,
        "contact_role": "Welcome office",
        "contact_email": ASKER_EMAIL,
    }
    data.update(overrides)
    return data


def test_the_ask_form_is_prefilled_with_the_officials_name_and_email(client, xworld):
    client.force_login(xworld.official_b)
    page = client.get(_ask_url(xworld)).content.decode()
    assert 'value="Bruno Official"' in page
    assert 'value="focal@lyon.fr"' in page
    assert 'type="hidden" name="requester"' in page  # one municipality: nothing to choose


def test_an_official_of_several_cities_chooses_which_asks(client, xworld):
    other = MunicipalityFactory(name="Grenoble", country="FR")
    approve_official(xworld.official_b, other)
    client.force_login(xworld.official_b)
    page = client.get(_ask_url(xworld)).content.decode()
    assert '<select name="requester"' in page
    assert "Grenoble" in page
    client.post(_ask_url(xworld), _ask_post(xworld, requester=other.pk))
    assert ExchangeRequest.objects.get().requester == other


def test_a_bad_request_redisplays_the_form_with_the_errors_and_what_was_typed(client, xworld):
    client.force_login(xworld.official_b)
    response = client.post(_ask_url(xworld), _ask_post(xworld, message="", contact_email="nope"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say what your municipality would like to learn." in page
    assert "Enter a valid email address." in page
    assert ASKER_NAME in page  # kept as typed
    assert not ExchangeRequest.objects.exists()


def test_the_rate_limit_is_a_clear_error_on_the_form(client, xworld):
    for action in _published_actions(xworld, services.RATE_PER_OFFICIAL):
        ask(xworld, action=action)
    client.force_login(xworld.official_b)
    response = client.post(_ask_url(xworld), _ask_post(xworld))
    assert response.status_code == 200
    assert "You can ask again after" in response.content.decode()
    assert ExchangeRequest.objects.count() == services.RATE_PER_OFFICIAL


def test_the_authors_own_officials_are_told_they_cannot_ask(client, xworld):
    client.force_login(xworld.official_a)
    response = client.get(_ask_url(xworld))
    assert response.status_code == 403
    assert "Only an approved official of another municipality" in response.content.decode()
    assert client.post(_ask_url(xworld), _ask_post(xworld, requester=xworld.city_a.pk)).status_code == 403
    assert not ExchangeRequest.objects.exists()


def test_the_whole_exchange_through_the_pages_keeps_contacts_private_until_accepted(client, xworld, mailoutbox):
    client.force_login(xworld.official_b)
    response = client.post(_ask_url(xworld), _ask_post(xworld))
    exchange = ExchangeRequest.objects.get()
    assert response["Location"] == reverse("learning:exchange", kwargs={"pk": exchange.pk})
    detail = reverse("learning:exchange", kwargs={"pk": exchange.pk})

    # Before acceptance: no contact on either side's pages, the public page, the API, the emails.
    b_page = client.get(detail).content.decode()
    assert MESSAGE in b_page
    assert_no_contact(b_page)
    assert_no_contact(client.get(reverse("learning:exchanges")).content.decode())
    client.force_login(xworld.official_a)
    a_page = client.get(detail).content.decode()
    assert MESSAGE in a_page and "Lyon" in a_page
    assert_no_contact(a_page.replace('value="Anna Official"', ""))
    assert_no_contact(client.get(reverse("learning:exchanges")).content.decode())
    client.logout()
    public = client.get(reverse("library:detail", kwargs={"pk": xworld.action.pk}))
    assert public.status_code == 200
    assert_no_contact(public.content.decode())
    assert reverse("learning:exchange_ask", kwargs={"action_pk": xworld.action.pk}) in public.content.decode()
    api = client.get(reverse("api-action-detail", kwargs={"pk": xworld.action.pk}))
    assert api.status_code == 200
    assert_no_contact(api.content.decode())
    for message in mailoutbox:
        assert_no_contact(message.subject + message.body)

    # The author accepts with a contact: now each side sees the other's.
    client.force_login(xworld.official_a)
    response = client.post(
        reverse("learning:exchange_accept", kwargs={"pk": exchange.pk}),
        {"accept-answer": "Gladly", "accept-contact_name": AUTHOR_NAME, "accept-contact_email": AUTHOR_EMAIL},
    )
    assert response.status_code == 302
    a_page = client.get(detail).content.decode()
    assert ASKER_EMAIL in a_page and ASKER_NAME in a_page
    client.force_login(xworld.official_b)
    b_page = client.get(detail).content.decode()
    assert AUTHOR_EMAIL in b_page and AUTHOR_NAME in b_page
    # Still nothing public.
    client.logout()
    assert_no_contact(client.get(reverse("api-action-detail", kwargs={"pk": xworld.action.pk})).content.decode())


def test_accepting_without_a_contact_redisplays_the_form(client, xworld):
    exchange = ask(xworld)
    client.force_login(xworld.official_a)
    response = client.post(
        reverse("learning:exchange_accept", kwargs={"pk": exchange.pk}),
        {"accept-answer": "Typed answer kept", "accept-contact_name": "", "accept-contact_email": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the name of a contact person." in page
    assert "Typed answer kept" in page
    exchange.refresh_from_db()
    assert exchange.status == ExchangeRequest.Status.PENDING


def test_declining_and_withdrawing_through_the_pages(client, xworld):
    first = ask(xworld)
    client.force_login(xworld.official_a)
    client.post(reverse("learning:exchange_decline", kwargs={"pk": first.pk}), {"decline-answer": "Not now"})
    first.refresh_from_db()
    assert first.status == ExchangeRequest.Status.DECLINED and first.answer == "Not now"
    second = ask(xworld)
    client.force_login(xworld.official_b)
    client.post(reverse("learning:exchange_withdraw", kwargs={"pk": second.pk}))
    second.refresh_from_db()
    assert second.status == ExchangeRequest.Status.WITHDRAWN
    page = client.get(reverse("learning:exchanges")).content.decode()
    assert "Declined" in page and "Withdrawn" in page
    # Withdrawing twice says why, and changes nothing.
    response = client.post(reverse("learning:exchange_withdraw", kwargs={"pk": second.pk}), follow=True)
    assert "already been answered or withdrawn" in response.content.decode()


def test_the_inbox_lists_received_and_sent_requests(client, xworld):
    exchange = ask(xworld)
    client.force_login(xworld.official_a)
    page = client.get(reverse("learning:exchanges")).content.decode()
    assert f'id="received-{exchange.pk}"' in page
    client.force_login(xworld.official_b)
    page = client.get(reverse("learning:exchanges")).content.decode()
    assert f'id="sent-{exchange.pk}"' in page


def _render(template_text: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template(template_text).render(Context({"request": request, **context}))


def test_the_hub_cards_count_what_waits(xworld):
    ask(xworld)
    card = _render('{% include "learning/exchanges/hub_card.html" %}', xworld.official_a)
    assert "1 request waiting for your answer" in card
    assert reverse("learning:exchanges") in card
    card = _render('{% include "learning/exchanges/hub_card.html" %}', xworld.official_b)
    assert "0 requests waiting for your answer" in card
    assert "1 request of yours waiting for an answer" in card


def test_the_ask_link_is_the_same_for_everyone(xworld):
    link = _render('{% include "learning/exchanges/ask_link.html" %}', None, action=xworld.action)
    assert reverse("learning:exchange_ask", kwargs={"action_pk": xworld.action.pk}) in link
    assert "Learn from this action" in link
