from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0008_announcement_language_arabic"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="statement_language",
            field=models.CharField(
                blank=True,
                default="",
                max_length=16,
                verbose_name="language of the statement",
            ),
        ),
    ]
