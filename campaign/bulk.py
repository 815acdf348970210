"""One service call per selected item, for the staff pages' and the admin's bulk actions.

Each call is its own transaction (the services are atomic), so one refusal does not undo
the others; the person sees how many were done and, for each refusal, why.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def run_each(
    request: HttpRequest,
    items: Iterable[Any],
    act: Callable[[Any], Any],
    *,
    describe: Callable[[Any], str],
    done_message: Callable[[int], str],
) -> int:
    """Call ``act`` on each item; tell the person what was done and what was refused.
    Returns how many were done."""
    done, refused = 0, []
    for item in items:
        try:
            act(item)
        except (ValidationError, PermissionDenied) as error:
            refused.append(f"{describe(item)}: {refusal_text(error)}")
        else:
            done += 1
    if done:
        messages.success(request, done_message(done))
    if refused:
        messages.error(
            request,
            ngettext(
                "%(count)d could not be done: %(details)s",
                "%(count)d could not be done: %(details)s",
                len(refused),
            )
            % {"count": len(refused), "details": "; ".join(refused)},
        )
    return done
