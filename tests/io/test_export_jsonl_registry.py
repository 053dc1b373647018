"""Quote JSONL export carries the canonical speaker's name, type and gender (issue 11),
as the CSV does; import reads past those registry keys."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.model import Quote, Speaker, StoredArticle
from annotator.io.export_records import ExportQuote
from annotator.io.jsonl_export import QuoteJsonlWriter
from annotator.io.quote_jsonl import iter_jsonl

TEXT = (
    "Port reopens\n\n"
    '"The cranes are back," said harbour master Iain Ross. '
    "The ferry union said the strike was over. "
    '"Not this year," someone shouted.'
)


def _span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return (start, start + len(words))


def _quote(content: str, mention: str | None, name: str | None) -> Quote:
    return Quote(
        content_spans=(_span(content),),
        speaker_spans=(_span(mention),) if mention else (),
        speaker_text=mention,
        speaker_name=name,
        kind="direct",
    )


def _write(tmp_path: Path, quotes: list[ExportQuote]) -> tuple[bytes, list[dict[str, object]]]:
    path = tmp_path / "q.jsonl"
    writer = QuoteJsonlWriter(path)
    writer.write(StoredArticle(3, "Port reopens", TEXT, {}, "h", "port-1"), quotes)
    writer.close()
    data = path.read_bytes()
    (line,) = data.decode("utf-8").splitlines()
    return data, json.loads(line)["quotes"]


def test_registry_speaker_type_and_gender_are_written(tmp_path: Path) -> None:
    ross = Speaker(7, "Iain Ross", kind="person", gender="male", gender_guessed=True)
    union = Speaker(8, "Ferry Union", kind="organisation")
    quotes = [
        ExportQuote(
            "1", _quote("The cranes are back", "harbour master Iain Ross", "Iain Ross"), 7, ross
        ),
        ExportQuote("2", _quote("the strike was over", "The ferry union", "Ferry Union"), 8, union),
    ]
    data, (first, second) = _write(tmp_path, quotes)
    assert (
        b'"speaker_name": "Iain Ross", "speaker_type": "person", "speaker_gender": "male", '
        b'"speaker_gender_guessed": true' in data
    )
    assert first["speaker_text"] == "harbour master Iain Ross"
    assert (second["speaker_type"], second["speaker_gender"]) == ("organisation", "unknown")
    assert second["speaker_gender_guessed"] is False


def test_analyst_set_gender_is_not_marked_guessed(tmp_path: Path) -> None:
    ross = Speaker(7, "Iain Ross", kind="person", gender="other", gender_guessed=False)
    quote = _quote("The cranes are back", "harbour master Iain Ross", "Iain Ross")
    _, (only,) = _write(tmp_path, [ExportQuote("1", quote, 7, ross)])
    assert only["speaker_gender"] == "other" and only["speaker_gender_guessed"] is False


def test_quote_without_registry_speaker_has_null_registry_keys(tmp_path: Path) -> None:
    quote = _quote("Not this year", "someone", None)
    data, (only,) = _write(tmp_path, [ExportQuote("1", quote)])
    assert b'"speaker_type": null, "speaker_gender": null, "speaker_gender_guessed": null' in data
    assert only["speaker_name"] is None


def test_import_reads_past_the_registry_keys(tmp_path: Path) -> None:
    ross = Speaker(7, "Iain Ross", kind="person", gender="male")
    quote = _quote("The cranes are back", "harbour master Iain Ross", "Iain Ross")
    _write(tmp_path, [ExportQuote("1", quote, 7, ross)])
    (article,) = list(iter_jsonl(tmp_path / "q.jsonl"))
    assert not isinstance(article, Exception) and hasattr(article, "quotes")
    (back,) = article.quotes
    assert back.speaker_name == "Iain Ross"
    assert back.content_spans == quote.content_spans
    for key in ("speaker_type", "speaker_gender", "speaker_gender_guessed"):
        assert key not in back.extra
    # written again, the same keys come from the registry entry, not from the import
    again = tmp_path / "again"
    again.mkdir()
    data, _ = _write(again, [ExportQuote("1", back, 7, ross)])
    assert data == (tmp_path / "q.jsonl").read_bytes()
