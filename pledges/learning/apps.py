from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Local actions and peer learning: what cities do (local actions, moderated and
    searchable), how they learn from each other (exchanges, partnerships, peer reviews) and
    the campaign's events where they meet."""

    name = "pledges.learning"
    label = "learning"
    verbose_name = _("Local actions and peer learning")
