"""Send the reporting reminders due now, in this process: for cron, or when there is no broker.

    */10 * * * *  python manage.py send_due_reminders
    0 7 * * *     python manage.py send_due_reminders --digest

Does what beat's `scan_due_reminders` does (claims every due reminder exactly once, recovers
lost claims) but sends each reminder right here instead of through a worker. `--dry-run`
lists what is due without claiming anything. Safe to run next to beat: a reminder claimed by
one is skipped by the other.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pledges import reminders
from pledges.models import DigestLog, ReminderLog


class Command(BaseCommand):
    help = "Send the reporting reminders that are due now (and, with --digest, the admins' daily digest)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what is due; claim and send nothing.")
        parser.add_argument("--digest", action="store_true", help="Also send today's digest to campaign admins.")
        parser.add_argument(
            "--now", help="Pretend it is this moment (ISO 8601 with a time zone), to see what would be due then."
        )

    def handle(self, *args, dry_run=False, digest=False, now=None, **options):
        moment = self._moment(now)
        if dry_run:
            return self._dry_run(moment, digest)
        # The scan commits its claims; this process then sends each claimed row itself.
        result = reminders.scan_due_reminders(moment, dispatch=lambda pk: None)
        sent = result.claimed + result.requeued
        for pk in sent:
            reminders.deliver_reminder(pk, now=moment)
        rows = ReminderLog.objects.filter(pk__in=sent).select_related("pledge__municipality", "period", "recipient")
        for row in sorted(rows, key=lambda r: (r.pledge.municipality.name, r.period.due, r.kind, r.recipient.email)):
            self.stdout.write(
                f"{row.status:9} {row.kind:12} {row.pledge.municipality.name} · {row.period.label} "
                f"(due {row.period.due:%Y-%m-%d}) → {row.recipient.email}" + (f"  [{row.error}]" if row.error else "")
            )
        counts = {status: sum(1 for r in rows if r.status == status) for status in ReminderLog.Status.values}
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders: {counts['sent']} sent, {counts['cancelled']} no longer due, {counts['failed']} failed "
                f"({len(result.claimed)} newly due, {len(result.requeued)} recovered, {len(result.given_up)} given up)."
            )
        )
        if digest:
            digests = reminders.send_daily_digests(moment, dispatch=lambda pk: None)
            sent_digests = digests.claimed + digests.requeued
            for pk in sent_digests:
                reminders.deliver_digest(pk, now=moment)
            for row in DigestLog.objects.filter(pk__in=sent_digests).select_related("recipient").order_by("pk"):
                self.stdout.write(f"{row.status:9} digest       {row.day:%Y-%m-%d} → {row.recipient.email}")
            self.stdout.write(self.style.SUCCESS(f"Digests: {len(sent_digests)} handled."))

    def _moment(self, value) -> datetime:
        if not value:
            return timezone.now()
        moment = parse_datetime(value)
        if moment is None or timezone.is_naive(moment):
            raise CommandError("--now needs an ISO 8601 moment with a time zone, such as 2026-05-01T09:00:00+02:00.")
        return moment

    def _dry_run(self, moment, digest):
        due = reminders.due_reminders(moment)
        for item in sorted(due, key=lambda d: (d.pledge.municipality.name, d.period.due, d.kind, d.recipient_email)):
            local = item.moment.strftime("%Y-%m-%d %H:%M %Z")
            self.stdout.write(
                f"due       {item.kind:12} {item.pledge.municipality.name} · {item.period.label} "
                f"(due {item.due or item.period.due:%Y-%m-%d}) → {item.recipient_email}  since {local}"
            )
        self.stdout.write(self.style.SUCCESS(f"Dry run: {len(due)} reminders due; nothing was claimed or sent."))
        if digest:
            work = reminders.waiting_work()
            total = reminders.waiting_total(work)
            admins = reminders.digest_recipients().count()
            self.stdout.write(
                f"Digest: {total} items wait ({work['memberships_count']} requests, {work['pledges_count']} pledges, "
                f"{work['overdue_count']} overdue reports); {admins if total else 0} admins would hear."
            )
