"""Errors that carry a message meant for the user (one line, naming the file)."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error the program reports to the user as a sentence."""


class ProjectError(AnnotatorError):
    """A project file cannot be opened or written (newer schema, locked, read-only, not ours)."""


class ReadOnlyProjectError(ProjectError):
    """A write was attempted on a project opened read-only."""
