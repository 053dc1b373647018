"""Article list filters and sorts at scale (issue 16): each "Show" filter and each column
sort of the article list, timed on the scale projects side by side.

    python bench/bench_filters.py [--sizes 1000,10000,100000] [--annotator alice]
                                  [--dir /tmp/NAME] [--repeat 2]

Measures copies in ``--dir`` named ``scale_N.db`` (made from bench/_out/ by
bench/build_scale.py; copy them there first: the bench never opens the built files in
place). Each figure is the best of ``--repeat`` runs of the store query the window's pool
thread runs (:func:`queries.filter_article_ids`, :func:`queries.article_order`), in
seconds, with the number of articles it keeps. A size whose copy is missing prints
"not measured".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: (label, kind, argument): kind "filter" takes (name, value), "sort" (column, descending)
CASES: list[tuple[str, str, tuple[object, ...]]] = [
    ("filter: undecided", "filter", ("undecided", "")),
    ("filter: annotators disagree", "filter", ("disagreement", "")),
    ("filter: kind direct", "filter", ("kind", "direct")),
    ("filter: kind mixed", "filter", ("kind", "mixed")),
    ("filter: confidence < 0.5", "filter", ("confidence_below", "0.5")),
    ("filter: speaker (a common one)", "filter", ("speaker", "")),
    ("sort: Title", "sort", (0, False)),
    ("sort: Date", "sort", (2, False)),
    ("sort: Status", "sort", (3, False)),
    ("sort: Quotes", "sort", (4, False)),
    ("sort: Quotes, descending", "sort", (4, True)),
]


def _common_speaker(project: object) -> str:
    db = project.db  # type: ignore[attr-defined]
    row = (
        db.execute(
            "SELECT s.name FROM annotations a JOIN speakers s ON s.id = a.speaker_id"
            " GROUP BY s.id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        or db.execute(
            "SELECT speaker_name FROM suggestions WHERE id < 20000 AND speaker_name <> ''"
            " GROUP BY speaker_name ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    )
    return "nobody" if row is None else str(row[0])


def measure(path: Path, annotator: str, repeat: int) -> dict[str, tuple[float, int]]:
    """Label -> (best seconds, articles kept or ordered) for every case, on ``path``."""
    from annotator.store import queries
    from annotator.store.project import Project

    out: dict[str, tuple[float, int]] = {}
    with Project.open(path, create=False, readonly=True) as project:
        speaker = _common_speaker(project)
        for label, kind, arg in CASES:
            best, n = float("inf"), 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                if kind == "filter":
                    name, value = str(arg[0]), str(arg[1]) or speaker
                    n = len(queries.filter_article_ids(project, annotator, name, value))
                else:
                    n = len(queries.article_order(project, annotator, int(arg[0]), bool(arg[1])))  # type: ignore[call-overload]
                best = min(best, time.perf_counter() - t0)
            out[label] = (best, n)
            print(f"  {path.name}: {label}: {best:.3f} s ({n})", file=sys.stderr, flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--annotator", default="alice")
    ap.add_argument("--dir", default="/tmp/quit16")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, tuple[float, int]]] = {}
    for size in sizes:
        path = Path(args.dir) / f"scale_{size}.db"
        results[size] = measure(path, args.annotator, args.repeat) if path.exists() else {}
    head = f"{'seconds (articles kept)':34}" + "".join(f"{f'{s:,}':>20}" for s in sizes)
    print(head)
    for label, _kind, _arg in CASES:
        cells = []
        for size in sizes:
            got = results[size].get(label)
            cells.append("not measured" if got is None else f"{got[0]:.3f} ({got[1]})")
        print(f"{label:34}" + "".join(f"{c:>20}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
