"""The platform admin's read-only views of the audit trail and the task queue.

Audit events that an action sealed (a bid's, until its deadline) are not listed, counted,
offered as filters or opened, even for a superuser. Task results show only which task ran,
when and how it went: never its arguments or return value."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group
from django.db.models.constants import LOOKUP_SEP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from .models import AuditEvent


class ReadOnly:
    """For a model admin or an inline: shows, never adds, changes or deletes. What changes goes
    through the apps' actions (and their audit events), never the admin's forms."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        """A list is filtered only by the filters it offers (and its date hierarchy). Django
        would let the address filter by any field of the model, hidden ones too: a person's
        password hash, a task's arguments, an audit event's data, guessed a character at a
        time with ?password__startswith=. Anything else is refused (400)."""
        offered = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                offered.add(item.parameter_name)
            elif isinstance(item, (list, tuple)):
                offered.add(item[0])
            else:
                offered.add(item)
        if not any(lookup == name or lookup.startswith(name + LOOKUP_SEP) for name in offered):
            return False
        return super().lookup_allowed(lookup, value, request)


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "object_type", "object_id", "actor", "summary")
    list_filter = ("action",)
    search_fields = ("object_id", "summary")
    list_select_related = ("actor",)

    def get_queryset(self, request):
        return super().get_queryset(request).unsealed()


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(ReadOnlyAdmin):
    """What ran and when. The arguments and return values stay out of the admin: the emails'
    tasks carry only ids, and a task's result is no one's business here."""

    list_display = ("id", "task_name", "status", "enqueued_at", "started_at", "finished_at")
    list_filter = ("status", "queue_name")
    ordering = ["-enqueued_at"]
    fields = readonly_fields = (
        "id",
        "task_name",
        "status",
        "queue_name",
        "priority",
        "enqueued_at",
        "started_at",
        "finished_at",
    )


# The admins that Django and the libraries register change their rows with no audit event. Groups
# and the records of failed sign-ins are shown, never changed, here (a locked-out address waits
# out settings.AXES_COOLOFF_TIME). Two-factor devices are not shown at all: their pages would show
# a person's secret key and let the admin give anyone a device; people set up and reset their own
# two-factor sign-in (accounts.two_factor).
class GroupAdmin(ReadOnly, auth_admin.GroupAdmin):
    pass


class AccessAttemptAdmin(ReadOnly, axes_admin.AccessAttemptAdmin):
    actions: list[str] = []


class AccessLogAdmin(ReadOnly, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(ReadOnly, axes_admin.AccessFailureLogAdmin):
    pass


for _model, _read_only in (
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (TOTPDevice, None),
    (StaticDevice, None),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        if _read_only is not None:
            admin.site.register(_model, _read_only)
