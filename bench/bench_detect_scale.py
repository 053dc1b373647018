"""Detector time and memory against the bare parse, for long and odd articles (prints figures).

For each case and size, a fresh process parses one article with the detector disabled
(the bare parse), then runs the detector on the parsed Doc (extraction and the conversion
to quotes), and reports both times, their ratio ``(parse + detector) / parse`` (the
budget is about 1.2x), the time per 1,000 characters (flat = linear) and the peak memory
of the process (``ru_maxrss``) after the parse and after detection. The parse is the
product's (:func:`annotator.nlp.detect.parse_text`): a text over ``PIECE_CHARS`` is parsed
in pieces cut at paragraph breaks and joined into one Doc.

Cases (sizes in characters, default 10k, 100k, 1M):

- ``news``: PolNeAR dev texts joined paragraph after paragraph (read at run time from
  ``../shared/data/polnear/dev.jsonl``; nothing of it is stored in the repository);
- ``marks``: a single paragraph of short quotes, ``"Yes," he said. `` repeated (a 1M
  article holds about 125,000 quotation marks; 10,000 at 80k characters);
- ``nospace``: letters and punctuation without a single space;
- ``flat``: plain sentences with no line break at all (a scraped page flattened to one
  line, issue 16), so the pieces are cut at sentence ends;
- ``emoji``: runs of emoji between short quoted sentences.

Usage: python bench/bench_detect_scale.py [--sizes 10000,100000,1000000] [--cases news,...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "data" / "polnear" / "dev.jsonl"
CASES = ("news", "marks", "nospace", "flat", "emoji")


def make_text(case: str, size: int) -> str:
    """An article of exactly ``size`` characters of the given case."""
    if case == "news":
        with open(DEV, encoding="utf-8") as fh:
            paras = [p for line in fh for p in json.loads(line)["text"].split("\n") if p.strip()]
        unit = "\n".join(paras) + "\n"
    elif case == "marks":
        unit = '"Yes," he said. "No," Smith told reporters. '
    elif case == "nospace":
        unit = 'Quote:"abc,"said-Lee.Xyz'
    elif case == "flat":
        unit = "The minister said the talks would resume. Officials met in the capital. "
    else:
        unit = "😀" * 200 + ' "We won," she said. ' + "🎉👍" * 50 + "\n"
    text = unit * (size // len(unit) + 1)
    return text[:size]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(case: str, size: int) -> dict[str, float]:
    """Parse and detect one article in this process; the figures as a dict."""
    sys.path.insert(0, str(REPO))
    from annotator.nlp.detect import detect_doc, parse_text
    from annotator.nlp.pipeline import load_pipeline

    nlp, _info = load_pipeline()
    nlp.max_length = max(nlp.max_length, size)
    text = make_text(case, size)
    with nlp.select_pipes(disable=["annotator_quotes"]):
        nlp("Warm up, she said.")
        base_mb = _peak_mb()
        t0 = time.perf_counter()
        # the product's parse: texts over PIECE_CHARS are parsed in pieces and joined
        doc = parse_text(nlp, text)
        parse = time.perf_counter() - t0
    parse_mb = _peak_mb()
    component = nlp.get_pipe("annotator_quotes")
    t0 = time.perf_counter()
    quotes = detect_doc(component(doc))
    detect = time.perf_counter() - t0
    return {
        "parse": parse,
        "detect": detect,
        "quotes": len(quotes),
        "tokens": len(doc),
        "base_mb": base_mb,
        "parse_mb": parse_mb,
        "peak_mb": _peak_mb(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--one", nargs=2, metavar=("CASE", "SIZE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'case':<8} {'chars':>9} {'tokens':>8} {'quotes':>7} {'parse s':>8} {'detect s':>9} "
        f"{'ratio':>6} {'parse ms/1k':>11} {'detect ms/1k':>12} {'RSS parse MB':>12} "
        f"{'RSS peak MB':>11}"
    )
    for case in args.cases.split(","):
        for size in sizes:
            cmd = [sys.executable, __file__, "--one", case, str(size)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{case:<8} {size:>9} FAILED: {done.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            ratio = (r["parse"] + r["detect"]) / r["parse"]
            print(
                f"{case:<8} {size:>9,} {r['tokens']:>8,} {r['quotes']:>7,} {r['parse']:>8.2f} "
                f"{r['detect']:>9.3f} {ratio:>5.2f}x {1000 * r['parse'] / size * 1000:>11.2f} "
                f"{1000 * r['detect'] / size * 1000:>12.3f} {r['parse_mb']:>12.0f} "
                f"{r['peak_mb']:>11.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
