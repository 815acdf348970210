"""Celery task of the public side: reporting states that change with the calendar alone."""

from celery import shared_task

from campaign.public import projection


@shared_task(acks_late=True, ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def refresh_public_reporting_states() -> int:
    """Recompute the rows whose reporting state may have changed since a due date passed."""
    return projection.refresh_due()
