"""The guidelines' sentence on quotation marks follows the project's boundary setting
(tester22 F6: ticking "marks inside" left "Leave out the quotation marks" in the text)."""

from __future__ import annotations

import pytest

from annotator.services.project_settings import (
    BOUNDARY_SENTENCES,
    guidelines_for_marks,
    read_resource,
)


def test_the_bundled_guidelines_say_marks_outside() -> None:
    text = read_resource("guidelines.md")
    assert guidelines_for_marks(text, False) == text  # already right: unchanged


def test_ticking_and_unticking_goes_back_to_the_same_text() -> None:
    text = read_resource("guidelines.md")
    inside = guidelines_for_marks(text, True)
    assert inside is not None and inside != text
    assert "Include the quotation marks" in inside
    assert "Leave out the quotation marks" not in inside
    assert guidelines_for_marks(inside, False) == text


@pytest.mark.parametrize(
    "layout",
    [
        'Leave out the quotation marks and the frame ("she said").',
        'Leave out the quotation marks and\n  the frame ("she said").',
        'Leave  out the\tquotation marks\nand the frame ("she said").',
    ],
)
def test_a_rewrapped_sentence_is_found(layout: str) -> None:
    text = f"# Ours\n\nBefore.\n{layout}\nAfter: **speaker** rules.\n"
    new = guidelines_for_marks(text, True)
    assert new is not None
    assert new.startswith("# Ours\n\nBefore.\n") and new.endswith("\nAfter: **speaker** rules.\n")
    assert " ".join(new.split()).count(BOUNDARY_SENTENCES[True]) == 1


@pytest.mark.parametrize(
    "text",
    ["", "# Our rules\nMark the words; keep marks out.", "Leave out the quotation marks."],
)
def test_guidelines_in_other_words_are_not_touched(text: str) -> None:
    assert guidelines_for_marks(text, True) is None
    assert guidelines_for_marks(text, False) is None
