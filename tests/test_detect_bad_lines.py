"""``annotator detect`` with bad input lines: the good ones are all written, exit status 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner

GOOD = {
    "g1": "“The ferry will run again on Monday,” said Harbour Master Ola Berg.",
    "g2": "Nobody was quoted in this short note about the weather.",
    "g3": "“We have waited long enough,” Councillor Mia Torres said.",
}

#: Lines that cannot be read as an article, each of a different fault.
BAD = {
    "not json": b"{this is not json\n",
    "not an object": b"[1, 2, 3]\n",
    "text not a string": json.dumps({"id": "x", "text": 42}).encode() + b"\n",
    "no text": json.dumps({"id": "x", "title": "only a title"}).encode() + b"\n",
    "not utf-8": b'{"id": "x", "text": "Caf\xe9 owners met."}\n',
}


def _good(ident: str) -> bytes:
    return json.dumps({"id": ident, "title": ident, "text": GOOD[ident]}).encode() + b"\n"


def _detect(run_cli: CliRunner, src: Path, out: Path) -> tuple[int, str, list[dict[str, object]]]:
    res = run_cli("detect", str(src), "-o", str(out), "--model", "rules-only", "--quiet")
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    return res.returncode, res.stderr, rows


def _summary(err: str) -> str:
    return [line for line in err.splitlines() if " written to " in line][-1]


@pytest.mark.parametrize("fault", list(BAD))
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_one_bad_line_exits_1_and_the_good_lines_are_complete(
    tmp_path: Path, run_cli: CliRunner, fault: str, where: str
) -> None:
    lines = [_good("g1"), _good("g2"), _good("g3")]
    at = {"first": 0, "middle": 1, "last": 3}[where]
    lines.insert(at, BAD[fault])
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(lines))
    out = tmp_path / "out.jsonl"
    code, err, rows = _detect(run_cli, src, out)
    assert code == 1
    assert [r["id"] for r in rows] == ["g1", "g2", "g3"]
    assert [r["text"] for r in rows] == [GOOD["g1"], GOOD["g2"], GOOD["g3"]]
    # the detector ran on every good line: both quoted ones have their quote and speaker
    by_id = {r["id"]: r for r in rows}
    for ident, speaker in (("g1", "Ola Berg"), ("g3", "Mia Torres")):
        (quote,) = by_id[ident]["quotes"]  # type: ignore[misc]
        ((a, b),) = quote["speaker_spans"]
        assert GOOD[ident][a:b].endswith(speaker)
    assert by_id["g2"]["quotes"] == []
    assert f"skipped {src}, line {at + 1}: " in err
    assert _summary(err) == (
        f"annotator detect: 3 articles written to {out}, 1 bad line skipped ({src}, line {at + 1})"
    )


def test_several_bad_lines_are_counted_and_named(tmp_path: Path, run_cli: CliRunner) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        BAD["not json"] + _good("g1") + b"\n" + BAD["not utf-8"] + _good("g2") + BAD["no text"]
    )
    out = tmp_path / "out.jsonl"
    code, err, rows = _detect(run_cli, src, out)
    assert code == 1
    assert [r["id"] for r in rows] == ["g1", "g2"]
    assert len(rows[0]["quotes"]) == 1  # type: ignore[arg-type]
    for line in (1, 4, 6):  # line 3 is blank: neither read nor counted
        assert f"skipped {src}, line {line}: " in err
    assert _summary(err) == (
        f"annotator detect: 2 articles written to {out}, 3 bad lines skipped "
        f"({src}, lines 1, 4 and 6)"
    )


def test_many_bad_lines_list_the_first_ten(tmp_path: Path, run_cli: CliRunner) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(_good("g3") + BAD["not an object"] * 12 + _good("g1"))
    out = tmp_path / "out.jsonl"
    code, err, rows = _detect(run_cli, src, out)
    assert code == 1
    assert [r["id"] for r in rows] == ["g3", "g1"]
    assert _summary(err).endswith(
        f"12 bad lines skipped ({src}, lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more)"
    )


def test_only_bad_lines_write_an_empty_output_and_exit_1(
    tmp_path: Path, run_cli: CliRunner
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(BAD["not json"] + BAD["text not a string"])
    out = tmp_path / "out.jsonl"
    code, err, rows = _detect(run_cli, src, out)
    assert code == 1 and rows == []
    assert _summary(err).endswith(
        f"0 articles written to {out}, 2 bad lines skipped ({src}, lines 1 and 2)"
    )


def test_all_good_lines_exit_0(tmp_path: Path, run_cli: CliRunner) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(_good("g1") + _good("g2") + b"\n\n")
    out = tmp_path / "out.jsonl"
    code, err, rows = _detect(run_cli, src, out)
    assert code == 0
    assert [r["id"] for r in rows] == ["g1", "g2"]
    assert _summary(err) == f"annotator detect: 2 articles written to {out}"
