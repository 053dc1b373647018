"""Speakers of quotes no reporting verb frames (issue 12, session 15): the source a colon
clause names (``More from X:``, ``From X's newsletter:``, ``X's reply was short:``) and
the subject that opens the clause after an open-ended quote (``"...," Trump barked``).
Texts are our own; several wordings of each kind and sentences that must keep no speaker.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from annotator.nlp.quotes import extract_quotes
from tests.nlp.conftest import Detect, find, speaker


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "The ferry company's reply was short: \"We do not comment on rumours about the "
            'timetable or the crews."',
            "We do not comment",
            "ferry company",
        ),
        (
            "The board met twice. From the harbour board's newsletter: \"Dredging of the north "
            'channel starts in May and ends in June."',
            "Dredging of the north",
            "harbour board",
        ),
        (
            'Rents rose again this year. More from union economist Rita Vale: "Wages have not '
            'kept up with rents for a decade, and nobody in the council seems to care."',
            "Wages have not",
            "Rita Vale",
        ),
        (
            "Rents rose again. More from the tenants' union:\n\n\"Wages have not kept up with "
            'rents for a decade, and nobody in the council seems to care."',
            "Wages have not",
            "tenants' union",
        ),
    ],
)
def test_colon_clause_names_the_source(detect: Detect, text: str, words: str, who: str) -> None:
    q = find(text, detect(text), words)
    got = speaker(text, q)
    assert got is not None and who in got, (got, who)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            'The reason was plain enough: "The pool costs more to heat than it earns in a '
            'whole year."',
            "The pool costs",
        ),
        (
            'It was clear by noon: "Closed until further notice, by order of the owners."',
            "Closed until further",
        ),
    ],
)
def test_colon_clause_naming_nobody_gives_no_speaker(detect: Detect, text: str, words: str) -> None:
    q = find(text, detect(text), words)
    assert speaker(text, q) is None


def _parsed(
    words: list[str], spaces: list[bool], heads: list[int], deps: list[str], pos: list[str]
) -> Doc:
    """A Doc with the given parse (what the parser gave on such sentences in PolNeAR)."""
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)


@pytest.mark.parametrize(
    ("name", "verb"),
    [("Trump", "barked"), ("Okafor", "snapped"), ("Lena", "growled")],
)
def test_subject_opening_the_clause_after_an_open_quote(name: str, verb: str) -> None:
    # “Go back home now,” NAME VERB and a guard showed him out.  (NAME parsed as a
    # compound of the verb, as the parser did on such a sentence in PolNeAR)
    words = ["“", "Go", "back", "home", "now", ",", "”", name, verb, "and", "a", "guard"]
    words += ["showed", "him", "out", "."]
    spaces = [False, True, True, True, False, False, True, True, True, True, True, True]
    spaces += [True, True, False, False]
    heads = [1, 1, 1, 1, 1, 1, 1, 8, 8, 8, 11, 12, 8, 12, 12, 8]
    deps = ["punct", "ROOT", "advmod", "advmod", "advmod", "punct", "punct", "compound"]
    deps += ["ROOT", "cc", "det", "nsubj", "conj", "dobj", "prt", "punct"]
    pos = ["PUNCT", "VERB", "ADV", "ADV", "ADV", "PUNCT", "PUNCT", "PROPN", "VERB", "CCONJ"]
    pos += ["DET", "NOUN", "VERB", "PRON", "ADP", "PUNCT"]
    doc = _parsed(words, spaces, heads, deps, pos)
    (rec,) = [r for r in extract_quotes(doc) if doc.text[r.start : r.end].startswith("Go")]
    assert rec.rule == "direct_open_unframed"
    assert rec.speaker is not None
    assert doc.text[rec.speaker[0] : rec.speaker[1]] == name


def test_clause_after_an_open_quote_not_opened_by_a_subject() -> None:
    # “Go back home now,” then Trump barked.  The words after the marks open with "then",
    # not with the subject: no speaker is taken from them
    words = ["“", "Go", "back", "home", "now", ",", "”", "then", "Trump", "barked", "."]
    spaces = [False, True, True, True, False, False, True, True, True, False, False]
    heads = [1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9]
    deps = ["punct", "ROOT", "advmod", "advmod", "advmod", "punct", "punct", "advmod"]
    deps += ["compound", "ROOT", "punct"]
    pos = ["PUNCT", "VERB", "ADV", "ADV", "ADV", "PUNCT", "PUNCT", "ADV", "PROPN", "VERB"]
    pos += ["PUNCT"]
    doc = _parsed(words, spaces, heads, deps, pos)
    (rec,) = [r for r in extract_quotes(doc) if doc.text[r.start : r.end].startswith("Go")]
    assert rec.rule == "direct_open_unframed"
    assert rec.speaker is None
