from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Municipality, User
from campaign.models import Campaign, Commitment, ReportingPeriod
from seeds.management.commands.seed_commitments import read_catalogue
from seeds.management.commands.seed_demo import NAMED_CITIES

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def snapshot():
    return {
        "users": User.objects.count(),
        "campaigns": Campaign.objects.count(),
        "commitments": Commitment.objects.count(),
        "periods": ReportingPeriod.objects.count(),
        "municipalities": Municipality.objects.count(),
    }


def test_seed_demo_from_scratch_and_again():
    out = StringIO()
    # A high threshold keeps the test quick; the named cities come in whatever their size.
    # The demo pledges and reports have their own test (test_seed_demo_pledges.py).
    call_command("seed_demo", "--min-population", "5000000", "--no-pledges", stdout=out)
    first = snapshot()
    text = out.getvalue()
    assert "admin@demo.example" in text and "official@demo.example" in text and "demo-pledge-2026" in text
    assert "Cities for Migration pledge" in text
    catalogue = read_catalogue()
    assert first["campaigns"] == 1
    assert first["commitments"] == len(catalogue["commitments"])
    assert first["periods"] == len(catalogue["campaign"]["periods"]) == 5

    loaded = set(Municipality.objects.filter(geonames_id__in=NAMED_CITIES).values_list("geonames_id", flat=True))
    assert loaded == set(NAMED_CITIES), "every city the documents name is in the directory"
    assert Municipality.objects.get(geonames_id=2791537).name == "Mechelen"
    assert Municipality.objects.get(geonames_id=3621153).name == "Upala"
    pichincha = Municipality.objects.get(name="Pichincha", country="EC")
    assert pichincha.kind == Municipality.Kind.REGIONAL
    assert pichincha.time_zone == "America/Guayaquil"
    assert first["municipalities"] > len(NAMED_CITIES) + 1  # the directory slice too

    call_command("seed_demo", "--min-population", "5000000", "--no-pledges", stdout=StringIO())
    assert snapshot() == first
    assert User.objects.get(email="admin@demo.example").check_password("demo-pledge-2026")
