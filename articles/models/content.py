"""Articles and their comment trees.

Each top-level comment is the root of its own MPTT tree (``tree_id``), so a reply rewrites only
the lft/rght values of one thread, and writers to different threads of an article never wait for
each other. Tree ids come from a PostgreSQL sequence rather than mptt's ``MAX(tree_id) + 1``,
which two concurrent posters would both read.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

TREE_ID_SEQUENCE = "articles_comment_tree_id_seq"

# How the page names the archive an imported comment came from; other sources show as given.
SOURCE_NAMES = {
    "disqus": "Disqus",
    "wxr": "WordPress",
    "json": "a JSON archive",
    "text": "a text archive",
    "forum": "another forum",
}


def origin_name(import_key: str | None) -> str:
    """The archive named by an import key's source prefix ("disqus:123" → "Disqus"), or ""."""
    if not import_key:
        return ""
    source = import_key.partition(":")[0]
    return SOURCE_NAMES.get(source, source)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What readers see: published articles, and scheduled ones whose time has come (the
        query, not a job, publishes them)."""
        return self.filter(Article.public_q(now))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class CommentPolicy(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        AUTO = "auto", "Close COMMENTS_CLOSE_AFTER_DAYS after publication"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    body = models.TextField(help_text="Markdown; headings and https images allowed.")
    # The body rendered from Markdown by the newsroom; blank for imported plain-text bodies.
    body_html = models.TextField(blank=True)
    topics = models.ManyToManyField("articles.Topic", related_name="articles", blank=True)
    byline = models.CharField(max_length=500, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    # NULL when the source gave no date: the page shows none rather than the import's time.
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    corrected_at = models.DateTimeField(null=True, blank=True)
    # comments_open is the moderators' lock; comment_policy is the editors' choice.
    comments_open = models.BooleanField(default=True)
    comment_policy = models.CharField(
        max_length=10, choices=CommentPolicy.choices, default=CommentPolicy.AUTO
    )
    # Where an imported article came from ("disqus", "wxr", "json", "text", ...) and its id
    # there, so importing a newer export of the same site finds it again; blank when written here.
    import_source = models.CharField(max_length=30, blank=True)
    import_id = models.CharField(max_length=500, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            # The lists' "newest first" (undated articles last): the front page and topic pages
            # read 20 articles down it rather than sorting every article.
            models.Index(
                models.F("published_at").desc(nulls_last=True),
                models.F("id").desc(),
                name="article_public_newest_idx",
            ),
            # The few articles not published (drafts, withdrawn, scheduled), which a profile's
            # count and list leave out: found without reading every article.
            models.Index(
                fields=["id"],
                condition=~models.Q(status="published"),
                name="article_not_published_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "import_id"],
                condition=~models.Q(import_source=""),
                name="article_unique_import_id",
            ),
        ]
        permissions = [("publish_article", "Can write, schedule and publish articles")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("article_detail", kwargs={"slug": self.slug})

    @staticmethod
    def public_q(now=None) -> models.Q:
        """The condition :meth:`ArticleQuerySet.published` filters by."""
        scheduled_due = models.Q(
            status=Article.Status.SCHEDULED, published_at__lte=now or timezone.now()
        )
        return models.Q(status=Article.Status.PUBLISHED) | scheduled_due

    @property
    def topic_names(self) -> list[str]:
        """The names of its topics, in the order they were filed (imports and exports)."""
        # Brought along by the query (newsroom.selectors.with_topic_names): no query then.
        if hasattr(self, "ordered_topic_names"):
            return list(self.ordered_topic_names)
        links = Article.topics.through.objects.filter(article=self).order_by("id")
        return list(links.values_list("topic__name", flat=True))

    @property
    def imported_from(self) -> str:
        """Where it was imported from, as its page says it: the site, else the archive's kind."""
        return self.source_name or SOURCE_NAMES.get(self.import_source, self.import_source)

    @property
    def is_public(self) -> bool:
        if self.status == self.Status.SCHEDULED:
            return self.published_at is not None and self.published_at <= timezone.now()
        return self.status == self.Status.PUBLISHED

    @property
    def comments_close_at(self):
        """When the editors' automatic close shuts the thread, or None (never)."""
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        if self.comment_policy != self.CommentPolicy.AUTO or days is None:
            return None
        return self.published_at and self.published_at + timedelta(days=days)

    @property
    def comments_closed(self) -> bool:
        """Closed by the editors (closed, or past the automatic close), whatever the lock."""
        if self.comment_policy == self.CommentPolicy.CLOSED:
            return True
        close_at = self.comments_close_at
        return close_at is not None and close_at <= timezone.now()

    @property
    def accepts_comments(self) -> bool:
        """Whether new comments may be posted: public, not locked, not closed."""
        return self.comments_open and self.is_public and not self.comments_closed

    @property
    def source_link(self):
        """``source_url`` if it is a web address, else "": a javascript: URL must not be a link."""
        url = self.source_url
        return url if url.lower().startswith(("https://", "http://")) else ""

    @property
    def paragraphs(self):
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class CommentQuerySet(TreeQuerySet):
    def visible(self):
        return self.filter(state=Comment.State.VISIBLE)

    def in_thread_order(self):
        return self.order_by("tree_id", "lft")


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    def _get_next_tree_id(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [TREE_ID_SEQUENCE])
            return cursor.fetchone()[0]

    def insert_root(self, comment):
        """Store the new ``comment`` as the first of a thread of its own."""
        comment.tree_id = self._get_next_tree_id()
        comment.lft, comment.rght, comment.level = 1, 2, 0
        comment.save()  # with its place set, mptt inserts the row as it is

    def insert_reply(self, comment, parent):
        """Store the new ``comment`` as ``parent``'s last reply.

        The caller holds the thread's lock (``threads.locks.lock_comment_tree``), taken in an
        earlier statement so the parent read here is current. One statement makes room where mptt's
        insert takes two (re-read the parent, then shift): posting is a hot path.
        """
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH parent AS (
                    SELECT tree_id, rght, level FROM {table} WHERE id = %s
                ), shifted AS (
                    UPDATE {table} c
                    SET lft = CASE WHEN c.lft > parent.rght THEN c.lft + 2 ELSE c.lft END,
                        rght = c.rght + 2
                    FROM parent
                    WHERE c.tree_id = parent.tree_id AND c.rght >= parent.rght
                )
                SELECT tree_id, rght, level + 1 FROM parent
                """,
                [parent.pk],
            )
            comment.tree_id, comment.lft, comment.level = cursor.fetchone()
        comment.parent = parent
        comment.rght = comment.lft + 1
        comment.save()  # with its place set, mptt inserts the row as it is
        parent.rght = comment.rght + 1  # as stored now, as mptt's own insert would leave it

    def next_tree_ids(self, count):
        """Reserve ``count`` fresh tree ids at once (bulk imports)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [TREE_ID_SEQUENCE, count]
            )
            return [row[0] for row in cursor.fetchall()]


class Comment(MPTTModel):
    class State(models.TextChoices):
        VISIBLE = "visible", "Visible"
        PENDING = "pending", "Pending review"
        HIDDEN = "hidden", "Hidden by a moderator"
        REMOVED = "removed", "Removed by a moderator"
        DELETED = "deleted", "Deleted by its author"

    # No index of its own: comment_article_thread_idx starts with it, and every reply shifts
    # the rows after it, each shift writing to every index (see Meta.indexes).
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="comments", db_index=False
    )
    # Declared only to drop mptt's own index on it, which comment_tree_order_idx covers.
    tree_id = models.PositiveIntegerField(editable=False)
    # PROTECT: a comment with replies is never deleted from the database, only its state changes.
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.CharField(max_length=settings.COMMENT_TITLE_MAX_LENGTH, blank=True)
    body = models.TextField()
    body_html = models.TextField()
    # Indexed with created_at (Meta.indexes) for the duplicate check on every post.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
        db_index=False,
    )
    # Imported comments have no account: the name they were signed with.
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Imported without a time: created_at is the import's, for order only, and is not shown.
    time_unknown = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.VISIBLE)

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        TEXT = "text", "Plain text"
        HTML = "html", "HTML"

    # How ``body`` became ``body_html``: posts are Markdown, imported archives text or HTML.
    body_format = models.CharField(
        max_length=10, choices=BodyFormat.choices, default=BodyFormat.MARKDOWN
    )
    # Where an imported comment came from, "<source>:<original id>" (e.g. "disqus:8231"), so
    # re-importing the same source changes nothing.
    # NULL, not "", for posted comments: the unique constraint must not pair them up.
    import_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # Set when its author last edited it; the earlier versions are CommentRevision rows.
    edited_at = models.DateTimeField(null=True, blank=True)
    # Votes (articles/votes), kept here so a page ranks comments without counting vote rows;
    # changed only by one UPDATE adding to them. db_default: bulk inserts (COPY) omit them.
    upvotes = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    downvotes = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = CommentManager()

    class MPTTMeta:
        order_insertion_by = []

    class Meta:
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="comment_tree_order_idx"),
            models.Index(fields=["article", "tree_id", "lft"], name="comment_article_thread_idx"),
            # An author's comments, newest last: the duplicate check reads only the last minutes
            # of a prolific author's comments. With what a profile counts, so that its count and
            # karma read this index alone, not a table row per comment (a busy member's profile
            # took 90 ms at a million comments).
            models.Index(
                fields=["author", "created_at"],
                include=["state", "article", "upvotes", "downvotes"],
                name="comment_author_recent_idx",
            ),
            # An article's top-level threads, for paging and sorting them without reading
            # their replies, nor their own rows: with what each order and the shown-threads test
            # read (an article of 30,000 threads took 60 ms to page through table rows), and the
            # landing page after a post counts. The scored orders have expression indexes of
            # their own for that count (migration 0016_posting).
            models.Index(
                fields=["article", "tree_id"],
                include=["lft", "rght", "id", "state", "upvotes", "downvotes"],
                condition=models.Q(parent=None),
                name="comment_article_roots_idx",
            ),
            # The few comments readers do not see: what is visible is counted as everything
            # (from lft/rght) minus these.
            models.Index(
                fields=["article", "tree_id"],
                condition=~models.Q(state="visible"),
                name="comment_not_visible_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "import_key"], name="comment_unique_import_key"
            ),
        ]
        permissions = [("moderate_comment", "Can moderate comments, users and threads")]

    def __str__(self):
        return self.title or self.body[:60]

    def get_absolute_url(self):
        return reverse("comment_detail", kwargs={"pk": self.pk})

    @property
    def display_author(self):
        if self.author_id:
            return self.author.get_username()
        return self.author_name or "Anonymous"

    @property
    def is_visible(self):
        return self.state == self.State.VISIBLE

    @property
    def reply_count(self):
        """Descendants in this subtree, read from lft/rght without a query."""
        return (self.rght - self.lft - 1) // 2


class CommentRevision(models.Model):
    """A comment's text as it was before one of its author's edits, kept for moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    title = models.CharField(max_length=settings.COMMENT_TITLE_MAX_LENGTH, blank=True)
    body = models.TextField()
    body_html = models.TextField()
    # When this version was written (posted, or an earlier edit) and when an edit replaced it.
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "-replaced_at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"Version of comment {self.comment_id} written {self.written_at:%Y-%m-%d %H:%M}"
