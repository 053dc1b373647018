"""Files the commands write: checked before any work, written under a temporary name beside
them and moved into place, and every problem said about the user's file (never about the
temporary one), with the reason in words: "the folder /x does not exist"."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from annotator.core.errors import AnnotatorError


class OutputError(AnnotatorError):
    """An output file cannot be written; the message names it and says why."""


def partial_path(path: Path) -> Path:
    """The temporary name ``path`` is written under before it is moved into place (hidden,
    beside it, so the move is atomic): ``.NAME.partial``."""
    return path.with_name(f".{path.name}.partial")


def output_problem(path: Path, folder: bool = False) -> str:
    """Why ``path`` cannot be written, in a few words ("" when it looks writable).

    ``folder``: ``path`` is a folder the command makes (a model, a brat export), else a
    file. Checked: the folder it goes in exists and is a folder, a file is not a folder
    (and the other way round), and the folder lets this user write.
    """
    parent = path.parent
    if not parent.exists():
        return f"the folder {parent} does not exist"
    if not parent.is_dir():
        return f"{parent} is a file, not a folder"
    if folder:
        if path.exists() and not path.is_dir():
            return "is a file; give a folder"
    elif path.is_dir():
        return "is a folder; give a file name"
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        return f"the folder {parent} cannot be written to (no permission)"
    return ""


def check_output(path: Path, folder: bool = False) -> None:
    """Raise OutputError ``"PATH: why"`` when :func:`output_problem` finds a problem."""
    why = output_problem(path, folder)
    if why:
        raise OutputError(f"{path}: {why}")


def write_problem(path: Path, exc: OSError) -> str:
    """``exc``, raised while ``path`` or its temporary file was written, said about
    ``path``: ``"PATH: reason; nothing was written"``. A refused permission is the file's
    own when ``exc`` names ``path`` itself, else its folder's (the temporary file is
    created there)."""
    why = output_problem(path)
    if not why:
        code = exc.errno
        if code in (errno.EACCES, errno.EPERM) and exc.filename and Path(exc.filename) == path:
            why = "cannot be written (no permission)"  # the file itself, e.g. read-only
        elif code in (errno.EACCES, errno.EPERM):
            why = f"no permission to write in the folder {path.parent}"  # its temporary file
        elif code == errno.ENOSPC:
            why = "the disk is full"
        elif code == errno.EROFS:
            why = f"the folder {path.parent} is on a read-only disk"
        elif code == errno.EDQUOT:
            why = "the disk quota is used up"
        else:
            why = exc.strerror or str(exc)
    return f"{path}: {why}; nothing was written"


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8", newline: str = "") -> None:
    """Write ``text`` to ``path`` whole or not at all (temporary file, then a rename).

    Raises:
        OutputError: ``path`` cannot be written (its folder is missing, no permission, disk
            full...); the message names ``path``, and no temporary file is left.
    """
    check_output(path)
    tmp = partial_path(path)
    try:
        tmp.write_text(text, encoding=encoding, newline=newline)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise OutputError(write_problem(path, exc)) from None
