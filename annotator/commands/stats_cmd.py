"""``annotator stats PROJECT.db [--json]``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from annotator.commands.notes import say_open_note
from annotator.core.wording import count_noun
from annotator.store.project import Project


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "stats",
        help="count articles, suggestions, annotations and speakers",
        description="Print the counts of a project: articles, detector suggestions, "
        "annotations by annotator and status, speakers, reviews.",
    )
    p.add_argument("project", help="the project file (.db)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False, readonly=True) as project:
        say_open_note(project)
        stats = project.stats()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"Project      {stats['project']} (schema {stats['schema_version']})")
    print(f"Articles     {stats['articles']}")
    print(f"Suggestions  {stats['suggestions']}")
    by = stats["annotations_by_status"]
    print(
        f"Annotations  {stats['annotations']} (accepted {by['accepted']}, "
        f"rejected {by['rejected']}, pending {by['pending']})"
    )
    for name, counts in stats["annotators"].items():
        print(
            f"  {name:<20} {counts['total']:>6}  (accepted {counts['accepted']}, "
            f"rejected {counts['rejected']}, pending {counts['pending']})"
        )
    print(f"Speakers     {stats['speakers']}")
    print(f"Reviews      {stats['reviews']} ({count_noun(stats['gold_quotes'], 'gold quote')})")
    return 0
