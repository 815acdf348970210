"""Deliveries name their group (such as one announcement) by a key instead of a foreign key
to Announcement, so that the outbox knows nothing of what sends through it."""

from django.db import migrations, models


def fill_group_key(apps, schema_editor):
    EmailDelivery = apps.get_model("campaign", "EmailDelivery")
    ids = EmailDelivery.objects.filter(announcement__isnull=False).values_list("announcement_id", flat=True)
    for announcement_id in set(ids):
        EmailDelivery.objects.filter(announcement_id=announcement_id).update(group_key=f"announcement:{announcement_id}")


def fill_announcement(apps, schema_editor):
    EmailDelivery = apps.get_model("campaign", "EmailDelivery")
    for key in set(EmailDelivery.objects.filter(group_key__startswith="announcement:").values_list("group_key", flat=True)):
        EmailDelivery.objects.filter(group_key=key).update(announcement_id=int(key.split(":", 1)[1]))


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0003_stale_delivery_sweep"),
    ]

    operations = [
        migrations.AddField(
            model_name="emaildelivery",
            name="group_key",
            field=models.CharField(blank=True, db_index=True, max_length=100, verbose_name="group"),
        ),
        migrations.RunPython(fill_group_key, fill_announcement),
        migrations.RemoveField(model_name="emaildelivery", name="announcement"),
    ]
