"""The root URLconf: where each feature is mounted.

It is the one module of the project package that names the features above it, since it
composes them; nothing imports it back.
"""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts.access import is_campaign_admin
from campaign import health
from campaign.outbox import urls as outbox_urls
from campaign.public import urls as public_urls
from pledges.reports import urls as report_urls

# The admin signs in through allauth, so it gets email verification, rate limits and MFA;
# a signed-in non-staff user is refused rather than shown Django's own password form.
admin.site.login = secure_admin_login(admin.site.login)
# Its gate is the staff rule of the access layer, second factor included (campaign/admin_base.py
# relies on it).
admin.site.has_permission = lambda request: is_campaign_admin(request.user)
admin.site.site_header = "Cities for Migration"
admin.site.site_title = "Cities for Migration"

# Routes without a language prefix: machines call them.
urlpatterns = [
    path("health/", health.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("unsubscribe/", include((outbox_urls.unsubscribe_patterns, "unsubscribe"))),
    path("calendar/", include(report_urls.feed_patterns)),
    path("", include(public_urls.urlpatterns)),
]

urlpatterns += i18n_patterns(
    path("", include(public_urls.site_patterns)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("pledges/", include("pledges.urls")),
    path("monitoring/", include("pledges.monitoring.urls")),
    path("learning/", include("pledges.learning.urls")),
    path("reports/calendar/", include((report_urls.calendar_patterns, "calendar"))),
    path("reports/", include((report_urls.report_patterns, "reports"))),
    path("", include(outbox_urls.urlpatterns)),
    path("staff/announcements/", include("pledges.announcements.urls")),
    path("staff/learning/", include("pledges.learning.staff.urls")),
    path("staff/", include("pledges.staff.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Our own error pages (campaign/errors.py; templates/400.html, 403.html, 404.html): 500 is a
# view, since it tells an unreachable database (503, or the last good copy of a public page)
# and refused input (400) from a fault of ours.
handler500 = "campaign.errors.server_error"
# allauth looks for this name here for its rate limits' answer.
handler429 = "campaign.errors.too_many_requests"
