"""What a thread page holds: plain records built from the thread query's rows."""

from dataclasses import dataclass

from articles.models import Comment, origin_name
from articles.permissions import PENDING

# What readers see in place of a comment that is not shown but still has replies shown; what
# moderators see above such a comment's text.
TOMBSTONES = {
    Comment.State.PENDING: "[awaiting review]",
    Comment.State.HIDDEN: "[hidden by a moderator]",
    Comment.State.REMOVED: "[removed by a moderator]",
    Comment.State.DELETED: "[deleted by its author]",
}


@dataclass(slots=True)
class ThreadComment:
    """A comment as a thread shows it: plain values rather than a model instance (a page may
    hold 10,000 of them), and its place in the nesting.

    The last fields are set for one viewer by the selector: a comment the viewer may not read is
    a tombstone (``shown`` False, its title, author and text blanked) when something below it is
    shown, and is left out of the thread otherwise.
    """

    pk: int
    title: str
    body_html: str
    author: str
    created_iso: str
    created_display: str
    import_key: str | None
    tree_id: int
    lft: int
    rght: int
    level: int
    parent_id: int | None
    author_id: int | None
    state: str
    edited: bool
    recent: bool  # posted less than COMMENT_EDIT_WINDOW_MINUTES ago
    upvotes: int
    downvotes: int
    vote: int  # the viewer's own vote: 1, -1, or 0 (none, or an anonymous viewer)
    pinned: bool  # the article's pinned comment
    opens: bool = False  # its replies follow, inside its element
    closers: int = 0  # reply lists that close after it
    continues: bool = False  # it has replies deeper than the depth cap: link to its own page
    replies: int = 0  # replies shown below it, and all of those past the depth cap
    shown: bool = True  # its text is shown; False: a tombstone
    label: str = ""  # a tombstone's text, or (for moderators) the state of a hidden comment
    own: bool = False  # written by the viewer
    editable: bool = False  # the viewer may edit it now
    deletable: bool = False  # the viewer may delete it

    @property
    def origin(self) -> str:
        """The archive an imported comment came from ("Disqus"), or ""."""
        return origin_name(self.import_key)

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes

    @property
    def awaiting_review(self) -> bool:
        return self.own and self.state == PENDING

    @property
    def has_replies(self) -> bool:
        """Whether it has replies at all (whatever their state), from lft/rght."""
        return self.rght - self.lft > 1


@dataclass
class Thread:
    """Comments in tree order, each marked with how many nesting levels close after it."""

    comments: list[ThreadComment]

    def __len__(self):
        return len(self.comments)


@dataclass
class ThreadPage(Thread):
    """Some of an article's top-level threads, each whole down to the depth cap.

    Counts are of what readers see: ``threads`` counts the threads with at least one visible
    comment (and, for a signed-in reader, their own pending ones; for a moderator, every
    thread), ``total`` the article's visible comments.
    """

    sort: str
    number: int | None  # None: every thread on one page
    threads: int  # top-level threads of the article shown to this viewer
    total: int  # visible comments of the article
    first_thread: int  # position of the page's first thread, from 1
    thread_count: int  # threads on this page

    @property
    def last_thread(self) -> int:
        return self.first_thread + self.thread_count - 1

    @property
    def threads_after(self) -> int:
        return self.threads - self.last_thread

    @property
    def has_next(self) -> bool:
        return self.number is not None and self.threads_after > 0
