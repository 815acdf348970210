"""EmailDelivery and EmailOptOut now belong to the outbox app, Announcement to pledges.

Only Django's record of the models moves: the tables keep their names (campaign_*), so
no row is copied. The content types follow, so that admin history and permissions stay
attached to them.
"""

from django.db import migrations

MOVED = {"emaildelivery": "outbox", "emailoptout": "outbox", "announcement": "pledges"}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        ContentType.objects.filter(app_label="campaign", model=model).update(app_label=app_label)


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        ContentType.objects.filter(app_label=app_label, model=model).update(app_label="campaign")


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0004_delivery_group_key"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("outbox", "0001_initial"),
        ("pledges", "0004_announcement"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EmailDelivery"),
                migrations.DeleteModel(name="EmailOptOut"),
                migrations.DeleteModel(name="Announcement"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
