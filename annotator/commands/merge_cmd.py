"""``annotator merge PROJECT.db OTHER.db [--json]``.

Bring in a colleague's annotations and reviews (with their gold quotes).
"""

from __future__ import annotations

import argparse
import json

from annotator.commands.notes import say_open_note
from annotator.services.merge import merge_project
from annotator.store.project import Project


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``merge`` sub-command."""
    p = sub.add_parser(
        "merge",
        help=(
            "merge a colleague's project (annotators, annotations, reviews, new articles) "
            "into this one"
        ),
        description=(
            "Bring the annotations and reviews of OTHER.db into PROJECT.db: articles are "
            "matched by their text (content hash), articles PROJECT.db lacks are added, "
            "annotators and speakers are copied, and annotations already present are never "
            "duplicated, so merging twice adds nothing. A reviewer's review (with its gold "
            "quotes) is copied when PROJECT.db has no review by that reviewer of the article; "
            "when it has one, PROJECT.db's is kept and a differing one is reported. "
            "OTHER.db is only read."
        ),
    )
    p.add_argument("project", metavar="PROJECT.db", help="the project to merge into")
    p.add_argument("other", metavar="OTHER.db", help="the colleague's project (read only)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        say_open_note(project)
        report = merge_project(project, args.other)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return 0
