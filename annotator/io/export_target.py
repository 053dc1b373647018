"""Where an export may write: never over a database, its journal files or its backups.

An export replaces its target file. Pointed at ``PROJECT.db-wal`` while the window has the
project open, that would destroy confirmed annotations; pointed at any SQLite file it would
destroy another project. :func:`refusal` names the reason, or returns "" when the path is
safe to replace.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Files SQLite keeps beside a database while it is open (WAL mode and rollback journal).
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: The copy made before a schema upgrade: ``PROJECT.db.vN-YYYYmmdd-HHMMSS.bak``.
_BACKUP = re.compile(r"^(?P<base>.+)\.v\d+-[0-9-]+\.bak$")


def is_sqlite(path: Path) -> bool:
    """True when ``path`` is a regular file starting with SQLite's header."""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as fh:
            return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def refusal(path: Path, project_file: Path) -> str:
    """Why an export must not write ``path`` (for the project at ``project_file``), or ""."""
    if _same(path, project_file):
        return "is the project file itself"
    name = path.name
    for suffix in SIDE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = path.with_name(name[: -len(suffix)])
            if _same(base, project_file):
                return f"is the project's {suffix[1:]} file (SQLite keeps work in it)"
            if is_sqlite(base) or path.exists():
                return f"is the {suffix[1:]} file of the SQLite database {base.name}"
    m = _BACKUP.match(name)
    if m:
        base = path.with_name(m.group("base"))
        if _same(base, project_file) or is_sqlite(base) or is_sqlite(path):
            return f"is the backup copy of the project {base.name}"
    if is_sqlite(path):
        return "is an SQLite database (another project?)"
    return ""
