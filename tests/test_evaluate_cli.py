"""Tests of ``annotator evaluate``: same figures as the reference scorer, clear input errors."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.core.model import Quote

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "eval" / "score_quotes.py"
DEV = SHARED / "data" / "polnear" / "dev.jsonl"
needs_shared = pytest.mark.skipif(
    not (REFERENCE.exists() and DEV.exists()), reason="../shared (reference scorer, data) absent"
)

TEXT = 'Lee said "we will talk soon." Kim said talks were possible.'
GOLD = {
    "id": "a1",
    "text": TEXT,
    "quotes": [
        {"content_spans": [[9, 29]], "speaker_spans": [[0, 3]], "kind": "direct"},
        {"content_spans": [[39, 58]], "speaker_spans": [[30, 33]], "kind": "indirect"},
    ],
}
PRED = {
    "id": "a1",
    "quotes": [
        {"content_spans": [[10, 28]], "speaker_spans": [[0, 3]], "speaker_text": "Lee"},
        {"content_spans": [[39, 44]], "speaker_spans": [], "speaker_text": None},
    ],
}


def write_jsonl(path: Path, objs: list[Any], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(o) for o in objs] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def perturbed_dev(seed: int = 5) -> list[dict[str, Any]]:
    """Predictions from dev: dropped, shifted, re-attributed and invented quotes."""
    rng = random.Random(seed)
    out = []
    gold = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    spk = [q["speaker_spans"] for a in gold for q in a["quotes"] if q["speaker_spans"]]
    for k, art in enumerate(gold):
        n = len(art["text"])
        quotes = []
        for q in art["quotes"]:
            if rng.random() < 0.15:
                continue
            a, b = q["content_spans"][0][0], q["content_spans"][-1][1]
            a = min(max(0, a + rng.randint(-6, 6)), n)
            b = min(max(a, b + rng.randint(-6, 6)), n)
            s = q["speaker_spans"]
            text_of = q["speaker_text"]
            if rng.random() < 0.3:
                s, text_of = rng.choice(spk), rng.choice([None, text_of, "the " + str(text_of)])
            quotes.append({"content_spans": [[a, b]], "speaker_spans": s, "speaker_text": text_of})
        for _ in range(rng.randint(0, 2)):
            a = rng.randrange(0, max(1, n - 40))
            quotes.append({"content_spans": [[a, a + 30]], "speaker_spans": []})
        line: dict[str, Any] = {"id": art["id"], "quotes": quotes}
        if k % 20 == 1:
            line["error"] = "gave up"
        out.append(line)
    return out


def reference(gold: Path, pred: Path, tmp: Path, no_spacy: bool) -> tuple[list[str], Any]:
    out = tmp / "ref.json"
    cmd = [sys.executable, str(REFERENCE), str(gold), str(pred), "--json", str(out)]
    if no_spacy:
        cmd.append("--no-spacy")
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return done.stdout.splitlines(), json.loads(out.read_text())[str(pred)]


NAMES = {  # our --json name -> the reference scorer's (key, index in its P/R/F triple)
    "lenient_p": ("lenient", 0),
    "lenient_r": ("lenient", 1),
    "lenient_f1": ("lenient", 2),
    "jaccard_f1": ("j50", 2),
    "strict_f1": ("strict", 2),
    "ggt30_f1": ("ggt30", 2),
    "ggt80_f1": ("ggt80", 2),
    "e2e_f1": ("e2e", 2),
    "speaker_span_acc": ("spk_span_acc", None),
    "speaker_name_acc": ("spk_name_acc", None),
    "n_gold": ("n_gold", None),
    "n_pred": ("n_pred", None),
    "n_pred_ignored": ("n_pred_ignored", None),
    "gold_without_source": ("spk_gold_nosource", None),
    "docs_with_error": ("docs_with_error", None),
}


def compare(cmd: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = write_jsonl(tmp_path / "pred.jsonl", perturbed_dev())
    no_spacy = "--no-spacy" in cmd
    ref_lines, ref = reference(DEV, pred, tmp_path, no_spacy)
    assert main(["evaluate", str(DEV), str(pred), *cmd]) == 0
    assert capsys.readouterr().out.splitlines() == ref_lines
    assert main(["evaluate", str(DEV), str(pred), "--json", *cmd]) == 0
    ours = json.loads(capsys.readouterr().out)
    assert set(ours) == {"all", "direct"}
    for subset in ("all", "direct"):
        for name, (key, idx) in NAMES.items():
            want = ref[subset][key] if idx is None else ref[subset][key][idx]
            assert ours[subset][name] == pytest.approx(want, abs=1e-9), (subset, name)
    assert ref["direct"]["n_pred_ignored"] > 0 and ref["all"]["docs_with_error"] > 0


@needs_shared
def test_same_figures_as_reference_without_spacy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compare(["--no-spacy"], tmp_path, capsys)


@needs_shared
@pytest.mark.slow
def test_same_figures_as_reference_with_spacy_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compare([], tmp_path, capsys)


def test_json_figures_on_a_small_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED])
    assert main(["evaluate", str(gold), str(pred), "--json", "--no-spacy"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["all"]["lenient_f1"] == 1.0
    # pred 2 covers 5 of the 19 characters of gold 2: Jaccard and GGT-0.3 miss it
    assert out["all"]["jaccard_f1"] == 0.5 and out["all"]["ggt30_f1"] == 0.5
    assert out["all"]["speaker_span_acc"] == 0.5
    assert out["direct"]["n_gold"] == 1 and out["direct"]["n_pred_ignored"] == 1
    assert out["direct"]["lenient_f1"] == 1.0 and out["direct"]["speaker_span_acc"] == 1.0


def test_broken_line_is_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD], ('{"id": "b", "text": ',))
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED], ("not json", '{"id": "a1", "quotes": 3}'))
    assert main(["evaluate", str(gold), str(pred), "--json", "--no-spacy"]) == 0
    captured = capsys.readouterr()
    assert f"{gold}, line 2: broken JSON" in captured.err
    assert f"{pred}, line 2: broken JSON" in captured.err
    assert f"{pred}, line 3: " in captured.err
    assert json.loads(captured.out)["all"]["n_pred"] == 2


@pytest.mark.parametrize(
    "problem",
    ["missing gold", "missing pred", "no quotes", "empty gold", "both", "neither", "model"],
)
def test_bad_input_is_one_clear_line(
    problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED])
    args = {
        "missing gold": [str(tmp_path / "nope.jsonl"), str(pred)],
        "missing pred": [str(gold), str(tmp_path / "nope.jsonl")],
        "no quotes": [str(write_jsonl(tmp_path / "g0.jsonl", [{**GOLD, "quotes": []}])), str(pred)],
        "empty gold": [str(write_jsonl(tmp_path / "g1.jsonl", [], ("broken",))), str(pred)],
        "both": [str(gold), str(pred), "--detect"],
        "neither": [str(gold)],
        "model": [str(gold), str(pred), "--model", "x"],
    }[problem]
    assert main(["evaluate", *args, "--no-spacy"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("annotator: error: ")
    expected = {
        "missing gold": "nope.jsonl: no such file",
        "missing pred": "nope.jsonl: no such file",
        "no quotes": "no quotes to score against",
        "empty gold": "no gold articles",
        "both": "not both",
        "neither": "--detect",
        "model": "--model only applies with --detect",
    }[problem]
    assert expected in err[-1]


@pytest.fixture
def fake_detector(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Stand-ins for annotator.nlp.pipeline/detect that record their calls."""
    calls: list[Any] = []

    def load_pipeline(name: str | None = None, strict: bool = False) -> tuple[str, Any]:
        calls.append(("load", name) if not strict else ("load", name, "strict"))
        return "NLP", types.SimpleNamespace(message="loaded fake")

    def detect_texts(
        nlp: Any, texts: list[str], n_process: int = 1, marks_inside: bool | None = None
    ) -> Iterator[list[Quote]]:
        calls.append(("detect", nlp, list(texts), n_process))
        calls.extend([("marks_inside", marks_inside)] if marks_inside is not None else [])
        for _ in texts:
            yield [Quote(content_spans=((10, 28),), speaker_spans=((0, 3),))]

    pipeline = types.ModuleType("annotator.nlp.pipeline")
    pipeline.load_pipeline = load_pipeline  # type: ignore[attr-defined]
    detect = types.ModuleType("annotator.nlp.detect")
    detect.detect_texts = detect_texts  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "annotator.nlp.pipeline", pipeline)
    monkeypatch.setitem(sys.modules, "annotator.nlp.detect", detect)
    yield calls


def test_detect_scores_the_detector_on_gold_texts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_detector: list[Any]
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    assert main(["evaluate", str(gold), "--detect", "--model", "m1", "--json", "--no-spacy"]) == 0
    captured = capsys.readouterr()
    assert fake_detector == [("load", "m1", "strict"), ("detect", "NLP", [TEXT], 1)]
    assert "loaded fake" in captured.err
    out = json.loads(captured.out)
    assert out["all"]["n_pred"] == 1 and out["all"]["lenient_p"] == 1.0
    assert out["all"]["lenient_r"] == 0.5 and out["direct"]["speaker_span_acc"] == 1.0


@pytest.mark.slow
def test_detect_with_the_real_detector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("annotator.nlp.detect", reason="the detector is not in this tree yet")
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    assert main(["evaluate", str(gold), "--detect", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["direct"]["n_gold"] == 1 and out["direct"]["lenient_r"] == 1.0


def test_precision_per_confidence_band(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    pred_obj = {
        "id": "a1",
        "quotes": [
            {"content_spans": [[10, 28]], "speaker_spans": [[0, 3]], "confidence": 0.9},
            {"content_spans": [[39, 44]], "speaker_spans": [], "confidence": 0.6},
            {"content_spans": [[0, 3]], "speaker_spans": [], "confidence": 0.1},  # wrong
            {"content_spans": [[30, 33]], "speaker_spans": [], "confidence": 0.25},  # wrong
        ],
    }
    pred = write_jsonl(tmp_path / "pred.jsonl", [pred_obj])
    assert main(["evaluate", str(gold), str(pred), "--no-spacy"]) == 0
    out = capsys.readouterr().out
    # the first band ends at the default threshold: what the window hides until told
    assert "confidence 0.00-0.20: 1 predicted, lenient precision 0.0%" in out
    assert "confidence 0.20-0.30: 1 predicted, lenient precision 0.0%" in out
    assert "confidence 0.50-0.70: 1 predicted, lenient precision 100.0%" in out
    assert "confidence 0.90-1.00: 1 predicted, lenient precision 100.0%" in out
    assert "confidence 0.30-0.50: none predicted" in out
    assert f"{pred} conf>=0.2 " in out
    # by default only what the window shows is scored; the bands count every prediction
    assert main(["evaluate", str(gold), str(pred), "--no-spacy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["all"]["n_pred"] == 3 and data["all"]["lenient_p"] == pytest.approx(2 / 3)
    assert [b["predicted"] for b in data["confidence_bands"]] == [1, 1, 0, 1, 0, 1]
    cmd = ["evaluate", str(gold), str(pred), "--no-spacy", "--json", "--min-confidence", "0"]
    assert main(cmd) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["all"]["n_pred"] == 4 and data["all"]["lenient_p"] == 0.5
    cmd = ["evaluate", str(gold), str(pred), "--no-spacy", "--json", "--min-confidence", "0.3"]
    assert main(cmd) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["all"]["n_pred"] == 2 and data["all"]["lenient_p"] == 1.0
    assert [b["predicted"] for b in data["confidence_bands"]] == [1, 1, 0, 1, 0, 1]


@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_min_confidence_out_of_range_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED])
    assert main(["evaluate", str(gold), str(pred), "--min-confidence", value]) != 0
    assert "--min-confidence must be between 0 and 1" in capsys.readouterr().err


def test_non_numeric_confidence_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    bad = {"id": "a1", "quotes": [{"content_spans": [[10, 28]], "confidence": "high"}]}
    pred = write_jsonl(tmp_path / "pred.jsonl", [bad])
    assert main(["evaluate", str(gold), str(pred), "--no-spacy"]) == 0
    assert f'{pred}, line 1: quote 1: "confidence" must be a number' in capsys.readouterr().err


@pytest.mark.parametrize(
    "pred_quotes",
    [
        [],  # nothing predicted
        [{"content_spans": [[39, 58]], "speaker_spans": [[30, 33]], "kind": "indirect"}],
        [{"content_spans": [[10, 28]], "speaker_spans": [[0, 3]], "kind": "direct"}],
    ],
)
def test_no_direct_quote_in_the_gold_reads_n_a(
    pred_quotes: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    indirect_only = {**GOLD, "quotes": [GOLD["quotes"][1]]}  # type: ignore[index]
    gold = write_jsonl(tmp_path / "gold.jsonl", [indirect_only])
    pred = write_jsonl(tmp_path / "pred.jsonl", [{"id": "a1", "quotes": pred_quotes}])
    assert main(["evaluate", str(gold), str(pred), "--no-spacy"]) == 0
    lines = capsys.readouterr().out.splitlines()
    direct = [line for line in lines if " direct " in line]
    assert len(direct) == 1
    assert "n/a (no direct quote in the gold)" in direct[0]
    assert "0.0/0.0/0.0" not in direct[0] and "gold=0" in direct[0]
    everything = [line for line in lines if " all " in line]
    assert "lenient P/R/F" in everything[0] and "n/a" not in everything[0]
    assert main(["evaluate", str(gold), str(pred), "--no-spacy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["direct"]["lenient_f1"] is None and out["direct"]["e2e_p"] is None
    assert out["direct"]["speaker_span_acc"] is None and out["direct"]["n_gold"] == 0
    assert out["all"]["lenient_f1"] is not None and out["all"]["n_gold"] == 1


def test_a_subset_with_gold_quotes_still_prints_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    pred = write_jsonl(tmp_path / "pred.jsonl", [{"id": "a1", "quotes": []}])
    assert main(["evaluate", str(gold), str(pred), "--no-spacy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["direct"]["lenient_r"] == 0.0 and out["direct"]["n_gold"] == 1


@pytest.mark.parametrize(
    ("mention", "canonical", "expected"),
    [
        ("The minister", "Lee In-young", 1.0),  # the description's registry name matches
        ("she", "Lee In-young", 1.0),  # a pronoun resolved to the name
        ("The minister", "Kim Soo", 0.0),  # resolved to the wrong person: still wrong
    ],
)
def test_canonical_speaker_name_is_scored_beside_the_mention(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mention: str,
    canonical: str,
    expected: float,
) -> None:
    text = 'Lee In-young arrived. Kim Soo waited. The minister said "we will act."'
    start = text.index('"')
    gold = {
        "id": "a1",
        "text": text,
        "quotes": [
            {"content_spans": [[start, len(text) - 1]], "speaker_spans": [[0, 12]], "direct": True}
        ],
    }
    spk = text.index("The minister")
    pred = {
        "id": "a1",
        "quotes": [
            {
                "content_spans": [[start, len(text) - 1]],
                "speaker_spans": [[spk, spk + 12]],
                "speaker_text": mention,
                "speaker_name": canonical,
                "kind": "direct",
            }
        ],
    }
    g = write_jsonl(tmp_path / "gold.jsonl", [gold])
    p = write_jsonl(tmp_path / "pred.jsonl", [pred])
    assert main(["evaluate", str(g), str(p), "--json", "--no-spacy"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["all"]["speaker_name_acc"] == 0.0  # the mention shares no name with the gold
    assert out["speaker_name_acc_canonical"] == {"all": expected, "direct": expected}
    assert main(["evaluate", str(g), str(p), "--no-spacy"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("spk_name with the canonical speaker")
    assert f"all {100 * expected:.1f}%" in line


def test_no_canonical_figure_without_canonical_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [GOLD])
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED])
    assert main(["evaluate", str(gold), str(pred), "--json", "--no-spacy"]) == 0
    assert "speaker_name_acc_canonical" not in json.loads(capsys.readouterr().out)
