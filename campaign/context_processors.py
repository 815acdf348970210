from django.conf import settings


def site(request):
    """What every page's layout needs: the site's name and whether staff need MFA."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "STAFF_REQUIRE_MFA": settings.STAFF_REQUIRE_MFA,
    }
