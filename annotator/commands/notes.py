"""Lines the commands print about a project file as they open it."""

from __future__ import annotations

import sys

from annotator.store.project import Project


def say_open_note(project: Project) -> None:
    """Print the project's note from its opening (:attr:`Project.open_note`) to stderr,
    as ``note: ...``; nothing when there is none."""
    if project.open_note:
        print(f"note: {project.open_note}", file=sys.stderr)
