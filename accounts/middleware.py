from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# Pages reserved to staff. Paths are matched after the language prefix.
STAFF_PATH_PREFIXES = ("/admin/", "/staff/")


def _strip_language_prefix(path):
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def user_has_mfa(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFARequiredMiddleware:
    """Staff cannot open an admin or staff page until they have set up a second factor.

    They are sent to the TOTP set-up page instead, with a message that says why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_REQUIRE_MFA and self._needs_mfa(request):
            if not EmailAddress.objects.filter(user=request.user, verified=True).exists():
                # allauth sets up no second factor while an address is unverified.
                messages.warning(
                    request,
                    _("Staff accounts must verify their email address, then set up two-factor authentication."),
                )
                return redirect("account_email")
            messages.warning(
                request,
                _("Staff accounts must set up two-factor authentication before using the administration pages."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_mfa(request):
        user = getattr(request, "user", None)
        if not user or not user.is_authenticated or not user.is_staff:
            return False
        path = _strip_language_prefix(request.path_info)
        if not path.startswith(STAFF_PATH_PREFIXES):
            return False
        return not user_has_mfa(user)
