import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.storage import get_private_storage

from .names import (
    NAME_KIND_ALTERNATE,
    NAME_KIND_OWN,
    NAME_KIND_WORD,
    ascii_fold,
    is_valid_time_zone,
    normalize,
    search_forms_by_kind,
    slug_base,
    unique_slug,
)
from .place_names import is_country_code, is_known_language


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


FULL_NAME_MAX_LENGTH = 200


class User(AbstractUser):
    """A person who logs in: a city official, a campaign admin or a superuser."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=FULL_NAME_MAX_LENGTH, blank=True)
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
        return self.display_name

    # How we address a person, in one place: pages name them by ``display_name`` (their
    # name, or their address while they have given none); emails greet them by
    # ``salutation_name``, which is empty without a name, for a neutral "Hello,"
    # rather than "Dear elodie.fontaine@example.org,".

    @property
    def display_name(self) -> str:
        return self.full_name.strip() or self.email

    @property
    def salutation_name(self) -> str:
        return self.full_name.strip()

    def get_full_name(self):
        return self.display_name

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

    if not value or len(value) != 2 or not value.isupper() or not is_country_code(value):
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166-1 alpha-2 country code, such as “BE” or “LB”."),
            code="invalid_country",
            params={"value": value},
        )


def validate_local_names(value):
    """{language code: name}: codes CLDR knows ("fr", "it", "pt-br"), names of text."""

    if not isinstance(value, dict):
        raise ValidationError(
            _("Give the names as language code and name pairs, such as “fr: Turin”."), code="invalid_local_names"
        )
    for code, name in value.items():
        if not isinstance(code, str) or not is_known_language(code):
            raise ValidationError(
                _("“%(code)s” is not a known language code, such as “fr” or “it”."),
                code="invalid_language",
                params={"code": code},
            )
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise ValidationError(
                _("Give the name in “%(code)s”, in 200 characters at most."),
                code="invalid_local_name",
                params={"code": code},
            )


# A position on Earth: one rule for the directory and for the places officials ask to add.
LATITUDE_VALIDATORS = [
    MinValueValidator(-90, message=_("Latitude must be between -90 and 90 degrees.")),
    MaxValueValidator(90, message=_("Latitude must be between -90 and 90 degrees.")),
]
LONGITUDE_VALIDATORS = [
    MinValueValidator(-180, message=_("Longitude must be between -180 and 180 degrees.")),
    MaxValueValidator(180, message=_("Longitude must be between -180 and 180 degrees.")),
]


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
    region_name = models.CharField(
        _("region name"),
        max_length=100,
        blank=True,
        help_text=_(
            "The region's name as the public reads it, such as “Lombardy” for the GeoNames code “09”. "
            "Left empty, a bare code is not shown. The GeoNames import never overwrites it."
        ),
    )
    local_names = models.JSONField(
        _("names by language"),
        default=dict,
        blank=True,
        validators=[validate_local_names],
        help_text=_(
            "The place's name in other languages, by language code, such as “fr: Turin”, “es: Turín”, "
            "“it: Torino”. They win over the names CLDR knows; the name in the country's language is "
            "shown beside the reader's. The GeoNames import never overwrites them."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY)
    latitude = models.FloatField(
        _("latitude"),
        validators=LATITUDE_VALIDATORS,
    )
    longitude = models.FloatField(
        _("longitude"),
        validators=LONGITUDE_VALIDATORS,
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

    def search_forms(self) -> dict[str, int]:
        """Each normalised form this place is found by, with its ``MunicipalityName.kind``."""
        local = [n for n in (self.local_names or {}).values() if isinstance(n, str)]  # admin-written
        return search_forms_by_kind([self.name, self.ascii_name], [*(self.alternate_names or []), *local])

    def rebuild_search_names(self):
        """Replace the rows that prefix search looks at (see ``MunicipalityName``)."""
        MunicipalityName.objects.filter(municipality=self).delete()
        MunicipalityName.objects.bulk_create(
            MunicipalityName(municipality=self, normalized_name=form, kind=kind)
            for form, kind in sorted(self.search_forms().items())
        )


class MunicipalityName(models.Model):
    """One searchable form of a municipality's names: lowercased, accents stripped.

    Every name, the ASCII name and every alternate name, in every script, give one row, and so
    does each later word of a name in a spaced script ("sao paulo" also gives "paulo"); ``kind``
    says which of these the form is, best first. A prefix search is one
    indexed ``LIKE 'x%'`` on ``normalized_name``. A separate table rather than one text
    column: a column holding all names could only be searched with ``LIKE '%x%'``, which no
    B-tree index serves. On PostgreSQL the index uses ``varchar_pattern_ops`` so that LIKE
    uses it whatever the database collation; on SQLite a second, ``COLLATE NOCASE`` index
    (migration 0003) lets SQLite's LIKE optimisation use it.
    """

    class Kind(models.IntegerChoices):
        # How good a match the form is; the search ranks by it (accounts/search.py).
        OWN = NAME_KIND_OWN, _("the place's own name")
        ALTERNATE = NAME_KIND_ALTERNATE, _("a name in another language or script")
        WORD = NAME_KIND_WORD, _("a later word of a name")

    # No index of its own: the unique constraint's index starts with it.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="search_names",
        verbose_name=_("municipality"),
        db_index=False,
    )
    normalized_name = models.CharField(_("normalised name"), max_length=200)
    kind = models.PositiveSmallIntegerField(_("kind"), choices=Kind.choices, default=Kind.OWN)

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


# --- "My municipality is not listed" --------------------------------------------------------


class MunicipalityRequest(models.Model):
    """An official asks for a place missing from the directory to be added. A campaign admin
    adds it (a new Municipality), merges it with the existing one it duplicates, or refuses
    it with a reason; ``municipality`` is then the place the requester can ask to represent."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ADDED = "added", _("Added")
        MERGED = "merged", _("Already listed")
        REFUSED = "refused", _("Refused")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipality_requests",
        verbose_name=_("requested by"),
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, validators=[validate_country_code])
    kind = models.CharField(
        _("kind"), max_length=20, choices=Municipality.Kind.choices, default=Municipality.Kind.MUNICIPALITY
    )
    latitude = models.FloatField(
        _("latitude"),
        validators=LATITUDE_VALIDATORS,
    )
    longitude = models.FloatField(
        _("longitude"),
        validators=LONGITUDE_VALIDATORS,
    )
    population = models.PositiveBigIntegerField(
        _("population"), validators=[MinValueValidator(0, message=_("The population cannot be negative."))]
    )
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where the data comes from: a web address or a short text.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("municipality"),
        help_text=_("The place added, or the existing one this request duplicates."),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("request for a missing municipality")
        verbose_name_plural = _("requests for missing municipalities")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.country}) – {self.get_status_display()}"

    def clean(self):
        super().clean()
        if self.latitude == 0 and self.longitude == 0:
            raise ValidationError(
                {"latitude": _("Coordinates 0, 0 lie in the ocean; enter the place's real position.")}
            )

    @property
    def source_url(self) -> str:
        """The source when it is a web address (shown as a link), else ""."""
        source = (self.source or "").strip()
        return source if source.lower().startswith(("https://", "http://")) and " " not in source else ""

    def listed_twins(self) -> models.QuerySet[Municipality]:
        """Places of the directory in the same country with this name (in any of its
        spellings, normalised as search does): the request may duplicate one of them."""
        return listed_municipalities_named(self.name, self.country)


def listed_municipalities_named(name: str, country: str) -> models.QuerySet[Municipality]:
    """Municipalities of ``country`` one of whose names normalises to the same form as ``name``."""
    form = normalize(name)
    if not form or not country:
        return Municipality.objects.none()
    ids = MunicipalityName.objects.filter(normalized_name=form).values("municipality_id")
    return Municipality.objects.filter(pk__in=ids, country=country.upper()).order_by("-population", "name")
