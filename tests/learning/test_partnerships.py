"""Partnerships: a signatory proposes a tie to another signatory of the same campaign; the
partner confirms or declines; either side ends it once confirmed. Services and pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaign.outbox.models import EmailDelivery
from campaign.outbox.rendering import render_email
from pledges.learning import rules
from pledges.learning.models import HistoryEntry, Partnership
from pledges.learning.services import partnerships as services
from tests.builders import make_pledge
from tests.factories import MunicipalityFactory, UserFactory, approve_official
from tests.learning.test_exchanges import _render

KIND = Partnership.Kind.TWINNING


@pytest.fixture
def pworld(campaign, city_a, city_b, official_a, official_b, verified_pledge_a):
    make_pledge(campaign, city_b, "verified", official=official_b)
    return campaign


def propose(campaign, actor, proposer, partner, kind=KIND, description="Sister cities since 1990."):
    return services.partnership_propose(
        actor=actor, campaign=campaign, proposer=proposer, partner=partner, kind=kind, description=description
    )


def test_proposing_tells_the_partner_and_confirming_makes_it_public(
    pworld, city_a, city_b, official_a, official_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partnership = propose(pworld, official_a, city_a, city_b)
    assert partnership.status == Partnership.Status.PROPOSED
    assert not rules.public_partnerships().exists()
    (email,) = EmailDelivery.objects.filter(template=services.PROPOSED_TEMPLATE)
    assert email.recipient_id == official_b.pk
    with django_capture_on_commit_callbacks(execute=True):
        partnership = services.partnership_confirm(actor=official_b, partnership=partnership)
    assert partnership.status == Partnership.Status.CONFIRMED
    assert list(rules.public_partnerships()) == [partnership]
    (answer,) = EmailDelivery.objects.filter(template=services.ANSWERED_TEMPLATE)
    assert answer.recipient_id == official_a.pk and answer.context["status"] == "confirmed"
    verbs = set(HistoryEntry.objects.filter(partnership=partnership).values_list("verb", flat=True))
    assert verbs == {HistoryEntry.Verb.PARTNERSHIP_PROPOSED, HistoryEntry.Verb.PARTNERSHIP_CONFIRMED}


def test_only_the_partner_answers(pworld, city_a, city_b, official_a, official_b):
    partnership = propose(pworld, official_a, city_a, city_b)
    with pytest.raises(PermissionDenied):
        services.partnership_confirm(actor=official_a, partnership=partnership)
    with pytest.raises(PermissionDenied):
        services.partnership_decline(actor=official_a, partnership=partnership)
    declined = services.partnership_decline(actor=official_b, partnership=partnership)
    assert declined.status == Partnership.Status.DECLINED
    with pytest.raises(ValidationError):
        services.partnership_confirm(actor=official_b, partnership=partnership)


def test_either_side_ends_a_confirmed_partnership(pworld, city_a, city_b, official_a, official_b):
    partnership = propose(pworld, official_a, city_a, city_b)
    with pytest.raises(ValidationError):
        services.partnership_end(actor=official_a, partnership=partnership)  # not confirmed yet
    services.partnership_confirm(actor=official_b, partnership=partnership)
    with pytest.raises(PermissionDenied):
        services.partnership_end(actor=UserFactory(email="x@example.org"), partnership=partnership)
    ended = services.partnership_end(actor=official_a, partnership=partnership)
    assert ended.status == Partnership.Status.ENDED and ended.ended_at
    assert not rules.public_partnerships().exists()
    again = propose(pworld, official_b, city_b, city_a)  # ended: a new one may be proposed
    services.partnership_confirm(actor=official_a, partnership=again)
    assert services.partnership_end(actor=official_b, partnership=again).status == Partnership.Status.ENDED


def test_no_second_open_partnership_of_a_kind_in_either_order(pworld, city_a, city_b, official_a, official_b):
    propose(pworld, official_a, city_a, city_b)
    with pytest.raises(ValidationError) as caught:
        propose(pworld, official_b, city_b, city_a)
    assert "partner" in caught.value.error_dict
    other_kind = propose(pworld, official_b, city_b, city_a, kind=Partnership.Kind.COOPERATION)
    assert other_kind.pk


def test_the_rules_of_proposing(pworld, city_a, city_b, official_a, official_b):
    with pytest.raises(PermissionDenied):
        propose(pworld, official_b, city_a, city_b)
    with pytest.raises(ValidationError) as caught:
        propose(pworld, official_a, city_a, city_a)
    assert "partner" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        propose(pworld, official_a, city_a, None, kind="nonsense")
    assert set(caught.value.error_dict) == {"partner", "kind"}
    unsigned = MunicipalityFactory(name="Nowhere", country="IT")
    with pytest.raises(ValidationError) as caught:
        propose(pworld, official_a, city_a, unsigned)
    assert "partner" in caught.value.error_dict
    # A municipality without a verified pledge cannot propose either.
    official_c = UserFactory(email="focal@nowhere.it")
    approve_official(official_c, unsigned)
    with pytest.raises(ValidationError):
        propose(pworld, official_c, unsigned, city_a)
    assert not Partnership.objects.exists()


# --- HTTP -------------------------------------------------------------------------------------


def test_proposing_and_answering_through_the_page(client, pworld, city_a, city_b, official_a, official_b):
    client.force_login(official_a)
    page = client.get(reverse("learning:partnerships")).content.decode()
    assert '<select name="partner"' in page and "Lyon" in page
    assert 'type="hidden" name="proposer"' in page
    response = client.post(
        reverse("learning:partnership_propose"),
        {"proposer": city_a.pk, "campaign": pworld.pk, "partner": city_b.pk, "kind": KIND, "description": "Hi"},
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    page = client.get(reverse("learning:partnerships")).content.decode()
    assert "Waiting for the partner&#x27;s confirmation." in page or "Waiting for the partner" in page
    assert reverse("learning:partnership_confirm", kwargs={"pk": partnership.pk}) not in page

    client.force_login(official_b)
    page = client.get(reverse("learning:partnerships")).content.decode()
    assert reverse("learning:partnership_confirm", kwargs={"pk": partnership.pk}) in page
    client.post(reverse("learning:partnership_confirm", kwargs={"pk": partnership.pk}))
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.CONFIRMED
    page = client.get(reverse("learning:partnerships")).content.decode()
    assert reverse("learning:partnership_end", kwargs={"pk": partnership.pk}) in page


def test_a_bad_proposal_redisplays_the_form_with_errors(client, pworld, city_a, city_b, official_a):
    propose(pworld, official_a, city_a, city_b)
    client.force_login(official_a)
    response = client.post(
        reverse("learning:partnership_propose"),
        {"proposer": city_a.pk, "campaign": pworld.pk, "partner": city_b.pk, "kind": KIND, "description": "Kept text"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "already proposed or confirmed" in page
    assert "Kept text" in page
    response = client.post(reverse("learning:partnership_propose"), {"proposer": city_a.pk, "campaign": pworld.pk})
    assert response.status_code == 200
    assert "Choose the partner municipality." in response.content.decode()
    assert Partnership.objects.count() == 1


def test_a_city_without_a_verified_pledge_is_told_why_it_cannot_propose(client, campaign, city_b, official_b):
    client.force_login(official_b)
    page = client.get(reverse("learning:partnerships")).content.decode()
    assert "once its pledge is verified" in page
    assert client.post(reverse("learning:partnership_propose"), {"partner": "1"}).status_code == 404


def test_the_hub_card_counts_proposals_to_confirm(pworld, city_a, city_b, official_a, official_b):
    propose(pworld, official_a, city_a, city_b)
    card = _render('{% include "learning/partnerships/hub_card.html" %}', official_b)
    assert "1 partnership waiting for your confirmation" in card
    assert reverse("learning:partnerships") in card
    assert "0 partnerships" in _render('{% include "learning/partnerships/hub_card.html" %}', official_a)


EMAIL_CONTEXTS = {
    "learning_exchange_asked": {"message": "Tell us"},
    "learning_exchange_accepted": {
        "answer": "Yes",
        "contact_name": "Aart",
        "contact_role": "",
        "contact_email": "a@b.be",
    },
    "learning_exchange_declined": {"answer": ""},
    "learning_partnership_proposed": {"description": "Ties"},
    "learning_partnership_answered": {"status": "declined"},
}


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
@pytest.mark.parametrize("template", sorted(EMAIL_CONTEXTS))
def test_every_email_renders_in_every_language(db, template, language):
    context = {
        "language": language,
        "requester": "Lyon",
        "author": "Mechelen",
        "action_title": "Welcome desk",
        "exchange_id": 1,
        "proposer": "Lyon",
        "partner": "Mechelen",
        "kind": "Twinning",
        "campaign_title": "Cities",
        **EMAIL_CONTEXTS[template],
    }
    subject, text, html = render_email(template=template, language=language, context=context)
    assert subject.strip() and "\n" not in subject
    assert "Mechelen" in text and html and "Mechelen" in html
