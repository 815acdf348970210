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
    commitment_mask = models.CharField(max_length=40, default="0")  # the map's "x" (map_data.py)

    # its reports
    reporting_state = models.CharField(max_length=16)  # pledges.rules.REPORTING_STATES
    reports_submitted = models.PositiveIntegerField()
    reports_late = models.PositiveIntegerField()
    last_report_at = models.DateTimeField(null=True)
    # When the reporting state may change by the calendar alone (the end of the next owed
    # due date): the refresh task recomputes the rows whose moment has come.
    state_changes_at = models.DateTimeField(null=True)

    # The signatory's record in the open data downloads, rendered when the row is kept
    # (campaign/public/opendata.py): a download is these texts joined, not 20,000 records
    # built per request.
    csv_row = models.TextField(default="")  # its line of signatories.csv
    json_record = models.TextField(default="")  # its object in signatories.json

    class Meta:
        indexes = [
            models.Index(fields=["status", "sort_name"], name="public_sig_status_name"),
            models.Index(fields=["status", "country_sort", "sort_name"], name="public_sig_status_country"),
            models.Index(fields=["status", "signed_on"], name="public_sig_status_signed"),
            models.Index(fields=["status", "population"], name="public_sig_status_population"),
            models.Index(fields=["status", "commitment_count"], name="public_sig_status_commitments"),
            models.Index(fields=["campaign", "status"], name="public_sig_campaign_status"),
            # covering the dashboard's groups by signing day and by time zone
            models.Index(fields=["campaign", "status", "signed_on"], name="public_sig_campaign_signed"),
            models.Index(fields=["campaign", "status", "time_zone", "joined_on"], name="public_sig_campaign_zone"),
            models.Index(fields=["country"], name="public_sig_country"),
            models.Index(fields=["continent"], name="public_sig_continent"),
            models.Index(fields=["reporting_state"], name="public_sig_reporting"),
            models.Index(fields=["state_changes_at"], name="public_sig_state_changes"),
            models.Index(fields=["slug"], name="public_sig_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.campaign_slug})"


class SignatoryCommitment(models.Model):
    """A commitment of a verified public signatory: whether it chose it, and its status in
    the latest version of the report of its most recent period ("" before any report).
    One narrow row per signatory and commitment, so that the dashboard adds up who chose
    what and where they stand in one GROUP BY on an index, not 20,000 JSON texts decoded
    nor the write model's tables joined. Kept with its signatory's row (projection.py);
    withdrawn signatories have none (the dashboard counts only the verified)."""

    signatory = models.ForeignKey(PublicSignatory, on_delete=models.CASCADE, related_name="commitments")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    commitment_id = models.PositiveIntegerField()  # the commitment's id, as the report froze it
    chosen = models.BooleanField()  # False: a report spoke of it, the pledge no longer has it
    status = models.CharField(max_length=12, blank=True)  # pledges.models.ProgressUpdate.Status, or ""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signatory", "commitment_id"], name="signatory_commitment_once"),
        ]
        indexes = [
            # covering the dashboard's GROUP BY
            models.Index(fields=["campaign", "commitment_id", "chosen", "status"], name="signatory_commitment_sums"),
        ]

    def __str__(self) -> str:
        return f"{self.signatory_id}: {self.commitment_id} {self.status}"


class SignatoryReport(models.Model):
    """A submitted report of a verified public signatory, with what the dashboard's
    reporting chart groups it by: its period, whether it was late, the city's time zone and
    whether the signatory owed that period (pledges.rules.owes). Kept with its signatory's
    row (projection.py), so that the chart is one GROUP BY on an index."""

    signatory = models.ForeignKey(PublicSignatory, on_delete=models.CASCADE, related_name="reports")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    period_id = models.PositiveIntegerField()
    is_late = models.BooleanField()
    time_zone = models.CharField(max_length=64)
    owed = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signatory", "period_id"], name="signatory_report_once"),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "period_id", "time_zone", "owed", "is_late"], name="signatory_report_sums"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signatory_id}: {self.period_id}"


class PublicReport(models.Model):
    """A submitted report of a public signatory, in its latest version, rendered for the
    open data downloads (its lines of reports.csv, its object in reports.json) when its
    signatory's row is kept (projection.py), with what the downloads filter and sort by."""

    report_id = models.PositiveIntegerField(primary_key=True)
    signatory = models.ForeignKey(PublicSignatory, on_delete=models.CASCADE, related_name="public_reports")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    period_due = models.DateField()
    name = models.CharField(max_length=200)  # the municipality's
    campaign_slug = models.CharField(max_length=80)
    csv_rows = models.TextField()  # one line per commitment reported on
    json_record = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["period_due", "name", "campaign_slug", "report_id"], name="public_report_order"),
            models.Index(fields=["campaign", "period_due", "name"], name="public_report_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.name} {self.period_due}"
