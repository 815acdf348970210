"""SQLite only: an index that SQLite's LIKE optimisation can use for the library's prefix
search (accounts/migrations/0003 explains why: SQLite's LIKE only uses a COLLATE NOCASE
index). Search terms are already lowercase. PostgreSQL uses the varchar_pattern_ops index
declared on the model."""

from django.db import migrations

INDEX = "learning_term_prefix_nocase"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "learning_actionsearchterm" ("term" COLLATE NOCASE)'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_local_actions_and_peer_learning")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
