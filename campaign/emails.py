"""Every email the product sends goes through here.

`queue_email` is called inside a service's transaction: the message is handed to Celery
only once that transaction commits, so a rolled-back change sends nothing. The task
renders the templates in the recipient's preferred language:

    templates/emails/<name>_subject.txt
    templates/emails/<name>_message.txt
    templates/emails/<name>_message.html   (optional)
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)


def queue_email(*, template: str, to_user_id: int | None = None, to_email: str = "", context: dict | None = None):
    """Send `template` to a user (in their language) or to a bare address, after commit.

    The context must be JSON-serialisable: it crosses the broker.
    """
    from .tasks import send_templated_email

    payload = {"template": template, "to_user_id": to_user_id, "to_email": to_email, "context": context or {}}
    transaction.on_commit(lambda: send_templated_email.delay(**payload))


def render_email(*, template: str, language: str, context: dict) -> tuple[str, str, str | None]:
    context = {"SITE_NAME": "Cities for Migration", "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        subject = " ".join(subject.split())
        text = render_to_string(f"emails/{template}_message.txt", context)
        try:
            html = render_to_string(f"emails/{template}_message.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, text, html


def build_email(*, template: str, to_user_id: int | None, to_email: str, context: dict) -> EmailMultiAlternatives:
    # A bare address (an invitation) is written in the language the caller chose.
    language = context.get("language") or settings.LANGUAGE_CODE
    if to_user_id:
        user = get_user_model().objects.get(pk=to_user_id)
        to_email = user.email
        language = user.preferred_language or language
        context = {"recipient_name": user.get_full_name(), **context}
    context = {**context, "language": language}
    subject, text, html = render_email(template=template, language=language, context=context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to_email])
    if html:
        message.attach_alternative(html, "text/html")
    return message
