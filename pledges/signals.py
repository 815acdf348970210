"""Signals the pledges layer sends, for features above it or beside it to follow without
being imported here."""

from django.dispatch import Signal

# Sent (inside the transaction) when a version of a report becomes public: at submission
# when its campaign does not review reports, or when a campaign admin publishes it.
# Arguments: ``version`` (pledges.models.ReportVersion).
report_published = Signal()
