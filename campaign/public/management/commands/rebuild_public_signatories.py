"""Make the public read model again from the write model (campaign/public/projection.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from campaign.public import projection


class Command(BaseCommand):
    help = "Rebuild the read model of public signatories from scratch (or, with --due, only what a due date moved)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--due",
            action="store_true",
            help="Only the rows a due date may have changed since (what beat does every hour).",
        )

    def handle(self, *args: Any, due: bool, **options: Any) -> None:
        if due:
            self.stdout.write(f"{projection.refresh_due()} public signatories refreshed.")
        else:
            self.stdout.write(f"{projection.rebuild()} public signatories.")
