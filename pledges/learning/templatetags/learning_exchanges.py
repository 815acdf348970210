"""The officials' hub cards of exchanges and partnerships: what waits for the user's
municipalities."""

from typing import Any

from django import template

from ..models import ExchangeRequest
from ..services import exchanges, partnerships

register = template.Library()


@register.simple_tag(takes_context=True)
def exchange_counts(context: Any) -> dict[str, int]:
    """Requests to answer, requests sent still waiting, partnerships to confirm."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "exchanges_to_answer": exchanges.waiting_count(user),
        "exchanges_sent_pending": exchanges.sent_for(user).filter(status=ExchangeRequest.Status.PENDING).count(),
        "partnerships_to_confirm": partnerships.waiting_count(user),
    }
