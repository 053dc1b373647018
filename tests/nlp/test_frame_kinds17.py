"""Frames of direct quotes (issue 12, session 17): a participle cue whose subject the parse
misses speaks for the clause before it, and a comma frame that names someone between two
runs introduces the second run. Texts are our own; each kind has several wordings."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from annotator.nlp.docindex import DocIndex
from annotator.nlp.quotemarks import find_segments
from annotator.nlp.quotes import extract_quotes
from tests.nlp.conftest import Detect, content, cue_of, find, speaker

# --- a participle cue: the subject of the clause before it ----------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who", "cue"),
    [
        (
            "Band member Jo Finn shared the news online last week, writing "
            '"Feels great to back someone I believe in. This is a person with integrity."',
            "Feels great to back someone",
            "Band member Jo Finn",
            "writing",
        ),
        (
            '"The pier is safe," said Iain Ross. Later that evening Carla Mendes posted a '
            'photo of the pier, writing "Nobody should walk on it until the repairs are done."',
            "Nobody should walk on it",
            "Carla Mendes",
            "writing",
        ),
        (
            "As the chief executive, Dana Whit, put it in her memo to staff explaining the "
            'merger, "Imagine a company that leads the market instead of following it."',
            "Imagine a company",
            "Dana Whit",
            "explaining",
        ),
        (
            "The harbour master, Iain Ross, closed the meeting early, telling the crowd, "
            '"We will not sell the port this year."',
            "We will not sell the port",
            "Iain Ross",
            "telling",
        ),
    ],
)
def test_a_participle_cue_speaks_for_the_subject_before_it(
    detect: Detect, text: str, words: str, who: str, cue: str
) -> None:
    q = find(text, detect(text), words)
    got = speaker(text, q)
    assert got is not None and who in got, got
    assert cue_of(text, q) == cue
    assert q.confidence is not None and q.confidence >= 0.9  # framed, not inherited


def _parsed(words: list[str], parse: list[tuple[int, str, str, str]]) -> Doc:
    """A Doc of ``words`` (one space between) with (head, dep, pos, tag) per word."""
    return Doc(
        spacy.blank("en").vocab,
        words=words,
        heads=[h for h, *_ in parse],
        deps=[d for _, d, _, _ in parse],
        pos=[p for _, _, p, _ in parse],
        tags=[t for *_, t in parse],
    )


@pytest.mark.parametrize("cue", ["writing", "telling", "explaining"])
def test_a_participle_parsed_as_subject_of_the_quote_takes_the_clause_subject(cue: str) -> None:
    # the parse seen on news text: the participle made the subject of the quoted verb, so
    # the cue has no subject of its own and the words before it are too long for a name
    words = ["Jo", "Finn", "shared", "the", "news", "online", "on", "a", "quiet"]
    words += ["Sunday", "last", "week", ",", cue, "“", "Feels", "great", ".", "”"]
    parse = [
        (1, "compound", "PROPN", "NNP"),
        (2, "nsubj", "PROPN", "NNP"),
        (2, "ROOT", "VERB", "VBD"),
        (4, "det", "DET", "DT"),
        (2, "dobj", "NOUN", "NN"),
        (2, "advmod", "ADV", "RB"),
        (2, "prep", "ADP", "IN"),
        (9, "det", "DET", "DT"),
        (9, "amod", "ADJ", "JJ"),
        (6, "pobj", "PROPN", "NNP"),
        (11, "amod", "ADJ", "JJ"),
        (2, "npadvmod", "NOUN", "NN"),
        (2, "punct", "PUNCT", ","),
        (15, "nsubj", "VERB", "VBG"),  # the cue, hung on the quoted verb
        (15, "punct", "PUNCT", "``"),
        (2, "conj", "VERB", "VBZ"),
        (15, "acomp", "ADJ", "JJ"),
        (15, "punct", "PUNCT", "."),
        (15, "punct", "PUNCT", "''"),
    ]
    doc = _parsed(words, parse)
    assert DocIndex(doc, find_segments(doc.text), use_parse=True).in_quote[15]
    (rec,) = extract_quotes(doc)
    assert rec.speaker is not None and doc.text[slice(*rec.speaker)] == "Jo Finn"
    assert rec.cue is not None and doc.text[slice(*rec.cue)] == cue
    assert rec.rule == "direct_framed"


# --- a comma frame naming someone between two runs introduces the second ---------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "first", "second", "who"),
    [
        (
            '"The ferry is our only road." Mayor Ana Pike says, "Without it the island dies."',
            "The ferry is our only road.",
            "Without it the island dies.",
            "Mayor Ana Pike",
        ),
        (
            '"We were beaten by a better side." But, said coach Maria Santos, '
            '"We will be back next season."',
            "We were beaten by a better side.",
            "We will be back next season.",
            "coach Maria Santos",
        ),
        (
            '"The port stays open all winter." Of the council, Iain Ross, who has worked at '
            'the harbour for years, said, "They never listen to us."',
            "The port stays open all winter.",
            "They never listen to us.",
            "Iain Ross",
        ),
        (
            "\u201cThe port stays open all winter.\u201d Of the council, Iain Ross said, "
            "\u201cThey never listen to us.\u201d",
            "The port stays open all winter.",
            "They never listen to us.",
            "Iain Ross",
        ),
    ],
)
def test_a_comma_frame_naming_someone_after_a_full_stop_opens_a_new_quote(
    detect: Detect, text: str, first: str, second: str, who: str
) -> None:
    quotes = [q for q in detect(text) if q.kind == "direct"]
    q1, q2 = find(text, quotes, first), find(text, quotes, second)
    assert q1 is not q2
    assert content(text, q1) == [first]
    assert content(text, q2) == [second]
    assert speaker(text, q2) == who
    assert speaker(text, q1) != who or q1.confidence != q2.confidence  # not its frame


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        '"The ferry is our only road." He added, "Without it the island dies."',
        '"The ferry is our only road." She says, "Without it the island dies."',
    ],
)
def test_a_comma_frame_with_a_pronoun_still_joins_the_runs(detect: Detect, text: str) -> None:
    (q,) = [x for x in detect(text) if x.kind == "direct"]
    assert len(q.content_spans) == 2


# --- a colon frame after a question: the clause that answers introduces the quote ------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who", "cue"),
    [
        (
            "Asked whether the council should take the blame for the delay, Mayor Ana Pike "
            'shot back: "That would be good for them."',
            "That would be good for them.",
            "Mayor Ana Pike",
            "shot",
        ),
        (
            'Asked which harbour was his favourite, he demurred: "Whichever one I am standing in."',
            "Whichever one I am standing in.",
            "he",
            "demurred",
        ),
        (
            "When reporters asked about the ferry, Iain Ross snapped: "
            "\u201cNo comment on that today.\u201d",
            "No comment on that today.",
            "Iain Ross",
            "snapped",
        ),
    ],
)
def test_a_colon_frame_after_a_question_is_the_answer_of_its_clause(
    detect: Detect, text: str, words: str, who: str, cue: str
) -> None:
    q = find(text, detect(text), words)
    assert q.kind == "direct"
    assert content(text, q) == [words]  # the question is no part of it
    assert speaker(text, q) == who
    assert cue_of(text, q) == cue


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "who", "cue"),
    [
        (
            'Pike told the story of how she met the harbour master: "He was asleep on a boat."',
            "Pike",
            "told",
        ),
        (
            'Mendes answered with a line that could have come from a film: "The port is the town."',
            "Mendes",
            "answered",
        ),
    ],
)
def test_a_clause_under_the_cue_before_a_colon_leaves_the_cue_its_quote(
    detect: Detect, text: str, who: str, cue: str
) -> None:
    # the later verb ("met", "could have come") hangs under the cue: it answers nothing
    quotes = [q for q in detect(text) if q.kind == "direct"]
    (q,) = quotes
    assert speaker(text, q) == who
    assert cue_of(text, q) == cue


# --- runs in marks joined by a bare "and"/"or": one list, one quote ----------------------


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ('They chanted "We are here" and "Open the port." all day.', 1),
        ('He kept shouting "Get out" or "Be nice" at them.', 1),
        ('Signs read "Save the pier", and "Keep the ferry".', 1),
        ('They chanted "We are here." and "Open the port." all day.', 2),  # a sentence ends
        ('They chanted "We are here" but "Open the port" was louder.', 2),
        ('They chanted "We are here" and then "Open the port" later.', 2),
        ('They chanted "We are here" and\n\n"Open the port" later.', 2),  # paragraphs
    ],
)
def test_runs_joined_by_a_bare_conjunction_are_one_run(text: str, runs: int) -> None:
    from annotator.nlp.quotemarks import group_runs, join_coordinated

    assert len(join_coordinated(text, group_runs(find_segments(text)))) == runs


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "first", "second", "who"),
    [
        (
            'Many marchers were chanting "We are Orlando" and "Disarm hate." as they passed.',
            "We are Orlando",
            "Disarm hate.",
            "Many marchers",
        ),
        (
            "Mayor Pike tries to calm the crowd, alternately shouting "
            "\u201cGet them out of here\u201d and \u201cBe nice.\u201d",
            "Get them out of here",
            "Be nice.",
            "Mayor Pike",
        ),
        (
            'As they marched down the quay, the fishermen chanted "Save our port," and '
            '"No sale, no peace."',
            "Save our port",
            "No sale, no peace.",
            "the fishermen",
        ),
    ],
)
def test_words_in_marks_chanted_as_a_list_are_one_quote(
    detect: Detect, text: str, first: str, second: str, who: str
) -> None:
    q = find(text, detect(text), first)
    assert content(text, q) == [first, second]
    assert speaker(text, q) == who
    assert q.confidence is not None and q.confidence >= 0.5


# --- punctuation glued to an opening mark: the cue and the label colon stay tokens -------


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Iain Ross said,\u201cLook, the ferry stays.\u201d", ["said", ",", "\u201c", "Look"]),
        ('Councillor Ana Pike:"We keep the ferry."', ["Pike", ":", '"', "We"]),
        ('Mayor Pike said:"The ferry stays."', ["said", ":", '"', "The"]),
        # as spaCy splits "(R-Maine): " with a space
        ("Ross (R-Maine):\u201cNo comment.\u201d", ["Maine", "):", "\u201c", "No"]),
        ('He wrote;"Enough."', ["wrote", ";", '"', "Enough"]),
    ],
)
def test_punctuation_glued_to_an_opening_mark_is_split_off(text: str, pieces: list[str]) -> None:
    from annotator.nlp.pipeline import rules_only_pipeline

    words = [t.text for t in rules_only_pipeline().tokenizer(text)]
    at = words.index(pieces[0])
    assert words[at : at + len(pieces)] == pieces


@pytest.mark.parametrize(
    "text", ["It is 12:30 now.", 'A 12" board, then a 3,5 m pole.', "Ratio 3:1, said Pike."]
)
def test_colons_and_commas_not_before_a_mark_stay_as_they_were(text: str) -> None:
    from annotator.nlp.pipeline import rules_only_pipeline

    plain = spacy.blank("en").tokenizer(text)
    assert [t.text for t in rules_only_pipeline().tokenizer(text)] == [t.text for t in plain]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "Iain Ross said,\u201cLook, the ferry is our only road and we will keep it.\u201d",
            "Look, the ferry is our only road",
            "Iain Ross",
        ),
        (
            'Councillor Ana Pike:"We will keep the ferry running all winter. Nobody should '
            'doubt it."',
            "We will keep the ferry running",
            "Councillor Ana Pike",
        ),
        (
            'Mayor Ana Pike said:"The ferry will run all winter, whatever the board decides."',
            "The ferry will run all winter",
            "Mayor Ana Pike",
        ),
    ],
)
def test_a_quote_glued_to_its_frame_keeps_its_speaker(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    assert q.kind == "direct"
    assert speaker(text, q) == who
    assert q.confidence is not None and q.confidence >= 0.7


@pytest.mark.slow
@pytest.mark.parametrize("gap", [" ", ""])
@pytest.mark.parametrize(
    ("label", "who"),
    [
        ("Rep. Ana Pike (R-Maine)", "Rep. Ana Pike (R-Maine)"),
        ("Former harbour master Iain Ross (Harbour Board)", "Iain Ross"),
        ("Sen. Carla Mendes [D-Ore.]", "Sen. Carla Mendes [D-Ore.]"),
    ],
)
def test_a_label_with_brackets_before_a_colon_names_the_speaker(
    detect: Detect, label: str, who: str, gap: str
) -> None:
    text = f'{label}:{gap}"We will keep the ferry running all winter. Nobody doubts it."'
    q = find(text, detect(text), "We will keep the ferry running all winter.")
    got = speaker(text, q)
    assert got is not None and who in got, got


# --- '"...," X said, according to Y': Y's report, Y the source ------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            '"We will keep the ferry running," Mayor Ana Pike said, according to the '
            "Island Gazette.",
            "We will keep the ferry running",
            "the Island Gazette",
        ),
        (
            "\u201cThe port stays open,\u201d Iain Ross told reporters on Monday, according "
            "to a transcript of the meeting.",
            "The port stays open",
            "a transcript of the meeting",
        ),
        (
            '"Nobody asked us," said Carla Mendes, according to a local radio station.',
            "Nobody asked us",
            "a local radio station",
        ),
    ],
)
def test_a_quote_said_according_to_someone_is_their_report(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    assert speaker(text, q) == who
    assert cue_of(text, q).lower().startswith("according")


@pytest.mark.slow
def test_according_to_in_the_next_sentence_leaves_the_frame_alone(detect: Detect) -> None:
    text = '"The port stays open," Iain Ross said. According to the Gazette, the vote is Friday.'
    q = find(text, detect(text), "The port stays open")
    assert speaker(text, q) == "Iain Ross"
    assert cue_of(text, q) == "said"
