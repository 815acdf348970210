"""An email's subject, text and HTML, rendered from its templates in one language:

templates/emails/<name>_subject.txt
templates/emails/<name>_message.txt
templates/emails/<name>_message.html   (optional; may extend emails/base_message.html)
"""

from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def render_email(*, template: str, language: str, context: dict[str, Any]) -> tuple[str, str, str | None]:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        subject = " ".join(subject.split())
        text = render_to_string(f"emails/{template}_message.txt", context)
        try:
            html = render_to_string(f"emails/{template}_message.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, text, html
