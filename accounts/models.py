import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.storage import get_private_storage

from .names import ascii_fold, country_name, is_valid_time_zone, search_forms, slug_base, unique_slug


class UserManager(BaseUserManager):
    """Users are found by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in: a city official, a campaign admin or a superuser."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Emails and reminders are sent in this language."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


# --- Municipality directory -------------------------------------------------------------


def validate_time_zone(value):
    """An IANA time zone name that this Python knows, such as "Europe/Brussels"."""

    if not is_valid_time_zone(value):
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone name, such as “Europe/Brussels”."),
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_country_code(value):
    """An ISO 3166-1 alpha-2 code that GeoNames knows, in capitals."""

    if not value or len(value) != 2 or not value.isupper() or country_name(value) is None:
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166-1 alpha-2 country code, such as “BE” or “LB”."),
            code="invalid_country",
            params={"value": value},
        )


class Municipality(models.Model):
    """A local or regional government that may sign the pledge.

    Most rows come from GeoNames (``geonames_id`` set) through ``import_municipalities``;
    admins add the provinces and metropolitan governments GeoNames lacks. A row an admin
    has saved is flagged ``edited_by_admin`` and the import leaves it alone.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        METROPOLITAN = "metropolitan", _("Metropolitan government")
        REGIONAL = "regional", _("Regional government")

    name = models.CharField(_("name"), max_length=200)
    ascii_name = models.CharField(
        _("ASCII name"), max_length=200, blank=True, help_text=_("Filled from the name when left empty.")
    )
    alternate_names = models.JSONField(
        _("alternate names"),
        default=list,
        blank=True,
        help_text=_("Other names and spellings, such as “Malines” for Mechelen; all of them are searchable."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[validate_country_code],
        help_text=_("ISO 3166-1 alpha-2 code, such as “BE”."),
    )
    admin_region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("First-level administrative division (GeoNames admin1 code or name)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY)
    latitude = models.FloatField(
        _("latitude"),
        validators=[
            MinValueValidator(-90, message=_("Latitude must be between -90 and 90 degrees.")),
            MaxValueValidator(90, message=_("Latitude must be between -90 and 90 degrees.")),
        ],
    )
    longitude = models.FloatField(
        _("longitude"),
        validators=[
            MinValueValidator(-180, message=_("Longitude must be between -180 and 180 degrees.")),
            MaxValueValidator(180, message=_("Longitude must be between -180 and 180 degrees.")),
        ],
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, such as “Europe/Brussels”; reminders are sent at a sensible local hour."),
    )
    geonames_id = models.PositiveIntegerField(
        _("GeoNames id"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("Empty for places that admins add."),
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    edited_by_admin = models.BooleanField(
        _("edited by an admin"),
        default=False,
        help_text=_("The GeoNames import does not overwrite places that an admin has edited."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name", "country"]
        indexes = [
            models.Index(fields=["country", "kind"], name="accounts_mun_country_kind"),
            models.Index(fields=["-population"], name="accounts_mun_population"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country})"

    def save(self, *args, **kwargs):

        if not self.ascii_name:
            self.ascii_name = ascii_fold(self.name)
        if not self.slug:
            base = slug_base(self.ascii_name or self.name)
            taken = set(
                Municipality.objects.exclude(pk=self.pk).filter(slug__startswith=base).values_list("slug", flat=True)
            )
            self.slug = unique_slug(self.ascii_name or self.name, self.country, taken, region=self.admin_region)
        super().save(*args, **kwargs)
        self.rebuild_search_names()

    def clean(self):
        super().clean()

        errors = {}
        if self.latitude == 0 and self.longitude == 0:
            errors["latitude"] = _("Coordinates 0, 0 lie in the ocean; enter the place's real position.")
        if self.name and self.country and self.geonames_id is None:
            twins = Municipality.objects.filter(
                country=self.country, kind=self.kind, admin_region=self.admin_region, ascii_name=ascii_fold(self.name)
            ).exclude(pk=self.pk)
            if twins.exists():
                errors["name"] = _("This country and region already have a %(kind)s with this name.") % {
                    "kind": self.get_kind_display().lower()
                }
        if errors:
            raise ValidationError(errors)

    def search_forms(self) -> set[str]:

        return search_forms([self.name, self.ascii_name, *(self.alternate_names or [])])

    def rebuild_search_names(self):
        """Replace the rows that prefix search looks at (see ``MunicipalityName``)."""
        MunicipalityName.objects.filter(municipality=self).delete()
        MunicipalityName.objects.bulk_create(
            MunicipalityName(municipality=self, normalized_name=form) for form in sorted(self.search_forms())
        )


class MunicipalityName(models.Model):
    """One searchable form of a municipality's names: lowercased, accents stripped.

    Every name, the ASCII name and every kept alternate name give one row, and so does each
    of their later words ("sao paulo" also gives "paulo"), so that a prefix search is one
    indexed ``LIKE 'x%'`` on ``normalized_name``. A separate table rather than one text
    column: a column holding all names could only be searched with ``LIKE '%x%'``, which no
    B-tree index serves. On PostgreSQL the index uses ``varchar_pattern_ops`` so that LIKE
    uses it whatever the database collation; on SQLite a second, ``COLLATE NOCASE`` index
    (migration 0003) lets SQLite's LIKE optimisation use it.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="search_names", verbose_name=_("municipality")
    )
    normalized_name = models.CharField(_("normalised name"), max_length=200)

    class Meta:
        verbose_name = _("searchable name")
        verbose_name_plural = _("searchable names")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "normalized_name"], name="accounts_munname_unique"),
        ]
        indexes = [
            # opclasses only take effect on PostgreSQL; elsewhere this is a plain index.
            models.Index(fields=["normalized_name"], name="accounts_munname_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.normalized_name


def evidence_upload_to(instance, filename):
    return f"evidence/{instance.municipality_id}/{uuid.uuid4().hex}.pdf"


class Membership(models.Model):
    """A user acting for a municipality: asked for, then approved or refused by an admin."""

    class Role(models.TextChoices):
        MAYOR = "mayor", _("Mayor or governor")
        DEPUTY = "deputy", _("Deputy mayor or councillor")
        FOCAL_POINT = "focal_point", _("Focal point")
        STAFF = "staff", _("Staff member")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("municipality")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    evidence_email = models.EmailField(
        _("address at the municipality's own domain"),
        blank=True,
        help_text=_("An email address of the municipality's own domain that you can read."),
    )
    evidence_letter = models.FileField(
        _("letter of appointment (PDF)"),
        storage=get_private_storage,
        upload_to=evidence_upload_to,
        blank=True,
        max_length=300,
    )
    evidence_note = models.TextField(_("note to the campaign team"), blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    refusal_reason = models.TextField(_("reason"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-requested_at"]
        constraints = [
            # One live membership per person and municipality; refused and revoked ones stay as history.
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="one_live_membership_per_user_municipality",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.municipality} ({self.get_status_display()})"


class Invitation(models.Model):
    """An approved official invites a colleague, or hands the municipality to a successor."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("municipality")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("invited by")
    )
    is_handover = models.BooleanField(
        _("hand over"), default=False, help_text=_("The inviting official's own membership ends when it is accepted.")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.municipality}"


class MembershipEvent(models.Model):
    """History of memberships: who asked, approved, refused, invited, revoked or handed over."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")
        INVITED = "invited", _("Invited a colleague")
        JOINED = "joined", _("Joined by invitation")
        HANDED_OVER = "handed_over", _("Handed over to a successor")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="membership_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} – {self.municipality}"
