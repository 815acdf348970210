"""Beat runs the reminder scan every ten minutes and the admins' digest at 07:00 UTC.

Idempotent: an existing task of the same name is left as an admin may have changed it
(disabled it, changed its interval); a fresh database gets both.
"""

from django.db import migrations

SCAN_NAME = "Reminders: scan for due reporting reminders"
DIGEST_NAME = "Reminders: daily digest for campaign admins"


def add_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every = IntervalSchedule.objects.filter(every=10, period="minutes").order_by("pk").first()
    if every is None:
        every = IntervalSchedule.objects.create(every=10, period="minutes")
    crontab_fields = {"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    daily = CrontabSchedule.objects.filter(timezone="UTC", **crontab_fields).order_by("pk").first()
    if daily is None:
        daily = CrontabSchedule.objects.create(timezone="UTC", **crontab_fields)

    changed = False
    _task, created = PeriodicTask.objects.get_or_create(
        name=SCAN_NAME,
        defaults={
            "task": "pledges.tasks.scan_due_reminders",
            "interval": every,
            "enabled": True,
            # A scan that waited longer than its interval in the queue is pointless: the next one comes.
            "expire_seconds": 9 * 60,
            "description": "Claims the reminders due now and queues one send task each (pledges/reminders.py).",
        },
    )
    changed |= created
    _task, created = PeriodicTask.objects.get_or_create(
        name=DIGEST_NAME,
        defaults={
            "task": "pledges.tasks.send_daily_digest",
            "crontab": daily,
            "enabled": True,
            "description": "What waits for the campaign team, once a day, skipped when nothing waits.",
        },
    )
    changed |= created
    if changed:
        # Tell a running beat to reload its schedule (what PeriodicTasks.changed() does).
        from django.utils import timezone

        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SCAN_NAME, DIGEST_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0002_reminders_and_calendar"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
