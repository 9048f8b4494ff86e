"""Rebuild a damaged comment tree from its parent links (for ``check_comment_trees --repair``).

Parent links are the one thing a reader sees directly (which comment answers which), so they are
taken as the truth; tree_id, lft, rght and level are derived data and are recomputed from them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from articles.models import Comment
from articles.threads.cache import thread_changed
from articles.threads.integrity import tree_problems
from articles.threads.locks import lock_comment_tree

_TABLE = Comment._meta.db_table

# The top-level comments above every comment of the given trees. UNION (not UNION ALL) stops the
# walk on a loop of parent links instead of running forever.
_ROOTS_SQL = f"""
    WITH RECURSIVE up(id, parent_id) AS (
        SELECT id, parent_id FROM {_TABLE} WHERE tree_id = ANY(%s)
      UNION
        SELECT c.id, c.parent_id FROM {_TABLE} c JOIN up ON c.id = up.parent_id
    )
    SELECT id FROM up WHERE parent_id IS NULL
"""  # noqa: S608 - the table name is the model's, not input

# Every comment below the given top-level comments, following parent links.
_FAMILY_SQL = f"""
    WITH RECURSIVE down(id) AS (
        SELECT id FROM {_TABLE} WHERE id = ANY(%s)
      UNION
        SELECT c.id FROM {_TABLE} c JOIN down ON c.parent_id = down.id
    )
    SELECT c.id, c.parent_id, c.tree_id, c.lft, c.rght, c.level, c.article_id
    FROM {_TABLE} c JOIN down USING (id)
    ORDER BY c.id
"""  # noqa: S608 - the table name is the model's, not input


@dataclass
class RepairResult:
    tree_ids: list[int]  # every tree rewritten, including any new ones
    comments: int  # comments in those trees
    changed: int  # comments whose tree_id, lft, rght or level changed


def comment_tree_repair(*, tree_id: int) -> RepairResult:
    """Recompute tree_id, lft, rght and level of one tree (and any tree tangled with it).

    Runs in one transaction holding the advisory lock of every tree it rewrites, so posters
    wait rather than write into a tree being rebuilt. Replies are ordered by id, which is the
    order they were added in (mptt appends each reply as its parent's last child). A comment
    filed under the wrong tree_id follows its parent; a second top-level comment sharing the
    tree gets a fresh tree of its own. Loops of parent links, or a reply on another article
    than its parent, cannot be derived from parent links: the repair refuses and changes
    nothing. Every article whose thread it rewrites has its cached pages retired.
    """
    with transaction.atomic():
        trees, family = _lock_tangled_trees(tree_id)
        stranded = (
            Comment.objects.filter(tree_id__in=trees)
            .exclude(pk__in=[node["id"] for node in family])
            .values_list("pk", flat=True)
        )
        if stranded:
            raise ValidationError(
                f"Comments {', '.join(map(str, sorted(stranded)))} have no top-level comment "
                "above them (their parent links form a loop); set their parent by hand first."
            )
        if not family:
            raise ValidationError(f"There is no comment tree {tree_id}.")
        numbering = _number_from_parent_links(family)
        changed = [
            Comment(pk=node["id"], **numbering[node["id"]])
            for node in family
            if any(node[field] != value for field, value in numbering[node["id"]].items())
        ]
        Comment.objects.bulk_update(changed, ["tree_id", "lft", "rght", "level"], batch_size=1000)
        rewritten = sorted({values["tree_id"] for values in numbering.values()} | trees)
        remaining = tree_problems(tree_ids=rewritten)
        if remaining:
            raise ValidationError(
                "Rebuilding from parent links does not fix everything, so nothing was changed: "
                + "; ".join(f"tree {t}: {', '.join(p)}" for t, p in sorted(remaining.items()))
            )
        # Cached pages show the broken order; retired only if the repair commits.
        for article_id in sorted({node["article_id"] for node in family}):
            thread_changed(article_id)
    return RepairResult(tree_ids=rewritten, comments=len(family), changed=len(changed))


def _lock_tangled_trees(tree_id: int) -> tuple[set[int], list[dict]]:
    # A comment filed under the wrong tree_id ties its tree to its parent's: the repair takes
    # both, and whatever those touch in turn, until the set stops growing.
    trees, locked = {tree_id}, set()
    while True:
        for tree in sorted(trees - locked):
            lock_comment_tree(tree)
        locked |= trees
        with connection.cursor() as cursor:
            cursor.execute(_ROOTS_SQL, [sorted(trees)])
            roots = [row[0] for row in cursor.fetchall()]
            cursor.execute(_FAMILY_SQL, [roots])
            columns = [column.name for column in cursor.description]
            family = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        grown = trees | {node["tree_id"] for node in family}
        if grown == trees:
            return trees, family
        trees = grown


def _number_from_parent_links(family: list[dict]) -> dict[int, dict]:
    children = defaultdict(list)
    for node in family:  # ordered by id
        children[node["parent_id"]].append(node)
    roots = children[None]
    claimed: set[int] = set()
    needs_new_tree = []
    for root in roots:
        if root["tree_id"] in claimed:
            needs_new_tree.append(root)
        claimed.add(root["tree_id"])
    fresh = iter(Comment.objects.next_tree_ids(len(needs_new_tree)) if needs_new_tree else [])
    new_tree = {root["id"]: next(fresh) for root in needs_new_tree}

    numbering: dict[int, dict] = {}
    for root in roots:
        tree = new_tree.get(root["id"], root["tree_id"])
        # Iterative depth-first walk: reply chains can be thousands deep.
        counter = 1
        numbering[root["id"]] = {"tree_id": tree, "lft": 1, "level": 0}
        path = [(root, iter(children[root["id"]]))]
        while path:
            node, pending = path[-1]
            child = next(pending, None)
            counter += 1
            if child is None:
                numbering[node["id"]]["rght"] = counter
                path.pop()
            else:
                numbering[child["id"]] = {"tree_id": tree, "lft": counter, "level": len(path)}
                path.append((child, iter(children[child["id"]])))
    return numbering
