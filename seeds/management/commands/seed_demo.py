"""Load the demo: accounts for each role, printed with their passwords. Idempotent."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User

DEMO_PASSWORD = "demo-pledge-2026"  # noqa: S105 - printed on purpose, demo only

DEMO_ACCOUNTS = [
    # email, full name, is_staff, is_superuser, language
    ("admin@demo.example", "Campaign Admin", True, True, "en"),
    ("official@demo.example", "Demo Official", False, False, "fr"),
]


class Command(BaseCommand):
    help = "Load demo data so that a first run shows a living site. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            for email, name, is_staff, is_superuser, language in DEMO_ACCOUNTS:
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={
                        "full_name": name,
                        "is_staff": is_staff,
                        "is_superuser": is_superuser,
                        "preferred_language": language,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for email, name, is_staff, _su, _lang in DEMO_ACCOUNTS:
            role = "campaign admin" if is_staff else "city official"
            self.stdout.write(f"  {email:<28} {role} ({name})")
