"""The tests' view of tree integrity: fail with what ``tree_problems`` found."""

from articles.threads.integrity import tree_problems


def assert_trees_valid():
    problems = tree_problems()
    assert problems == {}, f"broken comment trees: {problems}"
