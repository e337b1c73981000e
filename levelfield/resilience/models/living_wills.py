"""Living wills: a supplier's resolution plan, and who may read it.

The platform role "resilience team" (`PlatformRole`) and the strategic supplier mark
(`StrategicMark`) change only through the actions in `actions.py`, each audited. A supplier's
`LivingWill` holds the draft it edits; each submission is a `LivingWillVersion`, never changed
after. The content of both is structured JSON checked by `content.validate`."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from levelfield.accounts.models import Organisation, Role
from levelfield.core import clock


class PlatformRoleKind(models.TextChoices):
    RESILIENCE_TEAM = "resilience_team", "Resilience team"
    # The procurement review service (reviews app): reviewers triage and investigate cases,
    # review managers also close them and publish outcomes.
    REVIEWER = "reviewer", "Reviewer"
    REVIEW_MANAGER = "review_manager", "Review manager"


class PlatformRoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class PlatformRole(models.Model):
    """A platform-wide role held by a person (not a role in an organisation): granted and ended
    by a platform admin; an ended grant is kept as history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_roles"
    )
    role = models.CharField(max_length=30, choices=PlatformRoleKind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = PlatformRoleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(ended_at__isnull=True),
                name="one_active_platform_role",
            )
        ]


class StrategicMarkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class StrategicMark(models.Model):
    """The platform admin's mark that a supplier is strategic (so keeps a living will)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategic_marks"
    )
    reason = models.TextField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = StrategicMarkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(ended_at__isnull=True),
                name="one_active_strategic_mark",
            )
        ]


READING_BUYER_ROLES = (Role.BUYER_ADMIN, Role.BUYER_OFFICER)
SUPPLIER_READ_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


class LivingWillQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The living wills `user` may read: their own supplier's (draft included); any with a
        submitted version for the buyers (admins and officers) of one of the supplier's critical
        contracts in force, and for the resilience team; none for anyone else. "Their own" and
        "buyers" as the organisation they act for in a request (acting_memberships)."""
        from levelfield.accounts.rules import acting_memberships
        from levelfield.contracts.lifecycle import IN_FORCE
        from levelfield.contracts.models import Contract

        if not user or not user.is_authenticated:
            return self.none()
        own = Q(
            supplier__in=acting_memberships(user)
            .filter(role__in=SUPPLIER_READ_ROLES)
            .values("organisation")
        )
        submitted = Exists(LivingWillVersion.objects.filter(will=OuterRef("pk")))
        if (
            PlatformRole.objects.active()
            .filter(user=user, role=PlatformRoleKind.RESILIENCE_TEAM)
            .exists()
        ):
            return self.filter(own | Q(submitted))
        critical_buyer = Exists(
            Contract.objects.filter(
                supplier=OuterRef("supplier"),
                critical=True,
                status__in=IN_FORCE,
                buyer__in=acting_memberships(user)
                .filter(role__in=READING_BUYER_ROLES)
                .values("organisation"),
            )
        )
        return self.filter(own | (Q(submitted) & Q(critical_buyer)))


class LivingWill(models.Model):
    """A supplier's living will: the draft it edits, and (in `versions`) what it submitted."""

    supplier = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="living_will"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True)
    draft = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = LivingWillQuerySet.as_manager()

    def __str__(self):
        return f"Living will of {self.supplier}"

    def latest_version(self):
        return self.versions.order_by("-number").first()

    def current_version(self, today=None):
        """The latest submitted version, if its review date has not passed."""
        today = today or clock.today_uk()
        latest = self.latest_version()
        if latest and latest.review_date >= today:
            return latest
        return None


class VersionQuerySet(models.QuerySet):
    """Submitted versions are never changed nor removed one by one: `update()` and `delete()`
    refuse, as `save()` does for a version already saved. What the database must still do is
    left working: Django's deletion collector reaches versions through the model's base manager
    (a plain queryset), so deleting the will (or the supplier, which deletes its will) takes
    its versions with it (CASCADE), and deleting a person still clears the owner (SET_NULL)."""

    def update(self, **kwargs):
        raise ValueError("A submitted living will version is never changed")

    def delete(self):
        raise ValueError("A submitted living will version is never removed")


class LivingWillVersion(models.Model):
    """A submitted living will: its content, owner and review date as submitted; immutable
    (see `VersionQuerySet`)."""

    will = models.ForeignKey(LivingWill, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_date = models.DateField()
    score = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    objects = VersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["will", "number"], name="one_will_version_number")
        ]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("A submitted living will version is never changed")
        super().save(*args, **kwargs)
