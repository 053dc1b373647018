"""Errors that carry a message meant for the user (one line, naming the file)."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error the program reports to the user as a sentence."""


class Stopped(Exception):
    """Long work (a report, the agreement figures) was stopped before its end because its
    result is no longer wanted (its window closed, another choice was made)."""


class ProjectError(AnnotatorError):
    """A project file cannot be opened or written (newer schema, locked, read-only, not ours).

    Attributes:
        refusal: for a write the project refused to start (locked by another program,
            read-only, a disk error), why, without the message's word on what was changed:
            a caller that committed earlier steps (a multi-file import) says that itself.
            None for other errors.
    """

    def __init__(self, message: str, refusal: str | None = None) -> None:
        super().__init__(message)
        self.refusal = refusal


class ReadOnlyProjectError(ProjectError):
    """A write was attempted on a project opened read-only."""


class ProjectLockedError(ProjectError):
    """A write was refused because another connection (another program, or another
    writer of this process) kept the project's write lock longer than the writer waits.
    Nothing was written; the same write may succeed once the lock is free.

    Attributes:
        holder: who holds the lock when known ("sqlitebrowser (process 4242)"), else "".
    """

    def __init__(self, message: str, refusal: str | None = None, holder: str = "") -> None:
        super().__init__(message, refusal)
        self.holder = holder

    def not_saved_line(self) -> str:
        """The status line for a key whose change this refused: what matters first (status
        lines are cut at the end on narrow windows)."""
        who = self.holder or "another program"
        return f"Not saved: {who} holds the project's lock; press the key again when it is free."


class EditConflict(ProjectError):
    """A write met a change made elsewhere (another window or process on the same project):
    the suggestion it decides already has this annotator's version, or the annotation it
    edits or deletes is gone or no longer the version the window read. Nothing was written.

    Attributes:
        annotation_id: the annotation that is gone or changed (None when a suggestion was
            decided).
        suggestion_id: the suggestion decided elsewhere (None when an annotation is gone).
    """

    def __init__(
        self, message: str, annotation_id: int | None = None, suggestion_id: int | None = None
    ) -> None:
        super().__init__(message)
        self.annotation_id = annotation_id
        self.suggestion_id = suggestion_id


class OpenCancelled(ProjectError):
    """The user chose not to open the project (it is open in another window)."""
