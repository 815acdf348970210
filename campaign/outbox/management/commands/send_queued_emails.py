"""Hand again to Celery the email deliveries whose task may have been lost (broker down at
commit time, a retry lost); without REDIS_URL they are sent right here. Beat runs the same
job every ten minutes (the task itself, on the beat schedule)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from campaign.outbox.tasks import requeue_stale_deliveries


class Command(BaseCommand):
    help = "Send again the email deliveries left queued or retrying for too long."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many deliveries (default 500).")

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        count = requeue_stale_deliveries(limit=limit)
        self.stdout.write(f"{count} stale deliveries handed over.")
