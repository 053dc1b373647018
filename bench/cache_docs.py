"""Parse a gold JSONL once with the English pipeline and keep the Docs as a DocBin.

The cache (``bench/_out/NAME.spacy``, gitignored: it is derived from the data) lets the
detector benches re-run only quote extraction while rules are tuned, instead of re-parsing
every text (the parse is >90% of detection time).

Usage: python bench/cache_docs.py DATA.jsonl [--model NAME]
       load_docs(path) -> (articles, docs) from other bench scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

from annotator.nlp.pipeline import load_pipeline  # noqa: E402

OUT = REPO / "bench" / "_out"


def cache_path(data: str | Path) -> Path:
    """Where the DocBin of ``data`` is kept."""
    return OUT / (Path(data).stem + ".spacy")


def read_articles(data: str | Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file, one per non-empty line."""
    with open(data, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_docs(data: str | Path, model: str | None = None) -> tuple[list[dict[str, Any]], list[Doc]]:
    """The articles of ``data`` and their parsed Docs (parsed and cached on first use)."""
    articles = read_articles(data)
    path = cache_path(data)
    nlp, _ = load_pipeline(model)
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if len(docs) == len(articles):
            return articles, docs
    with nlp.select_pipes(disable=["annotator_quotes"]):
        docs = list(nlp.pipe((a["text"] for a in articles), batch_size=16))
    OUT.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(path)
    return articles, docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--model")
    args = ap.parse_args()
    articles, docs = load_docs(args.data, args.model)
    print(f"{len(docs)} docs cached in {cache_path(args.data)}")
    return 0


if __name__ == "__main__":
    spacy.prefer_gpu()
    raise SystemExit(main())
