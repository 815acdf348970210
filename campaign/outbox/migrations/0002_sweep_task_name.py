"""The stale-delivery sweep's task moved with the outbox: point beat's schedule at it."""

from django.db import migrations
from django.utils import timezone

OLD, NEW = "campaign.tasks.requeue_stale_deliveries", "campaign.outbox.tasks.requeue_stale_deliveries"


def rename(apps, schema_editor, old=OLD, new=NEW):
    if apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new):
        # A running beat rereads its schedule when this date changes.
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("campaign", "0003_stale_delivery_sweep"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
