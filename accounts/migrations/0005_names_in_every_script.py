# Arabic joins the site languages; names in every script are searched by how well they match
# (issue 12): MunicipalityName.kind.
import django.db.models.deletion
from django.db import migrations, models

from accounts.names import search_forms_by_kind

NOCASE_INDEX = "accounts_munname_prefix_nocase"


def recreate_nocase_index(apps, schema_editor):
    # Adding a column makes SQLite rebuild the table, which drops the raw index of 0003.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{NOCASE_INDEX}" '
            'ON "accounts_municipalityname" ("normalized_name" COLLATE NOCASE)'
        )


def rebuild_search_names(apps, schema_editor):
    """Give the forms already stored their kind: rebuilt from each place's names, in batches."""
    Municipality = apps.get_model("accounts", "Municipality")
    MunicipalityName = apps.get_model("accounts", "MunicipalityName")
    rows = Municipality.objects.order_by("pk").values_list("pk", "name", "ascii_name", "alternate_names")
    batch: list[tuple] = []

    def flush():
        MunicipalityName.objects.filter(municipality_id__in=[row[0] for row in batch]).delete()
        MunicipalityName.objects.bulk_create(
            [
                MunicipalityName(municipality_id=pk, normalized_name=form, kind=kind)
                for pk, name, ascii_name, alternates in batch
                for form, kind in search_forms_by_kind([name, ascii_name], alternates or []).items()
            ],
            batch_size=5000,
        )
        batch.clear()

    for row in rows.iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) == 2000:
            flush()
    if batch:
        flush()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_memberships")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="preferred_language",
            field=models.CharField(
                choices=[("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")],
                default="en",
                help_text="Emails and reminders are sent in this language.",
                max_length=8,
                verbose_name="preferred language",
            ),
        ),
        migrations.AddField(
            model_name="municipalityname",
            name="kind",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "the place's own name"),
                    (1, "a name in another language or script"),
                    (2, "a later word of a name"),
                ],
                default=0,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="municipalityname",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="search_names",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(recreate_nocase_index, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(rebuild_search_names, migrations.RunPython.noop, elidable=True),
    ]
