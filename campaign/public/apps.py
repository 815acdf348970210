from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public read side: its read model and what the public sees."""

    name = "campaign.public"
    label = "public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from accounts.models import Municipality
        from campaign.models import Campaign, Commitment, ReportingPeriod
        from campaign.public import projection
        from pledges.models import DelayRequest, Pledge, PledgeCommitment, ProgressReport, ReportVersion

        # The read model moves in the transaction of the change that moves it.
        for model, receiver in (
            (Pledge, projection.on_pledge_saved),
            (PledgeCommitment, projection.on_pledge_part_saved),
            (ProgressReport, projection.on_pledge_part_saved),
            (ReportVersion, projection.on_report_version_saved),
            (DelayRequest, projection.on_delay_request_saved),
            (Municipality, projection.on_municipality_saved),
            (Campaign, projection.on_campaign_saved),
            (Commitment, projection.on_campaign_part_saved),
            (ReportingPeriod, projection.on_campaign_part_saved),
        ):
            post_save.connect(receiver, sender=model, dispatch_uid=f"public-projection-{model.__name__}")

        self._retire_cached_pages_on_change()
        self._serve_last_good_copies_in_outages()

    @staticmethod
    def _serve_last_good_copies_in_outages() -> None:
        """The site's 500 handler serves a public page's last good copy when the database
        cannot answer (campaign/errors.py)."""
        from campaign import errors
        from campaign.public import cache

        if cache.last_good_page not in errors.stale_page_finders:
            errors.stale_page_finders.append(cache.last_good_page)

    @staticmethod
    def _retire_cached_pages_on_change() -> None:
        """Every save or delete of what the public sees bumps the version of the finished
        pages once its transaction commits (campaign/public/cache.py). Bulk ``update()``,
        ``bulk_create`` and ``bulk_update`` send no signal: the pages then turn within the
        quarter of an hour, or call ``bump_public_version()``."""
        from accounts.models import Municipality, MunicipalityName
        from campaign.models import Campaign, Commitment, ReportingPeriod
        from campaign.public import cache
        from pledges.learning.models import (
            CampaignEvent,
            ExchangeRequest,
            LocalAction,
            LocalActionFile,
            LocalActionResult,
            LocalActionTranslation,
            Partnership,
            PeerReview,
            PeerReviewFeedback,
        )
        from pledges.models import Pledge, PledgeCommitment, ProgressReport, ReportVersion
        from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation

        for model in (
            Indicator,  # the profile's charts and the dashboard's monitoring
            IndicatorTarget,
            MeansOfImplementation,
            Pledge,
            PledgeCommitment,
            ProgressReport,
            ReportVersion,
            Municipality,
            MunicipalityName,
            Campaign,
            Commitment,
            ReportingPeriod,
            # local actions and peer learning: the library, the profile, the events
            LocalAction,
            LocalActionTranslation,
            LocalActionFile,
            LocalActionResult,
            ExchangeRequest,
            Partnership,
            PeerReview,
            PeerReviewFeedback,
            CampaignEvent,
        ):
            for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
                signal.connect(
                    cache.public_data_changed, sender=model, dispatch_uid=f"public-cache-{name}-{model.__name__}"
                )
        # The commitments an action serves (the library's theme and commitment filters).
        m2m_changed.connect(
            cache.public_data_changed,
            sender=LocalAction.commitments.through,
            dispatch_uid="public-cache-m2m-LocalAction-commitments",
        )
