"""Checks that comment trees are valid nested sets; shared by the tests and operators' tools."""

from collections import defaultdict

from articles.models import Comment


def tree_problems(tree_ids=None) -> dict[int, list[str]]:
    """Every broken tree (all of them, or those in ``tree_ids``) with what is wrong with it.

    A valid tree has lft/rght forming a nesting of 1..2n, exactly one root, levels one below the
    parent, replies inside their parent's bounds (and directly inside it, not inside a sibling),
    and every reply in its parent's tree and on its parent's article.
    """
    rows = Comment.objects.order_by("tree_id", "lft")
    if tree_ids is not None:
        rows = rows.filter(tree_id__in=tree_ids)
    nodes = list(rows.values("id", "parent_id", "article_id", "tree_id", "lft", "rght", "level"))
    by_id = {node["id"]: node for node in nodes}
    trees = defaultdict(list)
    for node in nodes:
        trees[node["tree_id"]].append(node)
    problems: dict[int, list[str]] = {}
    for tree_id, members in trees.items():
        found = _problems_in_tree(members, by_id)
        if found:
            problems[tree_id] = found
    return problems


def _problems_in_tree(members, by_id) -> list[str]:
    found = []
    bounds = sorted(value for node in members for value in (node["lft"], node["rght"]))
    if bounds != list(range(1, 2 * len(members) + 1)):
        found.append("lft/rght values are not exactly 1..2n (gaps or duplicates)")
    roots = [node for node in members if node["parent_id"] is None]
    if len(roots) != 1:
        found.append(f"{len(roots)} top-level comments share this tree")
    for node in members:
        parent = by_id.get(node["parent_id"])
        if node["parent_id"] is None:
            if node["level"] != 0 or node["lft"] != 1:
                found.append(f"comment {node['id']}: a top-level comment must have level 0, lft 1")
        elif parent is None or parent["tree_id"] != node["tree_id"]:
            found.append(f"comment {node['id']}: its parent is in another tree")
        else:
            if not parent["lft"] < node["lft"] < node["rght"] < parent["rght"]:
                found.append(f"comment {node['id']}: not inside its parent's lft/rght")
            if node["level"] != parent["level"] + 1:
                found.append(f"comment {node['id']}: level is not its parent's level + 1")
            if node["article_id"] != parent["article_id"]:
                found.append(f"comment {node['id']}: on another article than its parent")
    if not found:
        found.extend(_nesting_problems(members))
    return found


def _nesting_problems(members) -> list[str]:
    # Bounds and levels can all be right while a reply's lft/rght sit inside a sibling of its
    # parent: mptt would then report the sibling as its parent. Walk the intervals in lft order
    # and compare the innermost enclosing one with the parent link.
    found = []
    open_nodes = []
    for node in members:  # ordered by lft
        while open_nodes and open_nodes[-1]["rght"] < node["lft"]:
            open_nodes.pop()
        enclosing = open_nodes[-1]["id"] if open_nodes else None
        if open_nodes and node["rght"] > open_nodes[-1]["rght"]:
            found.append(f"comment {node['id']}: lft/rght overlap comment {enclosing}'s")
        elif enclosing != node["parent_id"]:
            found.append(
                f"comment {node['id']}: lft/rght place it under comment {enclosing}, "
                f"not under its parent {node['parent_id']}"
            )
        open_nodes.append(node)
    return found
