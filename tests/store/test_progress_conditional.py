"""Project.set_progress with ``expected`` (issue 16): a status written only while the
stored one is the one read, or already the one wanted."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import EditConflict
from annotator.core.model import Article
from annotator.store.project import ProgressChangedElsewhere, Project


@pytest.mark.parametrize(
    ("stored", "expected", "wanted", "written"),
    [
        ("new", "new", "done", True),
        ("done", "in_progress", "done", True),  # already what is wanted: no conflict
        ("in_progress", "new", "done", False),
        ("done", "new", "in_progress", False),
        ("in_progress", "done", "new", False),
        ("done", "done", "in_progress", True),
    ],
)
def test_conditional_status(
    tmp_path: Path, stored: str, expected: str, wanted: str, written: bool
) -> None:
    with Project.open(tmp_path / "p.db") as p:
        aid, _ = p.add_article(Article("A", "Some text.", {}))
        p.set_progress(aid, "alice", stored, 3)
        changes = p.db.execute("SELECT count(*) FROM changelog").fetchone()[0]
        if written:
            assert p.set_progress(aid, "alice", wanted, 3, expected=expected) == stored
            assert p.progress(aid, "alice") == wanted
        else:
            with pytest.raises(EditConflict) as err:
                p.set_progress(aid, "alice", wanted, 3, expected=expected)
            assert isinstance(err.value, ProgressChangedElsewhere)
            assert err.value.now == stored
            assert p.progress(aid, "alice") == stored
            assert p.db.execute("SELECT count(*) FROM changelog").fetchone()[0] == changes
        # another annotator's status is their own: never a conflict
        assert p.set_progress(aid, "bob", "done", None, expected="new") == "new"
