"""The release a process runs: what keeps two versions' cached HTML apart in a rolling deploy."""

import re
import tomllib
from pathlib import Path

_MIGRATION = re.compile(r"(\d{4})_\w+\.py")


def current_release(base_dir: Path) -> str:
    """``<package version>+<latest migration>``, e.g. ``0.1.0+0007``.

    The version alone is not enough between tagged releases (two builds of 0.1.0 may render
    differently); the migration number follows the schema the templates read.
    """
    with open(base_dir / "pyproject.toml", "rb") as pyproject:
        version = tomllib.load(pyproject)["project"]["version"]
    migrations = sorted(
        match[1]
        for path in (base_dir / "articles" / "migrations").iterdir()
        if (match := _MIGRATION.fullmatch(path.name))
    )
    return f"{version}+{migrations[-1] if migrations else '0000'}"
