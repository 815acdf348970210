# Regions by name and municipality names by language (issue 12): admin-written, never
# overwritten by the GeoNames import.
from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_names_in_every_script")]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="region_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "The region's name as the public reads it, such as “Lombardy” for the GeoNames code “09”. "
                    "Left empty, a bare code is not shown. The GeoNames import never overwrites it."
                ),
                max_length=100,
                verbose_name="region name",
            ),
        ),
        migrations.AddField(
            model_name="municipality",
            name="local_names",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text=(
                    "The place's name in other languages, by language code, such as “fr: Turin”, “es: Turín”, "
                    "“it: Torino”. They win over the names CLDR knows; the name in the country's language is "
                    "shown beside the reader's. The GeoNames import never overwrites them."
                ),
                validators=[accounts.models.validate_local_names],
                verbose_name="names by language",
            ),
        ),
    ]
