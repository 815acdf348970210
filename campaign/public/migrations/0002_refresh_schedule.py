"""The read model's hourly refresh on the beat schedule: reporting states that change when a
due date passes. (The rows themselves are made by `manage.py rebuild_public_signatories`,
which the release step runs after `migrate`: a migration must not use today's models.)"""

from django.db import migrations

TASK = "campaign.public.tasks.refresh_public_reporting_states"
NAME = "Public read model: reporting states after due dates"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _created = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": every_hour, "enabled": True})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule, unschedule),
    ]
