from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import health, map_urls, opendata_urls

# The admin signs in through allauth, so it gets email verification, rate limits and MFA;
# a signed-in non-staff user is refused rather than shown Django's own password form.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Cities for Migration"
admin.site.site_title = "Cities for Migration"

# Routes without a language prefix: machines call them.
urlpatterns = [
    path("health/", health.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("campaign.api_urls")),
    path("unsubscribe/", include("campaign.unsubscribe_urls")),
    path("", include(map_urls.urlpatterns)),
    path("calendar/", include("pledges.calendar_feed_urls")),
    path("data/", include("campaign.opendata_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("campaign.site_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("pledges/", include("pledges.urls")),
    path("reports/calendar/", include("pledges.calendar_urls")),
    path("reports/", include("pledges.report_urls")),
    path("cities/", include("pledges.public_urls")),
    path("", include(map_urls.site_patterns)),
    path("dashboard/", include("campaign.dashboard_urls")),
    path("open-data/", include(opendata_urls.site_patterns)),
    path("staff/announcements/", include("campaign.announcement_urls")),
    path("email-preferences/", include("campaign.preferences_urls")),
    path("staff/", include("pledges.staff_urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
