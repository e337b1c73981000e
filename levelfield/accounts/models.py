import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager

# django-stubs leave out this private helper, which PermissionsMixin.has_perm itself uses
from django.contrib.auth.models import PermissionsMixin, _user_has_perm  # type: ignore[attr-defined]
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with email and password. Platform admins have is_superuser."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    email_verified_at = models.DateTimeField(
        null=True,
        blank=True,
        # An account made any other way than self-registration (an invitation proved the
        # address, or an admin made it) counts as verified; registration passes None.
        default=timezone.now,
        help_text="When the person proved the address (a link emailed to it, or an invitation). "
        "Until then a self-registered supplier may sign in but not act.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_perm(self, perm, obj=None):
        """A platform admin has every permission of the admin's models, but a permission on an
        object (a role in an organisation, an assignment to a question) only as anyone else has
        it, through the rules: Django grants a superuser every one, so an evaluator who was
        also the platform admin could moderate, or score what they were not assigned."""
        if obj is None:
            return super().has_perm(perm)
        return self.is_active and _user_has_perm(self, perm, obj)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        BUYER = "buyer", "Buyer (contracting authority)"
        SUPPLIER = "supplier", "Supplier"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_buyer(self) -> bool:
        return self.kind == self.Kind.BUYER

    @property
    def is_supplier(self) -> bool:
        return self.kind == self.Kind.SUPPLIER


class Role(models.TextChoices):
    BUYER_ADMIN = "buyer_admin", "Buyer admin"
    BUYER_OFFICER = "buyer_officer", "Buyer officer"
    EVALUATOR = "evaluator", "Evaluator"
    SUPPLIER_ADMIN = "supplier_admin", "Supplier admin"
    SUPPLIER_MEMBER = "supplier_member", "Supplier member"


BUYER_ROLES = {Role.BUYER_ADMIN, Role.BUYER_OFFICER, Role.EVALUATOR}
SUPPLIER_ROLES = {Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        ordering = ["organisation__name", "user__full_name"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation for a colleague to join an organisation with a role. Its link's secret is
    made by the task that emails it (`accounts.tasks.send_invitation`) and only its hash kept:
    until then `token_hash` is empty and no link can accept it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class ApiToken(models.Model):
    """A bearer token for machine clients. Only its hash is stored; the secret is shown once.
    It works until it expires (a lifetime chosen when it is made) or is revoked, and a read-only
    token only reads (GET, HEAD and OPTIONS)."""

    PREFIX = "lf_"
    LIFETIMES_DAYS = (30, 90, 365)
    DEFAULT_LIFETIME_DAYS = 90

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "read_write"]), name="api_token_scope_known"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_created",
            ),
        ]

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def expired(self, now) -> bool:
        return self.expires_at <= now

    @property
    def read_only(self) -> bool:
        return self.scope == self.Scope.READ
