"""The accessibility statement (/<lang>/accessibility/): what was tested, with which tools,
the known gaps, how to report a barrier, and when the site was last reviewed.

Update ``LAST_REVIEWED`` and the template's lists at each review (tests/e2e/test_axe.py and
tests/e2e/test_reflow.py are the automated part of it).
"""

from datetime import date
from email.utils import parseaddr

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The day of the last review of the whole site against WCAG 2.1 AA.
LAST_REVIEWED = date(2026, 12, 3)


def contact_email() -> str:
    """ACCESSIBILITY_CONTACT_EMAIL, or else the address of DEFAULT_FROM_EMAIL."""
    return settings.ACCESSIBILITY_CONTACT_EMAIL or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/accessibility.html",
        {"contact_email": contact_email(), "last_reviewed": LAST_REVIEWED},
    )
