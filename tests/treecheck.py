"""Asserts that every comment tree in the database is a valid nested set."""

from collections import defaultdict

from articles.models import Comment


def assert_trees_valid():
    rows = list(
        Comment.objects.order_by("tree_id", "lft").values(
            "id", "parent_id", "article_id", "tree_id", "lft", "rght", "level"
        )
    )
    by_id = {row["id"]: row for row in rows}
    trees = defaultdict(list)
    for row in rows:
        trees[row["tree_id"]].append(row)
    for tree_id, nodes in trees.items():
        bounds = sorted(v for node in nodes for v in (node["lft"], node["rght"]))
        assert bounds == list(range(1, 2 * len(nodes) + 1)), f"tree {tree_id}: lft/rght gaps"
        roots = [node for node in nodes if node["parent_id"] is None]
        assert len(roots) == 1, f"tree {tree_id}: {len(roots)} roots"
        for node in nodes:
            parent = by_id.get(node["parent_id"])
            if parent is None:
                assert node["level"] == 0 and node["lft"] == 1
                continue
            assert parent["tree_id"] == tree_id, f"comment {node['id']} outside its parent's tree"
            assert parent["lft"] < node["lft"] < node["rght"] < parent["rght"]
            assert node["level"] == parent["level"] + 1
            assert node["article_id"] == parent["article_id"]
