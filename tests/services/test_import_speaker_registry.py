"""Quote JSONL import takes the speaker type and gender the export writes: a new speaker gets
them, an analyst-set registry entry keeps its own, a guess gives way to a set value, and a bad
value costs only its quote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.model import Article, Quote
from annotator.services.export import ExportOptions, export_project
from annotator.services.importing import import_paths
from annotator.services.speakers import plan_edit
from annotator.store.project import Project

TEXT = (
    "Mill to close\n\n"
    '"We did all we could," said owner Dana Price. '
    "The weavers' guild said the orders had dried up. "
    '"It is a sad day," added Robin Hale.'
)


def _span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return (start, start + len(words))


def _quote(content: str, mention: str, name: str) -> Quote:
    return Quote(
        content_spans=(_span(content),),
        speaker_spans=(_span(mention),),
        speaker_text=mention,
        speaker_name=name,
        kind="direct",
        annotator="ann",
        status="accepted",
        origin="manual",
    )


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Project]:
    p = Project.open(tmp_path / "a.db")
    aid, _ = p.add_article(Article("Mill to close", TEXT))
    p.add_annotation(aid, "ann", _quote("We did all we could", "owner Dana Price", "Dana Price"))
    p.add_annotation(
        aid, "ann", _quote("the orders had dried up", "The weavers' guild", "Weavers' Guild")
    )
    p.add_annotation(aid, "ann", _quote("It is a sad day", "Robin Hale", "Robin Hale"))
    yield p
    p.close()


def _export(project: Project, path: Path) -> bytes:
    export_project(project, ExportOptions("jsonl", path))
    return path.read_bytes()


def _facts(project: Project, name: str) -> tuple[str, str, bool]:
    sp = project.find_speaker(name)
    assert sp is not None
    return (sp.kind, sp.gender, sp.gender_guessed)


def _set(project: Project, name: str, **values: str) -> None:
    sp = project.find_speaker(name)
    assert sp is not None
    plan_edit(project, sp.id, **values).apply(project)


def test_export_import_export_gives_the_same_bytes(source: Project, tmp_path: Path) -> None:
    _set(source, "Dana Price", kind="person", gender="male")
    _set(source, "Weavers' Guild", kind="organisation")
    _set(source, "Robin Hale", kind="person")  # gender left as it is (unknown or a guess)
    first = _export(source, tmp_path / "a.jsonl")
    assert b'"speaker_type": "person", "speaker_gender": "male", ' in first
    target = Project.open(tmp_path / "b.db")
    try:
        report = import_paths(target, [tmp_path / "a.jsonl"])
        assert report.files[0].quotes_added == 3 and not report.files[0].problems
        assert _facts(target, "Dana Price") == ("person", "male", False)
        assert _facts(target, "Weavers' Guild") == _facts(source, "Weavers' Guild")
        assert _facts(target, "Robin Hale") == _facts(source, "Robin Hale")
        assert _export(target, tmp_path / "b.jsonl") == first
    finally:
        target.close()


def _line(quote_keys: dict[str, object], content: str = "We did all we could") -> str:
    mention, name = "owner Dana Price", "Dana Price"
    q = _quote(content, mention, name).to_json()
    q.update(quote_keys)
    return json.dumps({"id": content[:6], "title": "Mill", "text": TEXT, "quotes": [q]})


def _import_lines(project: Project, path: Path, *lines: str) -> list[str]:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    return report.files[0].problems


SET_FEMALE = {"speaker_type": "person", "speaker_gender": "female", "speaker_gender_guessed": False}


def test_analyst_set_registry_values_are_not_overwritten(tmp_path: Path) -> None:
    p = Project.open(tmp_path / "p.db")
    try:
        p.speaker_id("Dana Price")
        _set(p, "Dana Price", kind="group", gender="male")
        assert not _import_lines(p, tmp_path / "in.jsonl", _line(SET_FEMALE))
        assert _facts(p, "Dana Price") == ("group", "male", False)
        assert len(p.speakers()) == 1
    finally:
        p.close()


def test_guessed_gender_gives_way_to_a_set_one_but_not_to_a_guess(tmp_path: Path) -> None:
    p = Project.open(tmp_path / "p.db")
    try:
        p.speaker_id("Dana Price")
        _set(p, "Dana Price", gender="male")
        sid = p.find_speaker("Dana Price")
        assert sid is not None
        p.db.execute("UPDATE speakers SET gender_guessed = 1 WHERE id = ?", [sid.id])
        guess = {**SET_FEMALE, "speaker_gender_guessed": True}
        assert not _import_lines(p, tmp_path / "g.jsonl", _line(guess))
        assert _facts(p, "Dana Price") == ("person", "male", True)  # a guess does not win
        assert not _import_lines(p, tmp_path / "s.jsonl", _line(SET_FEMALE, "owner Dana"))
        assert _facts(p, "Dana Price") == ("person", "female", False)
    finally:
        p.close()


def test_new_speaker_keeps_the_files_guess_flag_and_unknown_gender(tmp_path: Path) -> None:
    p = Project.open(tmp_path / "p.db")
    try:
        facts = {"speaker_type": "person", "speaker_gender": "unknown"}
        assert not _import_lines(p, tmp_path / "u.jsonl", _line(facts))
        # no guess from the name replaces what the file says
        assert _facts(p, "Dana Price") == ("person", "unknown", False)
    finally:
        p.close()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"speaker_type": "robot"}, "speaker_type"),
        ({"speaker_gender": "Male"}, "speaker_gender"),
        ({"speaker_gender": 1}, "speaker_gender"),
        ({"speaker_gender_guessed": "false"}, "speaker_gender_guessed"),
        ({"speaker_gender_guessed": 0}, "speaker_gender_guessed"),
    ],
)
def test_bad_registry_value_costs_only_its_quote(
    tmp_path: Path, bad: dict[str, object], field: str
) -> None:
    # was: costs only its line; the line's article (the same text as line 2's) is now
    # stored from line 1 without the bad quote, and line 2 adds its good quote to it
    p = Project.open(tmp_path / "p.db")
    try:
        path = tmp_path / "mixed.jsonl"
        good = _line(SET_FEMALE, "It is a sad day")
        problems = _import_lines(p, path, _line({**SET_FEMALE, **bad}), good)
        assert len(problems) == 1
        assert problems[0].startswith(f"{path}, line 1, quote 1: {field}: ")
        assert _facts(p, "Dana Price") == ("person", "female", False)
        (article_id,) = p.article_ids()
        (only,) = p.annotations(article_id)
        assert only.quote.content_spans == (_span("It is a sad day"),)
    finally:
        p.close()
