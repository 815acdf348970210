"""Load the commitment catalogue (seeds/data/commitments.json) and the indicators of its
commitments (seeds/data/indicators.json) in every site language.

Each text of the catalogue is an object with one entry per language code; the loader fills
the modeltranslation field of each language in settings.LANGUAGES (title_en, title_ar, ...),
so a new language needs only its entries in the file. A language the file lacks stays empty
and falls back to English on the site.

Idempotent: commitments are matched by campaign and code, periods by campaign and English
label, the campaign by slug. Running it again updates the texts and creates nothing new.
A campaign's status is only set when the campaign is created: opening and closing are the
campaign team's decisions (campaign.services).

Indicators are the campaign's own (no municipality), matched by their commitment and their
code; one whose fields already match the file is not saved again, so a second run changes
nothing. An indicator the campaign team added in the admin is left alone.
"""

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign, Commitment, ReportingPeriod
from campaign.writes import write_batch
from pledges.monitoring.models import Indicator

CATALOGUE = Path(settings.BASE_DIR) / "seeds" / "data" / "commitments.json"
INDICATORS = Path(settings.BASE_DIR) / "seeds" / "data" / "indicators.json"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def read_catalogue(path: Path = CATALOGUE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_indicators(path: Path = INDICATORS) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _translated(field: str, texts: dict) -> dict:
    return {f"{field}_{code}": texts.get(code, "") for code in LANGUAGE_CODES}


def _campaign_fields(data: dict) -> dict:
    return {
        **_translated("title", data["title"]),
        **_translated("slogan", data.get("slogan", {})),
        **_translated("description", data.get("description", {})),
        "signing_opens": date.fromisoformat(data["signing_opens"]) if data.get("signing_opens") else None,
        "signing_closes": date.fromisoformat(data["signing_closes"]) if data.get("signing_closes") else None,
        "reporting_cadence": data.get("reporting_cadence", Campaign.Cadence.ANNUAL),
        "reminder_offsets": data.get("reminder_offsets", [-30, -7, -1, 7, 30]),
    }


def load_indicators(campaign: Campaign, path: Path = INDICATORS) -> tuple[int, int]:
    """Create or update the campaign's indicators from the file, for the commitments the
    campaign has (by code). Returns how many were created and updated."""
    commitments = {c.code: c for c in campaign.commitments.all()}
    existing = {
        (i.commitment_id, i.code): i for i in Indicator.objects.filter(commitment__campaign=campaign, municipality=None)
    }
    created_count = updated_count = 0
    for item in read_indicators(path)["indicators"]:
        commitment = commitments.get(item["commitment"])
        if commitment is None:
            continue
        fields = {
            "kind": item["kind"],
            "higher_is_better": bool(item.get("higher_is_better", True)),
            "gcm_objectives": item.get("gcm_objectives", []),
            "sdg_targets": item.get("sdg_targets", []),
            "order": item.get("order", 0),
            "language": "",
            **_translated("name", item["name"]),
            **_translated("guidance", item.get("guidance", {})),
            **_translated("unit", item.get("unit", {})),
        }
        indicator = existing.get((commitment.pk, item["code"]))
        created = indicator is None
        if indicator is None:
            indicator = Indicator(commitment=commitment, code=item["code"])
        elif all(getattr(indicator, name) == value for name, value in fields.items()):
            continue  # as the file says already: not saved again
        for name, value in fields.items():
            setattr(indicator, name, value)
        indicator.full_clean()
        indicator.save()
        if created:
            created_count += 1
        else:
            updated_count += 1
    return created_count, updated_count


@write_batch()
def load_catalogue(
    *, campaign_slug: str | None = None, path: Path = CATALOGUE, indicators_path: Path = INDICATORS
) -> dict:
    """Create or update the campaign, its reporting periods, its commitments and their
    indicators.

    With `campaign_slug`, the commitments go into that existing campaign and nothing else
    of it changes. Returns counts of what was created and updated.
    """
    catalogue = read_catalogue(path)
    stats = {
        "campaign_created": False,
        "commitments_created": 0,
        "commitments_updated": 0,
        "periods_created": 0,
        "periods_updated": 0,
        "indicators_created": 0,
        "indicators_updated": 0,
    }

    if campaign_slug and campaign_slug != catalogue["campaign"]["slug"]:
        try:
            campaign = Campaign.objects.get(slug=campaign_slug)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign with the slug {campaign_slug!r}.") from None
        periods = []
    else:
        data = catalogue["campaign"]
        fields = _campaign_fields(data)
        campaign = Campaign(slug=data["slug"], **fields)
        campaign.full_clean(exclude=["slug"], validate_unique=False)
        campaign, created = Campaign.objects.update_or_create(
            slug=data["slug"],
            defaults=fields,
            create_defaults={**fields, "status": data.get("status", Campaign.Status.DRAFT)},
        )
        stats["campaign_created"] = created
        periods = data.get("periods", [])

    for item in periods:
        label_en = item["label"]["en"]
        fields = {
            **_translated("label", item["label"]),
            "opens": date.fromisoformat(item["opens"]),
            "due": date.fromisoformat(item["due"]),
        }
        period = ReportingPeriod.objects.filter(campaign=campaign, label_en=label_en).first() or ReportingPeriod(
            campaign=campaign
        )
        is_new = period.pk is None
        for name, value in fields.items():
            setattr(period, name, value)
        period.full_clean()
        period.save()
        stats["periods_created" if is_new else "periods_updated"] += 1

    for item in catalogue["commitments"]:
        fields = {
            "theme": item["theme"],
            "is_required": bool(item.get("is_required")),
            "order": item.get("order", 0),
            "sdg_targets": item.get("sdg_targets", []),
            "gcm_objectives": item.get("gcm_objectives", []),
            "nua_paragraphs": item.get("nua_paragraphs", []),
            **_translated("title", item["title"]),
            **_translated("description", item.get("description", {})),
        }
        commitment = Commitment.objects.filter(campaign=campaign, code=item["code"]).first()
        created = commitment is None
        if created:
            commitment = Commitment(campaign=campaign, code=item["code"])
        for name, value in fields.items():
            setattr(commitment, name, value)
        commitment.full_clean()
        commitment.save()
        stats["commitments_created" if created else "commitments_updated"] += 1
    stats["indicators_created"], stats["indicators_updated"] = load_indicators(campaign, indicators_path)
    stats["campaign"] = campaign
    return stats


class Command(BaseCommand):
    help = "Load the commitment catalogue (in every site language) and its campaign. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--campaign",
            metavar="SLUG",
            help="Load the commitments into this existing campaign instead of the catalogue's own campaign.",
        )
        parser.add_argument("--file", type=Path, default=CATALOGUE, help="Catalogue file (JSON).")

    def handle(self, *args, **options):
        stats = load_catalogue(campaign_slug=options["campaign"], path=options["file"])
        campaign = stats["campaign"]
        verb = "created" if stats["campaign_created"] else "updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"Campaign “{campaign.title_en}” ({campaign.slug}) {verb}: "
                f"{stats['commitments_created']} commitments created, {stats['commitments_updated']} updated; "
                f"{stats['periods_created']} reporting periods created, {stats['periods_updated']} updated; "
                f"{stats['indicators_created']} indicators created, {stats['indicators_updated']} updated."
            )
        )
