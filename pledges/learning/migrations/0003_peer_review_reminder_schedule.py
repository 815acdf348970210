"""Beat reminds peer reviewers once a day at 08:00 UTC (pledges.learning.tasks).

Idempotent: an existing task of the same name is left as an admin may have changed it."""

from django.db import migrations

TASK = "pledges.learning.tasks.remind_peer_reviewers"
NAME = "Peer review: remind reviewers whose feedback is due"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    fields = {"minute": "0", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    daily = CrontabSchedule.objects.filter(timezone="UTC", **fields).order_by("pk").first()
    if daily is None:
        daily = CrontabSchedule.objects.create(timezone="UTC", **fields)
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": daily,
            "enabled": True,
            "description": "One reminder, once only, to each official of a reviewer whose feedback is due soon.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_searchterm_sqlite_like_index"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
