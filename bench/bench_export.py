"""Export benchmark: 100,000 quotes to CSV and to quote JSONL, against the 10 s budget.

Builds a project of synthetic articles (written here, no corpus needed), then runs each
export in a fresh process and prints its wall time and memory: the resident size before
the export starts and the peak during it (``resource.getrusage``), so "flat memory" shows
as a peak that does not grow with the number of quotes (run with ``--quotes 10000`` to
compare).

    python bench/bench_export.py [--quotes 100000] [--per-article 10] [--keep]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 10.0
WORDS = (
    "the",
    "council",
    "budget",
    "said",
    "minister",
    "would",
    "report",
    "according",
    "economy",
    "plan",
    "vote",
    "river",
    "bridge",
    "talks",
    "union",
    "pay",
    "strike",
    "city",
    "election",
    "poll",
    "voters",
    "campaign",
)


def _kb_now() -> int:
    """Current resident set size in kB (Linux /proc), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def build(db: Path, n_quotes: int, per_article: int) -> None:
    """A project of synthetic articles, ``per_article`` accepted quotes each."""
    from annotator.core.model import Article, Quote
    from annotator.store.project import Project

    rng = random.Random(1)
    n_articles = (n_quotes + per_article - 1) // per_article
    made = 0
    with Project.open(db) as project:
        for start in range(0, n_articles, 500):
            with project.batch():
                for a in range(start, min(start + 500, n_articles)):
                    parts, spans = [f"Synthetic article {a}\n\n"], []
                    pos = len(parts[0])
                    for k in range(per_article):
                        filler = " ".join(rng.choice(WORDS) for _ in range(12)) + ". "
                        quote = '"' + " ".join(rng.choice(WORDS) for _ in range(14)) + ',"'
                        tail = f" Speaker {k} said, adding more, 😀\u00a0ok.\n"
                        q0 = pos + len(filler)
                        spans.append((q0, q0 + len(quote), q0 + len(quote) + 1))
                        parts += [filler, quote, tail]
                        pos += len(filler) + len(quote) + len(tail)
                    text = "".join(parts)
                    aid, _ = project.add_article(
                        Article(f"Synthetic article {a}", text, {"publisher": "Bench"}, f"b{a}")
                    )
                    for k, (qa, qb, sa) in enumerate(spans):
                        if made >= n_quotes:
                            break
                        project.add_annotation(
                            aid,
                            "alice" if k % 2 else "bob",
                            Quote(
                                content_spans=((qa, qb),),
                                speaker_spans=((sa, sa + 9),),
                                cue_spans=((sa + 10, sa + 14),),
                                speaker_text=f"Speaker {k}",
                                kind="direct",
                                stance="neutral",
                                status="accepted",
                                origin="manual",
                            ),
                        )
                        made += 1


def run_export(db: Path, fmt: str, out: Path) -> None:
    """Child process: one export, then print seconds, quotes, RSS before and peak (kB)."""
    from annotator.services.export import ExportOptions, export_project
    from annotator.store.project import Project

    with Project.open(db, create=False, readonly=True) as project:
        before = _kb_now()
        t0 = time.perf_counter()
        report = export_project(project, ExportOptions(fmt, out))
        seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.3f} {report.quotes} {before} {peak}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quotes", type=int, default=100_000)
    ap.add_argument("--per-article", type=int, default=10)
    ap.add_argument("--keep", action="store_true", help="keep the project and outputs")
    ap.add_argument("--child", nargs=3, metavar=("DB", "FORMAT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        run_export(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        db = work / "bench.db"
        t0 = time.perf_counter()
        build(db, args.quotes, args.per_article)
        print(f"built a project of {args.quotes:,} quotes in {time.perf_counter() - t0:.1f} s")
        ok = True
        for fmt, name in (("csv", "out.csv"), ("jsonl", "out.jsonl")):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", str(db), fmt, str(work / name)],
                capture_output=True,
                text=True,
                check=True,
                cwd=Path(__file__).resolve().parents[1],
            )
            seconds, quotes, before, peak = proc.stdout.split()
            size = (work / name).stat().st_size / 1e6
            verdict = "within" if float(seconds) < BUDGET_S else "OVER"
            ok &= float(seconds) < BUDGET_S
            print(
                f"{fmt:<5} {int(quotes):,} quotes in {float(seconds):.2f} s ({verdict} the "
                f"{BUDGET_S:.0f} s budget), {size:.1f} MB; RSS before {int(before) / 1024:.0f} MB,"
                f" peak {int(peak) / 1024:.0f} MB (+{(int(peak) - int(before)) / 1024:.0f} MB)"
            )
        if args.keep:
            print(f"kept in {work}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
