"""spaCy DocBin export: span groups, ids, alignment, and a real (tiny) `spacy train` run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from annotator.core.model import Quote, StoredArticle
from annotator.core.text import normalise_text
from annotator.io.docbin import DocBinWriter
from annotator.io.export_records import ExportQuote

RAW = (
    "Bridge 🌉 closes\r\n\r\n"
    '"We had no choice," the engineer said, "the cables are worn."\r\n'
    "Drivers\u00a0are angry, a spokesman added."
)
TEXT = normalise_text(RAW)


def sp(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


def quotes() -> list[ExportQuote]:
    q1 = Quote(
        content_spans=(sp('"We had no choice,"'), sp('"the cables are worn."')),
        speaker_spans=(sp("the engineer"),),
        cue_spans=(sp("said"),),
        speaker_name="Rui Costa",
        kind="direct",
        annotator="alice",
        status="accepted",
    )
    # starts and ends inside tokens: "ivers\u00a0are ang" grows to "Drivers\u00a0are angry"
    a, b = sp("Drivers\u00a0are angry")
    q2 = Quote(
        content_spans=((a + 2, b - 2),),
        speaker_spans=(sp("a spokesman"),),
        cue_spans=(sp("added"),),
        kind="indirect",
        annotator="alice",
        status="accepted",
    )
    return [ExportQuote("41", q1, speaker_id=9), ExportQuote("42", q2)]


def article(n: int = 1) -> StoredArticle:
    return StoredArticle(n, "Bridge 🌉 closes", TEXT, {}, f"h{n}", f"b{n}")


def test_span_groups_ids_and_alignment(tmp_path: Path) -> None:
    out = tmp_path / "train.spacy"
    w = DocBinWriter(out)
    w.write(article(), quotes())
    w.close()
    (doc,) = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert doc.text == TEXT
    quotes_group = [(s.text, s.label_, s.id_, s.kb_id_) for s in doc.spans["quotes"]]
    assert quotes_group == [
        ('"We had no choice,"', "QUOTE", "41", "9"),
        ('"the cables are worn."', "QUOTE", "41", "9"),
        ("Drivers\u00a0are angry", "QUOTE", "42", ""),
    ]
    assert [(s.text, s.label_, s.id_) for s in doc.spans["speakers"]] == [
        ("the engineer", "SPEAKER", "41"),
        ("a spokesman", "SPEAKER", "42"),
    ]
    assert [(s.text, s.id_) for s in doc.spans["cues"]] == [("said", "41"), ("added", "42")]
    meta = doc.user_data["quote_annotator"]
    assert meta["ext_id"] == "b1" and [q["id"] for q in meta["quotes"]] == ["41", "42"]
    assert meta["quotes"][0]["kind"] == "direct"
    assert w.spans == {"quotes": 3, "speakers": 2, "cues": 2} and w.unaligned == 0


def test_labels_by_kind(tmp_path: Path) -> None:
    out = tmp_path / "k.spacy"
    w = DocBinWriter(out, labels="kind")
    w.write(article(), quotes())
    w.close()
    (doc,) = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [s.label_ for s in doc.spans["quotes"]] == ["direct", "direct", "indirect"]


CONFIG = """
[paths]
train = null
dev = null

[system]
seed = 0
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["tok2vec","spancat"]
batch_size = 16

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 16
depth = 1
embed_size = 300
window_size = 1
maxout_pieces = 2
subword_features = false

[components.spancat]
factory = "spancat"
spans_key = "quotes"
threshold = 0.5
max_positive = null

[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 16

[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"
nO = null
nI = null

[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 16
upstream = "*"

[components.spancat.suggester]
@misc = "spacy.ngram_suggester.v1"
sizes = [1, 2, 3, 4, 5, 6]

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${paths.dev}

[training]
seed = ${system.seed}
gpu_allocator = null
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
max_steps = 6
eval_frequency = 3
patience = 0
max_epochs = 0
dropout = 0.1
frozen_components = []
annotating_components = []

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.01

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
size = 500
tolerance = 0.2

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"

[training.score_weights]
spans_quotes_f = 1.0

[initialize]
"""


def test_spacy_train_runs_on_an_export(tmp_path: Path) -> None:
    data = tmp_path / "train.spacy"
    w = DocBinWriter(data)
    for n in range(1, 9):
        w.write(article(n), quotes())
    w.close()
    cfg = tmp_path / "config.cfg"
    cfg.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "model"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "train",
            str(cfg),
            "--output",
            str(out),
            "--paths.train",
            str(data),
            "--paths.dev",
            str(data),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:] + proc.stdout[-2000:]
    assert (out / "model-last" / "spancat").is_dir()
    nlp = spacy.load(out / "model-last")
    assert "spancat" in nlp.pipe_names and nlp.get_pipe("spancat").key == "quotes"
    assert "QUOTE" in nlp.get_pipe("spancat").labels
