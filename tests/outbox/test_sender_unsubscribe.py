"""Non-essential mail to a bare address whose sender keeps its own list (a city's followers,
who have no account): allowed only with the sender's own one-click unsubscribe address,
which the List-Unsubscribe headers and the visible link then carry."""

import pytest
from django.test import TestCase

from campaign.outbox.emails import queue_email
from campaign.outbox.models import EmailDelivery, EmailOptOut
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "https://pledge.example.org/en/follow/unsubscribe/some-secret-token/"
CONTEXT = {
    "subject": "News of Mechelen",
    "body": "Mechelen published its report.",
    "announcement_language": "en",
    "campaign_title": "Cities for the rights of migrants",
}


def test_a_bare_address_needs_the_senders_unsubscribe_address():
    with pytest.raises(ValueError, match="bare address"):
        queue_email(template="announcement", to_email="reader@example.net", category="digest")
    with pytest.raises(ValueError, match="transactional"):
        queue_email(template="announcement", to_email="reader@example.net", unsubscribe_url=LIST_URL)
    user = UserFactory()
    with pytest.raises(ValueError, match="outbox's own link"):
        queue_email(template="announcement", to_user_id=user.pk, category="digest", unsubscribe_url=LIST_URL)
    assert not EmailDelivery.objects.exists()


def test_headers_and_visible_link_point_to_the_senders_list(mailoutbox):
    with TestCase.captureOnCommitCallbacks(execute=True):
        row = queue_email(
            template="announcement",
            to_email="reader@example.net",
            context={**CONTEXT, "language": "fr"},
            category="digest",
            unsubscribe_url=LIST_URL,
        )
    row.refresh_from_db()
    assert (row.status, row.recipient_id, row.language) == (EmailDelivery.Status.SENT, None, "fr")
    message = mailoutbox[0]
    headers = message.message()
    assert headers["List-Unsubscribe"] == f"<{LIST_URL}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.body.count(LIST_URL) == 1
    html = message.alternatives[0][0]
    assert html.count(f'href="{LIST_URL}"') == 1
    assert '<html lang="fr"' in html
    # No account, so neither the account sentence nor the preferences page.
    assert "/email-preferences/" not in message.body and "/email-preferences/" not in html


def test_a_users_opt_out_does_not_stop_a_list_they_joined_by_address(mailoutbox):
    """The outbox's opt-outs are per account; a bare address's list is its sender's."""
    user = UserFactory(email="reader@example.net")
    EmailOptOut.objects.create(user=user, category="digest")
    with TestCase.captureOnCommitCallbacks(execute=True):
        queue_email(
            template="announcement",
            to_email="reader@example.net",
            context=CONTEXT,
            category="digest",
            unsubscribe_url=LIST_URL,
        )
    assert len(mailoutbox) == 1
