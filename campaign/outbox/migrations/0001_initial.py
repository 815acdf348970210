"""The outbox takes over EmailDelivery and EmailOptOut from the campaign app. Their tables
stay where they are (campaign_emaildelivery, campaign_emailoptout): only Django's record
of the models moves, so no row is copied."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("campaign", "0004_delivery_group_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='EmailDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('idempotency_key', models.CharField(max_length=200, unique=True, verbose_name='idempotency key')),
                ('to_email', models.EmailField(blank=True, max_length=254, verbose_name='address')),
                ('template', models.CharField(db_index=True, max_length=100, verbose_name='template')),
                ('category', models.CharField(choices=[('transactional', 'Account and pledge messages'), ('reminder', 'Reporting reminders'), ('digest', 'Progress digests'), ('announcement', 'Campaign announcements')], default='transactional', max_length=16, verbose_name='category')),
                ('context', models.JSONField(blank=True, default=dict, verbose_name='context')),
                ('language', models.CharField(blank=True, max_length=8, verbose_name='language')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('sent', 'Sent'), ('retrying', 'Retrying'), ('failed', 'Failed'), ('suppressed', 'Suppressed (opted out)')], default='queued', max_length=12, verbose_name='status')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('group_key', models.CharField(blank=True, db_index=True, max_length=100, verbose_name='group')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='queued')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='email_deliveries', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
            ],
            options={
                'verbose_name': 'email delivery',
                'verbose_name_plural': 'email deliveries',
                'db_table': 'campaign_emaildelivery',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['status', 'updated_at'], name='campaign_delivery_status')],
            },
        ),
        migrations.CreateModel(
            name='EmailOptOut',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('reminder', 'Reporting reminders'), ('digest', 'Progress digests'), ('announcement', 'Campaign announcements')], max_length=16, verbose_name='category')),
                ('source', models.CharField(choices=[('link', 'Unsubscribe link'), ('one_click', 'One-click unsubscribe from the mail program'), ('preferences', 'Email preferences page')], default='link', max_length=16, verbose_name='how')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='since')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='email_opt_outs', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'email opt-out',
                'verbose_name_plural': 'email opt-outs',
                'db_table': 'campaign_emailoptout',
                'constraints': [models.UniqueConstraint(fields=('user', 'category'), name='campaign_email_opt_out_unique')],
            },
        ),
                ],
        ),
    ]
