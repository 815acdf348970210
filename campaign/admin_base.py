"""The admin's one permission rule.

The admin site lets in campaign admins only: campaign/urls.py sets its gate to
``accounts.access.is_campaign_admin``, which also demands the second factor when
STAFF_REQUIRE_MFA is on (the MFA middleware, a courtesy in front of that gate, sends staff
without one to set it up). Past that gate every campaign admin sees every record: the
product does not use Django's per-model permissions (accounts/access.py says why). Records
whose changes belong to a service are read-only here and change through admin actions that
call the service.

The one exception is the User admin (accounts/admin.py): who is staff is a superuser's
decision, so it keeps Django's own permissions.
"""

from django.contrib import admin

from campaign.writes import write_batch


class StaffAdminMixin:
    """Seen by every campaign admin: the site's gate has already decided."""

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True


class StaffEditableMixin(StaffAdminMixin):
    """Edited by hand by every campaign admin (campaigns, commitments, periods)."""

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True

    def changeform_view(self, *args, **kwargs):
        # A campaign saved with its inline commitments and periods moves the read model
        # once, not once per row saved (campaign/writes.py).
        with write_batch():
            return super().changeform_view(*args, **kwargs)


class ReadOnlyMixin(StaffAdminMixin):
    """Written by the services, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
