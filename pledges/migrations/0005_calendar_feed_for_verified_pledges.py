"""Every verified pledge has its calendar feed: verifying makes it now, and opening the
calendar page no longer does (a GET writes nothing). Pledges verified before get theirs here."""

import secrets

from django.db import migrations


def create_feeds(apps, schema_editor):
    Pledge = apps.get_model("pledges", "Pledge")
    PledgeCalendar = apps.get_model("pledges", "PledgeCalendar")
    missing = Pledge.objects.filter(status="verified", calendar__isnull=True).values_list("pk", flat=True)
    PledgeCalendar.objects.bulk_create(
        [PledgeCalendar(pledge_id=pk, token=secrets.token_urlsafe(32)) for pk in missing], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0004_announcement"),
    ]

    operations = [migrations.RunPython(create_feeds, migrations.RunPython.noop)]
