"""Announcement moves from the campaign app to pledges (an announcement goes to the
officials of signatories). Its table stays campaign_announcement: only Django's record of
the model moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0004_delivery_group_key'),
        ('pledges', '0003_reminder_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Announcement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French'), ('es', 'Spanish')], default='en', help_text='The language the subject and message are written in.', max_length=8, verbose_name='language')),
                ('subject', models.CharField(max_length=200, verbose_name='subject')),
                ('body', models.TextField(help_text='Plain text. Blank lines separate paragraphs.', verbose_name='message')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('sending', 'Sending'), ('sent', 'Sent')], default='draft', max_length=12, verbose_name='status')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='recipients')),
                ('sent_count', models.PositiveIntegerField(default=0, verbose_name='sent')),
                ('failed_count', models.PositiveIntegerField(default=0, verbose_name='failed')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('send_started_at', models.DateTimeField(blank=True, null=True, verbose_name='sending started')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='announcements', to='campaign.campaign', verbose_name='campaign')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
            ],
            options={
                'verbose_name': 'announcement',
                'verbose_name_plural': 'announcements',
                'db_table': 'campaign_announcement',
                'ordering': ['-created_at', '-pk'],
            },
        ),
                ],
        ),
    ]
