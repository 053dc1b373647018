"""Pairing quotation marks, paragraph by paragraph (pure text functions)."""

from __future__ import annotations

from annotator.nlp.quotemarks import find_segments, group_runs, paragraphs


def quoted(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_segments(text)]


def test_straight_and_curly_double_quotes() -> None:
    text = 'He said "yes, we can." Then “no, we won’t,” she said.'
    assert quoted(text) == ['"yes, we can."', "“no, we won’t,”"]


def test_nyt_two_apostrophes_are_a_double_quote() -> None:
    text = "''We will appeal,'' Mr. Okoro said. ''It is not over.''"
    assert quoted(text) == ["''We will appeal,''", "''It is not over.''"]


def test_guillemets() -> None:
    text = "«Nous restons», a-t-elle dit, and she said «nothing else»."
    assert quoted(text) == ["«Nous restons»", "«nothing else»"]


def test_nested_single_quotes_stay_inside() -> None:
    text = "“He told me ‘never again’ and I believed him,” she said. It's 'fine'."
    assert quoted(text) == ["“He told me ‘never again’ and I believed him,”"]


def test_nyt_triple_apostrophe_closes_nested_quote() -> None:
    text = "''They called it 'the plan,''' he said."
    assert quoted(text) == ["''They called it 'the plan,'''"]


def test_multi_paragraph_quote_is_one_run() -> None:
    text = "“First paragraph goes on.\n\n“Second one too.\n\n“Third ends here,” he said.\n\nAfter."
    segs = find_segments(text)
    runs = group_runs(segs)
    assert len(runs) == 1
    assert [text[s.start : s.end] for s in runs[0]] == [
        "“First paragraph goes on.",
        "“Second one too.",
        "“Third ends here,”",
    ]
    assert runs[0][0].open_end and runs[0][1].continued


def test_unbalanced_paragraph_degrades_alone() -> None:
    text = 'A stray " mark here, then nothing.\n\n"Fine," she said.\n\n"Also fine," he said.'
    # the stray mark runs to its paragraph end at most; the next paragraphs pair normally
    got = quoted(text)
    assert got[-2:] == ['"Fine,"', '"Also fine,"']
    assert all("\n" not in q for q in got)


def test_stray_closing_mark_is_dropped() -> None:
    text = "This is odd” and then “a real quote,” she said."
    assert quoted(text) == ["“a real quote,”"]


def test_markup_attributes_are_not_quotes() -> None:
    text = '<tweet author="@someone" id="12">We did it</tweet> "Yes," she said.'
    assert quoted(text) == ['"Yes,"']


def test_paragraphs_skip_blank_lines_and_trim() -> None:
    text = "  Title \n\n First para.\n\n\nSecond."
    assert [text[a:b] for a, b in paragraphs(text)] == ["Title", "First para.", "Second."]


def test_inch_mark_is_not_a_quote() -> None:
    text = 'The letter says he is 6\'3" tall and "in excellent health," his doctor wrote.'
    assert quoted(text) == ['"in excellent health,"']


def test_single_outer_marks_pair_when_the_paragraph_has_no_double_marks() -> None:
    text = "‘We will not sell,’ said Iain Ross. ‘Not this year.’\n\n'Fine,' she said."
    assert quoted(text) == ["‘We will not sell,’", "‘Not this year.’", "'Fine,'"]


def test_apostrophes_are_not_single_marks() -> None:
    assert quoted("It’s O’Neill’s view that the ’90s were kind to rock 'n' roll.") == []
    assert quoted("The workers’ union and the bosses’ club met.") == []


def test_possessive_closes_only_without_a_better_closing_mark() -> None:
    text = "‘The workers’ union will fight,’ she said. ‘We are the workers’ he added."
    assert quoted(text) == ["‘The workers’ union will fight,’", "‘We are the workers’"]


def test_single_marks_over_several_paragraphs() -> None:
    text = "‘First part goes on.\n\n‘Second part ends,’ he said."
    runs = group_runs(find_segments(text))
    assert [[text[s.start : s.end] for s in run] for run in runs] == [
        ["‘First part goes on.", "‘Second part ends,’"]
    ]


def test_strip_marks_keeps_nested_marks_and_final_stop() -> None:
    from annotator.nlp.quotemarks import strip_marks

    text = "“He said ‘no’ twice.” and “Go,” and ''Now,'' and « Oui »"
    spans = [
        (text.index(m), text.index(e) + len(e))
        for m, e in [("“He", "”"), ("“Go", ",”"), ("''Now", ",''"), ("«", "»")]
    ]
    assert [text[slice(*strip_marks(text, a, b))] for a, b in spans] == [
        "He said ‘no’ twice.",
        "Go",
        "Now",
        "Oui",
    ]
