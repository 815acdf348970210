"""The read model of the public side: one row per public pledge (pledges/rules.py says
which), with what the public surfaces show, filter and sort by.

The write model stays the truth. campaign/public/projection.py keeps these rows in the same
transaction as the change that moves them (a pledge verified or withdrawn, a report
submitted, a municipality or a campaign edited), and `manage.py rebuild_public_signatories`
makes them all again from scratch.
"""

from django.db import models

from accounts.models import Municipality
from campaign.models import Campaign
from pledges.models import Pledge


class PublicSignatory(models.Model):
    pledge = models.OneToOneField(Pledge, on_delete=models.CASCADE, primary_key=True, related_name="public_row")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    campaign_slug = models.CharField(max_length=80)
    status = models.CharField(max_length=16)  # verified or withdrawn

    # the place
    name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200)  # case- and accent-folded, for ordering
    slug = models.SlugField(max_length=120)
    country = models.CharField(max_length=2)
    country_sort = models.CharField(max_length=100)  # the country's English name, folded
    continent = models.CharField(max_length=2)
    kind = models.CharField(max_length=20)
    population = models.PositiveBigIntegerField(null=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    time_zone = models.CharField(max_length=64)

    # the pledge
    signed_on = models.DateField(null=True)
    verified_at = models.DateTimeField()
    joined_on = models.DateField()  # verified_at's date in the city's time (pledges.rules.joined_on)
    withdrawn_at = models.DateTimeField(null=True)
    commitment_count = models.PositiveIntegerField()
    commitment_codes = models.JSONField(default=list)  # in the campaign's order

    # its reports
    reporting_state = models.CharField(max_length=16)  # pledges.rules.REPORTING_STATES
    reports_submitted = models.PositiveIntegerField()
    reports_late = models.PositiveIntegerField()
    last_report_at = models.DateTimeField(null=True)
    # When the reporting state may change by the calendar alone (the end of the next owed
    # due date): the refresh task recomputes the rows whose moment has come.
    state_changes_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "sort_name"], name="public_sig_status_name"),
            models.Index(fields=["status", "country_sort", "sort_name"], name="public_sig_status_country"),
            models.Index(fields=["status", "signed_on"], name="public_sig_status_signed"),
            models.Index(fields=["status", "population"], name="public_sig_status_population"),
            models.Index(fields=["status", "commitment_count"], name="public_sig_status_commitments"),
            models.Index(fields=["campaign", "status"], name="public_sig_campaign_status"),
            models.Index(fields=["country"], name="public_sig_country"),
            models.Index(fields=["continent"], name="public_sig_continent"),
            models.Index(fields=["reporting_state"], name="public_sig_reporting"),
            models.Index(fields=["state_changes_at"], name="public_sig_state_changes"),
            models.Index(fields=["slug"], name="public_sig_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.campaign_slug})"


class PublicProgress(models.Model):
    """Where a signatory stands on one chosen commitment: its status in the latest version
    of the report of its most recent period. One narrow row per signatory and commitment,
    so that the dashboard's progress chart is one GROUP BY, not thousands of JSON texts
    decoded. Kept with its signatory's row (projection.py)."""

    signatory = models.ForeignKey(PublicSignatory, on_delete=models.CASCADE, related_name="progress")
    commitment_id = models.PositiveIntegerField()  # the commitment's id, as the report froze it
    status = models.CharField(max_length=12)  # pledges.models.ProgressUpdate.Status

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signatory", "commitment_id"], name="public_progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.signatory_id}: {self.commitment_id} {self.status}"
