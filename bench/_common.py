"""Helpers shared by the benchmarks: percentiles and the key table of the window benches,
the load average, and fresh copies of a quote JSONL to import. Pure Python (no Qt, no
annotator import), so a bench measuring another checkout (``BENCH_REPO``) can use them."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank (no interpolation)."""
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def load() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def key_table(
    rows: list[tuple[str, str, list[tuple[float, float]]]],
    name_width: int,
    show_max: bool = False,
    note: str = "",
) -> list[str]:
    """Lines of a table of timed steps: one row per ``(article, step, [(wall s, CPU s)])``
    with wall p50 / p95 (and max with ``show_max``) and CPU p50 / p95, in ms; ``note``
    follows the head line."""
    head = f"{'wall p50':>9} {'p95':>8}" + (f" {'max':>8}" if show_max else "")
    head += f" {'CPU p50':>8} {'p95':>8}"
    out = [f"{'article':{name_width}} {'step':7} {head}{note}"]
    for name, step, got in rows:
        walls = [g[0] * 1000 for g in got]
        cpus = [g[1] * 1000 for g in got]
        most = f" {max(walls):8.1f}" if show_max else ""
        out.append(
            f"{name:{name_width}} {step:7} {statistics.median(walls):9.1f} "
            f"{pct(walls, 0.95):8.1f}{most} {statistics.median(cpus):8.1f} {pct(cpus, 0.95):8.1f}"
        )
    return out


def fresh_source(source: Path, n: int, out: Path, tail: str) -> Path:
    """Write to ``out`` the first ``n`` articles of the quote JSONL ``source``, each with a
    new last paragraph ("``tail`` STAMP-K.") and id, so that every run imports new
    articles; returns ``out``."""
    stamp = time.time_ns()
    with source.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as o:
        for k, line in enumerate(f):
            if k >= n:
                break
            d = json.loads(line)
            d["text"] += f"\n\n{tail} {stamp}-{k}."
            if "id" in d:
                d["id"] = f"{d['id']}-{stamp}-{k}"
            o.write(json.dumps(d) + "\n")
    return out
