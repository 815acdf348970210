"""The officials' hub card of peer review: what waits for the user's municipalities."""

from typing import Any

from django import template

from ..services import reviews as services

register = template.Library()


@register.simple_tag(takes_context=True)
def review_counts(context: Any) -> dict[str, int]:
    """Reviews to give, to answer and to agree to, for the request's user."""
    request = context.get("request")
    return services.awaiting(getattr(request, "user", None))
