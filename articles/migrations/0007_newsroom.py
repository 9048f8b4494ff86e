# The newsroom (issue 11): article status and scheduling, topics as a model, revisions, the
# editors' comment policy, dates that may be unknown, and the "Editors" group.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# A frozen copy of articles.permissions.EDITOR_PERMISSIONS (a test keeps the two equal).
EDITOR_PERMISSIONS = [
    ("articles", "publish_article"),
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "add_topic"),
    ("articles", "change_topic"),
    ("articles", "view_topic"),
    ("articles", "view_articlerevision"),
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after the last migration; the group needs them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    for app_label, codename in EDITOR_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_comment_indexes_for_posting"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Topic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80, unique=True)),
                ("slug", models.SlugField(max_length=100, unique=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="ArticleRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=300)),
                ("summary", models.TextField(blank=True)),
                ("body", models.TextField()),
                ("byline", models.CharField(blank=True, max_length=500)),
                ("replaced_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("article", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="revisions", to="articles.article")),
                ("replaced_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["article", "-replaced_at", "-id"], "default_permissions": ("view",)},
        ),
        # The free-text topics stay, renamed, until 0007_newsroom_topics has copied them.
        migrations.RenameField(model_name="article", old_name="topics", new_name="topic_names"),
        migrations.AddField(
            model_name="article",
            name="topics",
            field=models.ManyToManyField(blank=True, related_name="articles", to="articles.topic"),
        ),
        migrations.AddField(
            model_name="article",
            name="body_html",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(help_text="Markdown; headings and https images allowed."),
        ),
        # Every article before this migration is published.
        migrations.AddField(
            model_name="article",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published"), ("withdrawn", "Withdrawn")],
                default="published",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="corrected_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="comment_policy",
            field=models.CharField(
                choices=[("open", "Open"), ("closed", "Closed"), ("auto", "Close COMMENTS_CLOSE_AFTER_DAYS after publication")],
                default="auto",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-published_at", "-id"],
                "permissions": [("publish_article", "Can write, schedule and publish articles")],
            },
        ),
        migrations.AddField(
            model_name="comment",
            name="time_unknown",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(create_editors_group, remove_editors_group),
    ]
