"""Editors write articles in the admin; readers and moderators who are not editors cannot."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRevision, Topic
from articles.permissions import can_edit_articles, can_moderate
from tests.factories import make_article, make_comment, make_editor, make_moderator, make_user
from tests.urlwalk import endpoints

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def form_data(**fields):
    data = {
        "title": "Chips get faster",
        "slug": "chips-get-faster",
        "summary": "New chips.",
        "body": "# Results\n\nChip makers **showed** parts.",
        "byline": "By the newsroom",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "comment_policy": "auto",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_writes_a_draft_filed_under_topics():
    topic = Topic.objects.create(name="Hardware", slug="hardware")
    client = signed_in(make_editor())
    page = client.get(ADD)
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["status"] == "draft"
    response = client.post(ADD, form_data(topics=[topic.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="chips-get-faster")
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert (
        article.body_html == "<h2>Results</h2>\n<p>Chip makers <strong>showed</strong> parts.</p>\n"
    )
    assert list(article.topics.all()) == [topic]


def test_scheduling_needs_a_future_time():
    client = signed_in(make_editor())
    response = client.post(ADD, form_data(status="scheduled"))
    assert response.status_code == 200
    assert "publication time in the future" in str(response.context["adminform"].form.errors)
    assert not Article.objects.exists()


def test_publishing_stamps_the_time_and_locks_the_slug():
    client = signed_in(make_editor())
    client.post(ADD, form_data(status="published"))
    article = Article.objects.get()
    assert article.published_at is not None and article.is_public
    change = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(change).content.decode()
    assert 'name="slug"' not in page  # shown, not editable
    client.post(change, form_data(slug="another-address", status="published"))
    assert Article.objects.get().slug == "chips-get-faster"


def test_editing_a_published_article_keeps_its_earlier_version_and_may_note_it():
    editor = make_editor()
    client = signed_in(editor)
    client.post(ADD, form_data(status="published"))
    article = Article.objects.get()
    change = reverse("admin:articles_article_change", args=[article.pk])
    published = {
        "status": "published",
        "published_at_0": timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(article.published_at).strftime("%H:%M:%S"),
    }
    response = client.post(change, form_data(title="Chips get much faster", **published))
    assert response.status_code == 302
    revision = ArticleRevision.objects.get()
    assert (revision.title, revision.replaced_by) == ("Chips get faster", editor)
    assert Article.objects.get().corrected_at is None

    client.post(change, form_data(title="Chips got faster", visible_correction="on", **published))
    assert Article.objects.get().corrected_at is not None
    assert ArticleRevision.objects.count() == 2
    page = client.get(change).content.decode()
    assert "Earlier versions" in page and "Chips get much faster" in page


def test_a_draft_is_edited_without_keeping_versions():
    client = signed_in(make_editor())
    client.post(ADD, form_data())
    article = Article.objects.get()
    change = reverse("admin:articles_article_change", args=[article.pk])
    client.post(change, form_data(title="Better title", slug="better-title"))
    assert Article.objects.get().slug == "better-title"
    assert not ArticleRevision.objects.exists()


def test_view_on_site_previews_a_draft_for_editors_only():
    article = make_article(status=Article.Status.DRAFT, title="Secret plans")
    client = signed_in(make_editor())
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "View on site" in page.content.decode()
    preview = client.get(article.get_absolute_url())
    assert preview.status_code == 200
    assert "Draft: only editors see this page." in preview.content.decode()
    assert Client().get(article.get_absolute_url()).status_code == 404
    assert signed_in(make_moderator()).get(article.get_absolute_url()).status_code == 404


def test_grant_editor_makes_an_editor_and_revokes_it():
    user = make_user("ed")
    call_command("grant_editor", "ed")
    user.refresh_from_db()
    assert user.is_staff and can_edit_articles(user) and not can_moderate(user)
    call_command("grant_editor", "ed", "--revoke")
    user = type(user).objects.get(pk=user.pk)
    assert not user.is_staff and not can_edit_articles(user)


def test_revoking_an_editor_who_moderates_keeps_the_admin():
    user = make_moderator("mod")
    call_command("grant_editor", "mod")
    call_command("grant_editor", "mod", "--revoke")
    user.refresh_from_db()
    assert user.is_staff


@pytest.mark.parametrize("who", ["reader", "staff reader", "moderator"])
def test_who_is_not_an_editor_cannot_add_or_change_articles(who):
    user = {
        "reader": lambda: make_user(),
        "staff reader": lambda: make_user(is_staff=True),
        "moderator": lambda: make_moderator(),
    }[who]()
    article = make_article(title="Original")
    draft = make_article(status=Article.Status.DRAFT)
    client = signed_in(user)
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(ADD).status_code in (302, 403)
    assert client.post(ADD, form_data()).status_code in (302, 403)
    page = client.post(change, form_data(title="Rewritten", slug=article.slug))
    assert page.status_code in (302, 403)
    assert Article.objects.get(pk=article.pk).title == "Original"
    assert Article.objects.count() == 2
    assert client.get(draft.get_absolute_url()).status_code == 404
    topic_add = reverse("admin:articles_topic_add")
    assert client.post(topic_add, {"name": "X", "slug": "x"}).status_code in (302, 403)
    assert not Topic.objects.exists()


def test_an_editor_cannot_moderate_unless_also_a_moderator(world_values):
    editor = make_editor()
    client = signed_in(editor)
    assert not can_moderate(editor)
    moderation = [e for e in endpoints(world_values) if e.route.startswith("moderation/")]
    assert len(moderation) > 5
    for endpoint in moderation:
        send = client.get if endpoint.kind == "read" else client.post
        assert send(endpoint.url).status_code == 403, endpoint.name
    comments = reverse("admin:articles_comment_changelist")
    assert client.get(comments).status_code == 403

    editor.groups.add(make_moderator().groups.get())
    editor = type(editor).objects.get(pk=editor.pk)
    assert can_moderate(editor) and can_edit_articles(editor)


def test_the_new_pages_only_read(world_values):
    client = signed_in(make_user())
    new = {"home", "feed_latest", "topic_detail"}
    found = {e.name: e for e in endpoints(world_values) if e.name in new}
    assert set(found) == new
    for endpoint in found.values():
        assert endpoint.kind == "read", endpoint.name
        assert client.post(endpoint.url).status_code == 405


@pytest.fixture
def world_values():
    article = make_article(published_at=timezone.now() - timedelta(days=1), topics=["Chips"])
    comment = make_comment(article)
    user = make_user(password=None)
    return {
        "slug": article.slug,
        "pk": comment.pk,
        "comment_pk": comment.pk,
        "comment_id": comment.pk,
        "object_id": user.pk,
        "id": user.pk,
        "content_type_id": 1,
        "app_label": "auth",
        "url": "no-such-admin-page/",
        "uidb36": "1",
        "key": "no-such-key",
        "username": user.username,
    }


def test_moderators_read_articles_in_the_admin_and_keep_their_lock():
    article = make_article(title="Readable", topics=["Chips"])
    client = signed_in(make_moderator())
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Readable" in html and 'name="_save"' not in html
    assert 'value="lock_comments"' in html
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "lock_comments", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    assert not Article.objects.get(pk=article.pk).comments_open


def test_editors_list_articles_without_the_moderators_actions():
    make_article(title="Listed")
    html = signed_in(make_editor()).get(reverse("admin:articles_article_changelist"))
    assert "Listed" in html.content.decode()
    assert 'value="lock_comments"' not in html.content.decode()
