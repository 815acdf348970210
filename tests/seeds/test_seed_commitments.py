from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from campaign.models import Campaign, Commitment, ReportingPeriod
from seeds.management.commands.seed_commitments import read_catalogue
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def counts():
    return Campaign.objects.count(), Commitment.objects.count(), ReportingPeriod.objects.count()


def test_seed_commitments_loads_the_catalogue_and_is_idempotent():
    catalogue = read_catalogue()
    out = StringIO()
    call_command("seed_commitments", stdout=out)
    assert counts() == (1, len(catalogue["commitments"]), len(catalogue["campaign"]["periods"]))
    assert f"{len(catalogue['commitments'])} commitments created" in out.getvalue()

    campaign = Campaign.objects.get(slug=catalogue["campaign"]["slug"])
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.reminder_offsets == [-30, -7, -1, 7, 30]
    assert campaign.slogan_fr == "Tous migrants, tous citoyens"
    rights = campaign.commitments.get(code="RIGHTS-1")
    assert rights.title_fr and rights.title_es and rights.description_es
    assert rights.is_required
    # Arabic lands in the _ar fields, and an Arabic reader sees it.
    entry = catalogue["commitments"][0]
    assert rights.title_ar == entry["title"]["ar"] and rights.description_ar == entry["description"]["ar"]
    assert campaign.title_ar == catalogue["campaign"]["title"]["ar"]
    assert campaign.slogan_ar == "كلّنا مهاجرون، كلّنا مواطنون"
    assert campaign.periods.filter(label_ar__startswith="عام ").count() == len(catalogue["campaign"]["periods"])
    with translation.override("ar"):
        assert rights.title == entry["title"]["ar"]
    with translation.override("fr"):
        assert rights.title == entry["title"]["fr"]

    # An admin edit of a text is put back; a status decision is kept.
    Commitment.objects.filter(pk=rights.pk).update(title_en="Edited")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    call_command("seed_commitments", stdout=StringIO())
    assert counts() == (1, len(catalogue["commitments"]), len(catalogue["campaign"]["periods"]))
    rights.refresh_from_db()
    campaign.refresh_from_db()
    assert rights.title_en == catalogue["commitments"][0]["title"]["en"]
    assert campaign.status == Campaign.Status.CLOSED


def test_seed_commitments_into_another_campaign():
    other = CampaignFactory(slug="regional-pledge", title_en="Regional pledge")
    call_command("seed_commitments", "--campaign", "regional-pledge", stdout=StringIO())
    call_command("seed_commitments", "--campaign", "regional-pledge", stdout=StringIO())
    assert other.commitments.count() == len(read_catalogue()["commitments"])
    assert other.periods.count() == 0
    other.refresh_from_db()
    assert other.title_en == "Regional pledge"
    assert Campaign.objects.count() == 1


def test_seed_commitments_refuses_an_unknown_campaign():
    with pytest.raises(CommandError, match="No campaign"):
        call_command("seed_commitments", "--campaign", "nope", stdout=StringIO())
