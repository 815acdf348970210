# Placeholder: filled in by the work that owns this migration (issue 12).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_names_in_every_script")]

    operations = []
