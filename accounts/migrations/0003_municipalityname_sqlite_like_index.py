"""SQLite only: an index that SQLite's LIKE optimisation can use for prefix search.

SQLite's LIKE is case-insensitive, so it only uses an index built with COLLATE NOCASE
(https://www.sqlite.org/optoverview.html#the_like_optimization). Normalised names are
already lowercase, so NOCASE changes nothing about what matches. PostgreSQL uses the
varchar_pattern_ops index declared on the model instead; other databases get nothing.
"""

from django.db import migrations

INDEX = "accounts_munname_prefix_nocase"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" '
            'ON "accounts_municipalityname" ("normalized_name" COLLATE NOCASE)'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_municipality"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
