from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Pledges and reports")

    def ready(self):
        from campaign.outbox.signals import delivery_settled
        from pledges.announcements.services import on_delivery_settled

        # An announcement follows its deliveries; the outbox does not know announcements.
        delivery_settled.connect(on_delivery_settled, dispatch_uid="announcement-progress")
