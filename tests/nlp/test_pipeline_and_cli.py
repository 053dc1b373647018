"""Loading the pipeline, the span groups it writes, and ``annotator detect``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from annotator.cli import main
from annotator.nlp import pipeline
from annotator.nlp.detect import DETECTOR_VERSION, detect_doc, detect_texts
from annotator.nlp.pipeline import ModelInfo, load_pipeline
from tests.nlp.conftest import REPO

SPLIT = "“The roads are closed,” Chief Ines Lobo said, “and they will stay closed tonight.”"


def test_load_pipeline_prefers_an_installed_model() -> None:
    nlp, info = load_pipeline()
    assert isinstance(info, ModelInfo)
    if info.rules_only:
        pytest.skip("no trained English model installed")
    assert info.name in pipeline.DEFAULT_MODELS
    assert info.message.startswith(f"Model {info.name} ")
    assert nlp.pipe_names[-1] == "annotator_quotes"


def test_loading_does_not_import_qt() -> None:
    code = (
        "import sys; from annotator.nlp.pipeline import load_pipeline; load_pipeline(); "
        "sys.exit(1 if 'PySide6' in sys.modules else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_configured_model_that_is_missing_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "DEFAULT_MODELS", ("no_such_model_a", "no_such_model_b"))
    nlp, info = load_pipeline("no_such_model_x")
    assert info.rules_only and info.name == "rules-only"
    assert "no_such_model_x, no_such_model_a, no_such_model_b" in info.message
    assert "rules-only" in info.message
    assert nlp.pipe_names == ["sentencizer", "annotator_quotes"]
    (quotes,) = list(detect_texts(nlp, [SPLIT]))
    assert len(quotes) == 1 and len(quotes[0].content_spans) == 2


def test_span_groups_tie_fragments_speaker_and_cue(rules_nlp: Language) -> None:
    doc = rules_nlp(SPLIT)
    frags = list(doc.spans["quotes"])
    assert [s.text for s in frags] == [
        "The roads are closed",
        "and they will stay closed tonight.",
    ]
    assert {s.id_ for s in frags} == {"q0"}
    assert [s.label_ for s in frags] == ["direct", "direct"]
    assert [(s.text, s.id_, s.kb_id_) for s in doc.spans["speakers"]] == [
        ("Chief Ines Lobo", "q0", "Ines Lobo")
    ]
    assert [(s.text, s.id_) for s in doc.spans["cues"]] == [("said", "q0")]
    (record,) = doc._.quote_records
    assert record["content"] == [[s.start_char, s.end_char] for s in frags]
    assert record["speaker_name"] == "Ines Lobo"


def test_span_groups_survive_serialisation(rules_nlp: Language) -> None:
    doc = rules_nlp(SPLIT)
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    (back,) = DocBin().from_bytes(data).get_docs(rules_nlp.vocab)
    assert detect_doc(back) == detect_doc(doc)
    assert detect_doc(back)[0].confidence == detect_doc(doc)[0].confidence


def test_detect_doc_without_groups_is_empty() -> None:
    assert detect_doc(Doc(spacy.blank("en").vocab, words=["Hello"])) == []
    assert DETECTOR_VERSION.startswith("annotator_quotes ")


def test_detect_texts_keeps_order(rules_nlp: Language) -> None:
    texts = ["No quote here.", SPLIT, "", '"One more time," she said.']
    got = list(detect_texts(rules_nlp, texts, batch_size=2))
    assert [len(q) for q in got] == [0, 1, 0, 1]


def test_cli_detect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    out = tmp_path / "out.jsonl"
    lines = [
        json.dumps({"id": "a1", "title": "T", "text": SPLIT}),
        "{not json",
        json.dumps({"id": "a2", "text": "Nothing quoted here at all."}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["detect", str(src), "-o", str(out)]) == 1  # a line was skipped
    err = capsys.readouterr().err
    assert f"{src}, line 2" in err
    assert "loaded" in err or "rules-only" in err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a1", "a2"]
    (quote,) = rows[0]["quotes"]
    assert quote["origin"] == "model" and quote["status"] == "pending"
    assert quote["annotator"] is None
    assert len(quote["content_spans"]) == 2
    assert rows[1]["quotes"] == []


def test_cli_detect_reports_rules_only_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "DEFAULT_MODELS", ("no_such_model_a",))
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": SPLIT}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["detect", str(src), "-o", str(out), "--quiet"]) == 0
    assert "rules-only mode finds direct quotes and named speakers only" in (
        capsys.readouterr().err
    )
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(row["quotes"]) == 1


def test_cli_detect_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_cli_detect_offsets_refer_to_the_input_text(tmp_path: Path) -> None:
    text = "Cafe\u0301 owners met.\r\n\r\n“Rents are too high,” said Ana Lima.\r\n"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "c1", "text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["detect", str(src), "-o", str(out), "--quiet"]) == 0
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["text"] == text
    (quote,) = row["quotes"]
    (frag,) = quote["content_spans"]
    assert text[frag[0] : frag[1]] == "Rents are too high"
    (spk,) = quote["speaker_spans"]
    assert text[spk[0] : spk[1]] == "Ana Lima"


def test_detect_texts_with_two_processes_matches_one(rules_nlp: Language) -> None:
    texts = [f'"Item {n} is ready," said Clerk Ada Moss.' for n in range(12)] + [SPLIT]
    one = list(detect_texts(rules_nlp, texts, n_process=1, batch_size=4))
    two = list(detect_texts(rules_nlp, texts, n_process=2, batch_size=4))
    assert two == one
    assert [len(q) for q in two] == [1] * 13
    assert two[3][0].speaker_name == "Ada Moss"


def test_text_longer_than_max_length_is_cut_not_fatal() -> None:
    nlp = pipeline.rules_only_pipeline()
    nlp.max_length = 60
    text = '"We are ready," said Mayor Ines Lobo.' + " Filler words." * 20
    (quotes,) = list(detect_texts(nlp, [text]))
    (q,) = quotes
    assert text[q.content_spans[0][0] : q.content_spans[0][1]] == "We are ready"


def test_cli_detect_refuses_to_overwrite_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": SPLIT}) + "\n", encoding="utf-8")
    assert main(["detect", str(src), "-o", str(src)]) == 1
    assert "must not be the input" in capsys.readouterr().err
    assert json.loads(src.read_text(encoding="utf-8"))["id"] == "a1"


def test_cli_detect_marks_inside_flag(tmp_path: Path) -> None:
    text = "“Rents are too high,” said Ana Lima."
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "c1", "text": text}) + "\n", encoding="utf-8")
    got = {}
    for flag in ("--marks-inside", "--no-marks-inside"):
        out = tmp_path / f"out{flag}.jsonl"
        assert main(["detect", str(src), "-o", str(out), "--quiet", flag]) == 0
        (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        ((a, b),) = row["quotes"][0]["content_spans"]
        got[flag] = text[a:b]
    assert got == {
        "--marks-inside": "“Rents are too high,”",
        "--no-marks-inside": "Rents are too high",
    }
