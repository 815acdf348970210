# Arabic joins the site languages; the rest is filled in by the search work of issue 12.
from django.db import migrations, models


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
    ]
