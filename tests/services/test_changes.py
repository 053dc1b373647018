"""Change notices, item keys and project settings: what the session tells the views."""

from __future__ import annotations

import pytest

from annotator.services.items import ItemKey
from annotator.services.ops import Change
from annotator.services.project_settings import ProjectSettings, load_settings, save_settings
from annotator.services.session import Session
from annotator.store.project import Project
from tests.services.test_session import _session, project  # noqa: F401  (fixture)


def _listen(s: Session) -> list[Change]:
    seen: list[Change] = []
    s.subscribe(seen.append)
    return seen


def test_accept_announces_the_article_the_quotes_and_the_counts(project: Project) -> None:  # noqa: F811
    s = _session(project)
    seen = _listen(s)
    sid = s.current.suggestion_id if s.current else None
    s.run(s.plan_accept())
    (change,) = seen
    rec = project.annotations(project.article_ids()[0], "alice")[0]
    assert change.article_ids == (project.article_ids()[0],)
    assert set(change.quote_keys) == {
        ItemKey("annotation", rec.id),
        ItemKey("suggestion", sid or 0),
    }
    assert change.counts_changed and change.items_changed and not change.opened


def test_undo_announces_the_same_quotes_and_an_other_article_opens(project: Project) -> None:  # noqa: F811
    s = _session(project)
    inverse = s.run(s.plan_accept())
    s.open_article(project.article_ids()[1])
    seen = _listen(s)
    assert inverse is not None
    s.apply(inverse)
    (change,) = seen
    assert change.opened and change.counts_changed
    assert s.article is not None and s.article.id == project.article_ids()[0]
    assert project.annotations(project.article_ids()[0], "alice") == []


def test_moves_announce_moved_and_clicks_do_not_scroll(project: Project) -> None:  # noqa: F811
    s = _session(project)
    seen = _listen(s)
    assert s.next_quote()
    assert not s.next_quote()  # the last one: nothing to announce
    assert s.previous_quote()
    assert [c.moved for c in seen] == [True, True]
    assert not any(c.counts_changed for c in seen)
    start = s.items[1].quote.start
    assert s.select_at(start)
    assert seen[-1] == Change(article_ids=(project.article_ids()[0],))


def test_refresh_announces_writes_by_others(project: Project) -> None:  # noqa: F811
    s = _session(project)
    other = Session(project, "alice")
    other.open_article(project.article_ids()[0])
    other.run(other.plan_accept())
    seen = _listen(s)
    s.refresh([project.article_ids()[0]])
    assert seen[-1].items_changed and seen[-1].counts_changed
    assert s.items[0].decided  # re-read from the store
    s.refresh(None)
    assert seen[-1].all_articles
    s.refresh([project.article_ids()[1]])  # not the open article: only its list row
    assert not seen[-1].items_changed and seen[-1].article_ids == (project.article_ids()[1],)


@pytest.mark.parametrize("text", ["", "x:1", "a:", "a:-3", "q:4", "a:1:2"])
def test_item_key_parse_refuses_anything_else(text: str) -> None:
    assert ItemKey.parse(text) is None


def test_item_key_round_trips() -> None:
    for key in (ItemKey("annotation", 7), ItemKey("suggestion", 12)):
        assert ItemKey.parse(str(key)) == key
        assert ItemKey.from_stored(key.stored()) == key
    assert ItemKey("suggestion", 3).stored() == -3


def test_settings_are_saved_through_the_service_only_where_they_differ(project: Project) -> None:  # noqa: F811
    now = load_settings(project)
    assert save_settings(project, now, "alice") == []
    logged = project.db.execute("SELECT count(*) FROM changelog").fetchone()[0]
    new = ProjectSettings(("pro", "contra"), now.stance_target, now.guidelines)
    assert save_settings(project, new, "alice") == ["stance_labels"]
    assert project.stance_labels() == ["pro", "contra"]
    assert project.db.execute("SELECT count(*) FROM changelog").fetchone()[0] > logged
    new = ProjectSettings(("pro", "contra"), "talks", "# Mine")
    assert save_settings(project, new, "alice") == ["stance_target", "guidelines"]
    assert (project.stance_target(), project.guidelines()) == ("talks", "# Mine")
