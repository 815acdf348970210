from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Pledges and reports")

    def ready(self):
        from campaign.outbox.signals import delivery_settled
        from pledges.announcements.services import on_delivery_settled
        from pledges.following import on_report_published
        from pledges.signals import report_published

        # An announcement follows its deliveries; the outbox does not know announcements.
        delivery_settled.connect(on_delivery_settled, dispatch_uid="announcement-progress")
        # A city's followers hear of each report it publishes (pledges/following.py).
        report_published.connect(on_report_published, dispatch_uid="followers-report-published")
