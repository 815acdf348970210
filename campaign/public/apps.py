from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public read side: no models of its own, only what the public sees."""

    name = "campaign.public"
    label = "public"
    verbose_name = _("Public pages")
