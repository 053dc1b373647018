"""Sub-commands of the ``annotator`` command line; each module has ``register(subparsers)``.

A module's ``register`` adds one sub-parser and sets ``func`` to a ``run(args) -> int``.
Failures raise :class:`annotator.commands.CliError`, which ``cli.main`` prints as one line.
"""

from __future__ import annotations

from annotator.core.errors import AnnotatorError


class CliError(AnnotatorError):
    """A failure to report to the user as one line, with a non-zero exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
