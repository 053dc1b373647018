"""SQL stays in annotator.store: services, ui, commands and the CLI reach the database only
through the store's public API (PRODUCT.md layering; issue 9).

Every module of those packages is parsed with ``ast`` (nothing is imported or run) and
checked for the ways SQL gets in: importing sqlite3 or sqlite_utils; calling
``.execute``/``.executemany``/``.executescript``/``.query`` on anything; reaching for a
connection through a ``.db`` or ``.conn`` attribute; and string literals that read as SQL
(``SELECT ... FROM``, ``INSERT INTO``, ``UPDATE ... SET``, ``DELETE FROM``, DDL, PRAGMA, or
an upper-case clause keyword followed by a table name, e.g. ``" FROM annotations a"``).
``.ci/run`` runs this file as its own step before the test suite.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import annotator

ROOT = Path(annotator.__file__).parent
CHECKED = ("services", "ui", "commands")
CHECKED_FILES = ("cli.py", "__main__.py")

_DB_MODULES = {"sqlite3", "sqlite_utils", "apsw"}
_DB_CALLS = {"execute", "executemany", "executescript", "query"}
_DB_ATTRIBUTES = {"db", "conn"}
_SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b"
    r"|\bINSERT\s+(OR\s+\w+\s+)?INTO\b"
    r"|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b"
    r"|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|VIEW|TRIGGER)\b"
    r"|\bPRAGMA\s+\w+"
    r"|^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH)\s+\S"
    r"|\b(FROM|JOIN|INTO|WHERE|ORDER BY|GROUP BY)\s+[a-z_]+\b"
    r"|\bselect\s+[\w*,\s.]+\s+from\s+[a-z_]+\s+where\b"
    r"|\binsert\s+into\s+[a-z_]+\s*\("
)


def sql_uses(source: str, filename: str = "<source>") -> list[str]:
    """Each way ``source`` touches SQL directly, as "file:line: what"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        line = getattr(node, "lineno", 0)
        where = f"{filename}:{line}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in _DB_MODULES:
                    found.append(f"{where}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.module and node.module.split(".")[0] in _DB_MODULES:
                found.append(f"{where}: imports from {node.module}")
        elif isinstance(node, ast.Attribute):
            if node.attr in _DB_CALLS:
                found.append(f"{where}: uses .{node.attr}")
            elif node.attr in _DB_ATTRIBUTES:
                found.append(f"{where}: reaches the connection through .{node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _SQL.search(node.value)
        ):
            found.append(f"{where}: SQL text {node.value.strip()[:50]!r}")
    return found


def _modules() -> list[Path]:
    files = [p for pkg in CHECKED for p in sorted((ROOT / pkg).rglob("*.py"))]
    files += [ROOT / name for name in CHECKED_FILES if (ROOT / name).exists()]
    return files


def test_the_checked_packages_exist() -> None:
    for pkg in CHECKED:
        assert (ROOT / pkg / "__init__.py").is_file(), pkg
    assert len(_modules()) > 20


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_outside_the_store(path: Path) -> None:
    problems = sql_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT.parent)))
    assert not problems, "SQL belongs in annotator/store:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "snippet",
    [
        "import sqlite3",
        "import sqlite3 as lite",
        "from sqlite_utils import Database",
        "from sqlite_utils.db import Table",
        "project.db.execute('x')",
        "cur = conn.execute(sql)",
        "project.db.query(q, [])",
        "rows = store.query(q)",
        "x.executemany(q, rows)",
        "x.executescript(q)",
        "table = project.db['articles']",
        "project.db.conn.commit()",
        "sql = 'SELECT id FROM articles WHERE id = ?'",
        "sql = 'select id from articles where id = ?'",
        "sql = f'SELECT {col} FROM articles'",
        "sql = 'INSERT INTO gold_quotes (a) VALUES (?)'",
        "sql = 'insert into gold_quotes (a) values (?)'",
        "sql = 'UPDATE reviews SET status = ?'",
        "sql = 'DELETE FROM annotations WHERE id = ?'",
        "sql = 'CREATE TABLE t (a)'",
        "sql = 'PRAGMA foreign_keys = ON'",
        "sql = ' FROM annotations a JOIN annotators an ON an.id = a.annotator_id'",
        "sql = 'SELECT count(*)' + tail",
        "sql = ' WHERE 1'.replace(' WHERE 1', ' LEFT JOIN speakers s WHERE 1')",
    ],
)
def test_each_kind_of_sql_is_caught(snippet: str) -> None:
    assert sql_uses(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "from annotator.store.project import Project",
        "rows = project.article_summaries('alice')",
        "label = 'Select the articles to export'",
        "msg = 'Delete this quote from the article?'",
        "help = 'annotator export PROJECT.db --format csv'",
        "self.database_path = path",
        "text = 'Update the speaker, then set the stance'",
        "with project.action('merge', 'project') as change: pass",
    ],
)
def test_ordinary_code_and_prose_pass(snippet: str) -> None:
    assert sql_uses(snippet) == [], snippet
