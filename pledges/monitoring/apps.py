from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Monitoring and evaluation: indicators, baselines, targets, values and the means of
    implementation of each chosen commitment (the Mechelen annex's second and third parts)."""

    name = "pledges.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and evaluation")
