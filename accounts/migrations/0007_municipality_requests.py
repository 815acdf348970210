# "My municipality is not listed": officials ask for a missing place (issue 12).
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_region_and_local_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MunicipalityRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "country",
                    models.CharField(
                        max_length=2, validators=[accounts.models.validate_country_code], verbose_name="country"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("municipality", "Municipality"),
                            ("metropolitan", "Metropolitan government"),
                            ("regional", "Regional government"),
                        ],
                        default="municipality",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "latitude",
                    models.FloatField(
                        validators=[
                            django.core.validators.MinValueValidator(
                                -90, message="Latitude must be between -90 and 90 degrees."
                            ),
                            django.core.validators.MaxValueValidator(
                                90, message="Latitude must be between -90 and 90 degrees."
                            ),
                        ],
                        verbose_name="latitude",
                    ),
                ),
                (
                    "longitude",
                    models.FloatField(
                        validators=[
                            django.core.validators.MinValueValidator(
                                -180, message="Longitude must be between -180 and 180 degrees."
                            ),
                            django.core.validators.MaxValueValidator(
                                180, message="Longitude must be between -180 and 180 degrees."
                            ),
                        ],
                        verbose_name="longitude",
                    ),
                ),
                (
                    "population",
                    models.PositiveBigIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(0, message="The population cannot be negative.")
                        ],
                        verbose_name="population",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        help_text="Where the data comes from: a web address or a short text.",
                        max_length=500,
                        verbose_name="source",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("requested", "Requested"),
                            ("added", "Added"),
                            ("merged", "Already listed"),
                            ("refused", "Refused"),
                        ],
                        db_index=True,
                        default="requested",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="requested")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        blank=True,
                        help_text="The place added, or the existing one this request duplicates.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="requests",
                        to="accounts.municipality",
                        verbose_name="municipality",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="municipality_requests",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "request for a missing municipality",
                "verbose_name_plural": "requests for missing municipalities",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
