"""What the status line says while another program holds the project's write lock.

A key refused for the lock says "Not saved: …" (:meth:`ProjectLockedError.not_saved_line`)
for 15 s. A second refusal in those 15 s showed the same line, so nothing on screen told it
apart from the first, and a key saved after the lock was freed left the "Not saved" line up
(tester18 T7). :class:`LockNotice` counts the keys refused in a row, so each refusal shows
a changed line, and gives the line that replaces it once a key is saved again.
"""

from __future__ import annotations

from annotator.core.errors import ProjectLockedError


class LockNotice:
    """Counts keys refused for another program's lock since the last saved one."""

    def __init__(self) -> None:
        #: keys refused in a row (0: the last key was saved, or none was refused)
        self.refused = 0

    def refusal(self, exc: ProjectLockedError) -> str:
        """The status line for one more refused key: "Not saved (3 keys in a row): …"."""
        self.refused += 1
        line = exc.not_saved_line()
        if self.refused > 1:
            line = line.replace("Not saved:", f"Not saved ({self.refused} keys in a row):", 1)
        return line

    def saved(self) -> str | None:
        """After a key was saved: the line that replaces the "Not saved" line (None when no
        key was refused before it)."""
        if not self.refused:
            return None
        n, self.refused = self.refused, 0
        keys = "1 key" if n == 1 else f"{n} keys"
        return (
            f"Saved: the project's lock is free again ({keys} before this one were not"
            " saved; press them again where a decision is missing)."
        ).replace("1 key before this one were", "1 key before this one was")
