"""The keys of a quote JSONL object (PRODUCT.md, "Quote JSONL", version 1).

Apart from :mod:`annotator.core.schema` (which checks the values) so that the data model
can tell known keys from extra ones without importing pydantic: the window never checks
a quote JSONL object, and pydantic took a fifth of a second of every launch (issue 16).
"""

from __future__ import annotations

#: Keys of a quote object the schema knows; any other key is kept as extra data.
QUOTE_KEYS = frozenset(
    {
        "content_spans",
        "speaker_spans",
        "cue_spans",
        "speaker_text",
        "speaker_name",
        "kind",
        "stance",
        "stance_target",
        "annotator",
        "status",
        "origin",
        "confidence",
        "note",
        "speaker_type",
        "speaker_gender",
        "speaker_gender_guessed",
    }
)

__all__ = ["QUOTE_KEYS"]
