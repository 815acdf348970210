"""The access layer's predicates for templates: ``{% load access_tags %}``.

``{% if user|is_campaign_admin %}`` shows the campaign team's menu and links only to whom
the views would let in (staff without a required second factor included out), and
``{% if user|lacks_required_second_factor %}`` offers those staff the TOTP set-up page.
"""

from typing import Any

from django import template

from accounts import access

register = template.Library()


@register.filter
def is_campaign_admin(user: Any) -> bool:
    return access.is_campaign_admin(user)


@register.filter
def lacks_required_second_factor(user: Any) -> bool:
    return access.lacks_required_second_factor(user)
