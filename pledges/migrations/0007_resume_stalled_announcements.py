"""Beat starts again, every ten minutes, the sending of announcements whose fan-out task was
lost (pledges.tasks.resume_stalled_announcements).

Idempotent, as 0003: an existing task of the same name is left as an admin may have changed it.
"""

from django.db import migrations

NAME = "Announcements: resume stalled sending"


def add_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every = IntervalSchedule.objects.filter(every=10, period="minutes").order_by("pk").first()
    if every is None:
        every = IntervalSchedule.objects.create(every=10, period="minutes")
    _task, created = PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "pledges.tasks.resume_stalled_announcements",
            "interval": every,
            "enabled": True,
            "expire_seconds": 9 * 60,
            "description": "Announcements still sending 10 minutes on, with deliveries missing: fan out again.",
        },
    )
    if created:
        from django.utils import timezone

        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0006_pledge_statement_limit"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
