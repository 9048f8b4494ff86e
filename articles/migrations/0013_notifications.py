"""Notifications (issue 14): notifications, follows, mutes and article visits; the profile's
"reply notifications" box becomes the notification mail preference (unticked: never)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _mail_preference(apps, schema_editor):
    Profile = apps.get_model("articles", "Profile")
    Profile.objects.filter(reply_notifications=False).update(notification_email="never")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="notification_email",
            field=models.CharField(
                choices=[
                    ("immediately", "At once (at most one mail per discussion an hour)"),
                    ("daily", "In a daily digest"),
                    ("never", "Never (notifications stay on the site)"),
                ],
                default="immediately",
                max_length=12,
            ),
        ),
        migrations.RunPython(_mail_preference, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="profile",
            name="reply_notifications",
        ),
        migrations.CreateModel(
            name="ArticleVisit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seen_at", models.DateTimeField()),
                ("previous_at", models.DateTimeField(blank=True, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(fields=("user", "article"), name="article_visit_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="Follow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.comment",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "default_permissions": ("view",),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("article__isnull", True), ("comment__isnull", True), _connector="XOR"
                        ),
                        name="follow_one_target",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("article__isnull", False)),
                        fields=("user", "article"),
                        name="follow_article_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("comment__isnull", False)),
                        fields=("user", "comment"),
                        name="follow_comment_once",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Mute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.comment",
                    ),
                ),
                (
                    "muted_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "default_permissions": ("view",),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("article__isnull", False),
                                ("comment__isnull", True),
                                ("muted_user__isnull", True),
                            ),
                            models.Q(
                                ("article__isnull", True),
                                ("comment__isnull", False),
                                ("muted_user__isnull", True),
                            ),
                            models.Q(
                                ("article__isnull", True),
                                ("comment__isnull", True),
                                ("muted_user__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="mute_one_target",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("article__isnull", False)),
                        fields=("user", "article"),
                        name="mute_article_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("comment__isnull", False)),
                        fields=("user", "comment"),
                        name="mute_comment_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("muted_user__isnull", False)),
                        fields=("user", "muted_user"),
                        name="mute_user_once",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("mention", "mentioned you"),
                            ("reply", "replied to your comment"),
                            ("followed_comment", "replied in a thread you follow"),
                            ("followed_article", "commented on an article you follow"),
                        ],
                        max_length=20,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("mailed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.comment",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "default_permissions": ("view",),
                "indexes": [
                    models.Index(
                        condition=models.Q(("read_at__isnull", True)),
                        fields=["recipient", "created_at"],
                        name="notification_unread_idx",
                    ),
                    models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("comment", "recipient"), name="notification_once_per_comment"
                    )
                ],
            },
        ),
    ]
