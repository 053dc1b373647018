"""``annotator speakers PROJECT.db [--json|--csv] [--suggest] [--guess-genders]``."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from annotator.commands.notes import say_open_note
from annotator.core.wording import count_noun
from annotator.services.speakers import fill_gender_guesses, speaker_stats, suggest_merges
from annotator.store.project import Project


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "speakers",
        help="list the speaker registry with quote counts",
        description="List every canonical speaker of a project: quotes and articles that "
        "name it (accepted annotations and gold versions), type, gender (guesses marked), "
        "role and aliases. --suggest lists probable duplicates to merge.",
    )
    p.add_argument("project", help="the project file (.db)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--suggest", action="store_true", help="list merge suggestions instead")
    p.add_argument(
        "--guess-genders",
        action="store_true",
        help="fill in guessed genders for people nobody has set (writes to the project)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False, readonly=not args.guess_genders) as project:
        say_open_note(project)
        if args.guess_genders:
            n = fill_gender_guesses(project)
            before = sum(1 for sp in project.speakers() if sp.gender_guessed) - n
            already = f"; {count_noun(before, 'speaker')} already had one" if before else ""
            print(f"guessed the gender of {count_noun(n, 'speaker')}{already}", file=sys.stderr)
        if args.suggest:
            names = {sp.id: sp.name for sp in project.speakers()}
            rows: list[dict[str, Any]] = [
                {"keep": names[s.keep], "merge": names[s.other], "reason": s.reason}
                for s in suggest_merges(project)
            ]
        else:
            rows = [
                {
                    "id": st.speaker.id,
                    "name": st.speaker.name,
                    "type": st.speaker.kind,
                    "gender": st.speaker.gender,
                    "gender_guessed": st.speaker.gender_guessed,
                    "role": st.speaker.role,
                    "aliases": list(st.speaker.aliases),
                    "quotes": st.quotes,
                    "articles": st.articles,
                }
                for st in speaker_stats(project)
            ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.csv:
        cols = list(rows[0]) if rows else ["name"]
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["; ".join(v) if isinstance(v, list) else v for v in r.values()])
    elif args.suggest:
        for r in rows:
            print(f"{r['merge']} -> {r['keep']}: {r['reason']}")
        if not rows:
            print("no merge suggestions")
    else:
        print(f"{'quotes':>6} {'articles':>8}  {'type':<12} {'gender':<16} name (aliases)")
        for r in rows:
            gender = r["gender"] + (" (guessed)" if r["gender_guessed"] else "")
            aliases = f" ({', '.join(r['aliases'])})" if r["aliases"] else ""
            print(
                f"{r['quotes']:>6} {r['articles']:>8}  {r['type']:<12} {gender:<16} "
                f"{r['name']}{aliases}"
            )
    return 0
