from .access import has_second_factor, lacks_required_second_factor, redirect_to_second_factor_setup


def user_has_mfa(user):
    """For the profile page: whether the account has set up TOTP (accounts/access.py decides)."""
    return has_second_factor(user)


class StaffMFARequiredMiddleware:
    """Sends staff without a required second factor from the Django admin to the TOTP
    set-up page, with a message that says why.

    A courtesy only: the power is the access layer's. ``is_campaign_admin`` (the admin's
    gate, every view, service and query) already refuses them, and the staff pages'
    ``staff_required`` sends them to the same place. The admin has no such decorator, so
    its views (found by their URL namespace, whatever the prefix) are caught here, before
    its own login form would ask for a password the account already gave.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.app_names:
            return None
        if lacks_required_second_factor(getattr(request, "user", None)):
            return redirect_to_second_factor_setup(request)
        return None
