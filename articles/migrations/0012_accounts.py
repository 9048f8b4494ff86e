"""Accounts (issue 12): profiles with the forms of each name that sign-up compares, one for every
existing user; existing users' e-mail addresses handed to allauth, unverified; two audit actions."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from articles.accounts.usernames import username_key, username_skeleton


def _profiles_and_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Profile = apps.get_model("articles", "Profile")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.order_by("pk").iterator():
        Profile.objects.create(
            user_id=user.pk,
            username_key=username_key(user.username),
            username_skeleton=username_skeleton(user.username),
        )
        email = (user.email or "").strip().lower()  # as allauth stores addresses
        if email and not EmailAddress.objects.filter(email__iexact=email).exists():
            EmailAddress.objects.create(user_id=user.pk, email=email, verified=False, primary=True)


def _no_profiles(apps, schema_editor):
    # The profiles go with their table; the addresses are allauth's, dropped with its tables.
    apps.get_model("articles", "Profile").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_hosts'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('account', '0009_emailaddress_unique_primary_email'),
    ]

    operations = [
        migrations.CreateModel(
            name='Profile',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='profile', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('username_key', models.CharField(db_index=True, max_length=150)),
                ('username_skeleton', models.CharField(db_index=True, max_length=150)),
                ('thread_order', models.CharField(choices=[('oldest', 'Oldest first'), ('newest', 'Newest first'), ('replies', 'Most replies first')], default='oldest', max_length=10)),
                ('reply_notifications', models.BooleanField(default=True, help_text='Mail me when someone replies to my comments.')),
                ('deleted_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AlterField(
            model_name='auditlogentry',
            name='action',
            field=models.CharField(choices=[('approve', 'Approve comment'), ('hide', 'Hide comment'), ('remove', 'Remove comment'), ('restore', 'Restore comment'), ('hide_branch', 'Hide branch'), ('restore_branch', 'Restore branch'), ('delete', 'Author deleted comment'), ('hold', 'Hold comment for review'), ('auto_hide', 'Hide comment after reports'), ('lock', 'Lock thread'), ('unlock', 'Unlock thread'), ('suspend', 'Suspend user'), ('ban', 'Ban user'), ('lift', 'Lift suspension or ban'), ('account_export', 'User downloaded their data'), ('account_delete', 'User deleted their account'), ('unreliable', 'Mark reporter unreliable'), ('reliable', "Count reporter's reports again"), ('word_list', 'Change word list'), ('pin', 'Pin comment'), ('unpin', 'Unpin comment')], max_length=20),
        ),
        migrations.RunPython(_profiles_and_addresses, _no_profiles),
    ]
