"""makemessages that also finds the short aliases our scripts use for the JS catalogue.

static/js/*.js call `t("...")` and `nt("...", "...", n)` (aliases of gettext/ngettext
that fall back to English when the catalogue did not load).
"""

from django.core.management.commands.makemessages import Command as BaseCommand


class Command(BaseCommand):
    def handle(self, *args, **options):
        if options.get("domain") == "djangojs":
            self.xgettext_options = [*self.xgettext_options, "--keyword=t", "--keyword=nt:1,2"]
        return super().handle(*args, **options)
