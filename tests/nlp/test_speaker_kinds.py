"""Speaker attribution by kind of quote (issues 11 and 12): words in marks with no reporting
verb of their own, ... Texts are our own; each kind has several wordings.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from annotator.nlp.docindex import DocIndex
from annotator.nlp.quotes import extract_quotes
from tests.nlp.conftest import Detect, content, find, speaker

# --- scare quotes and titles: the subject of the clause that uses the words ----------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            'Councillor Ruth Abara has been attacking the developer as a "land grabber" '
            "for months.",
            "land grabber",
            "Councillor Ruth Abara",
        ),
        (
            'In a radio interview the mayor blasted the inspectors for being "hopelessly slow."',
            "hopelessly slow",
            "the mayor",
        ),
        (
            'Last spring Senator Olu Banjo dismissed the harbour plan as "a fantasy in '
            'concrete" and walked out.',
            "a fantasy in concrete",
            "Senator Olu Banjo",
        ),
        (
            "The union's lawyers forced a change to the contract, replacing the old clause "
            'with softer wording about "reasonable notice."',
            "reasonable notice",
            "The union's lawyers",
        ),
        (
            'Okafor\'s claim that the fund would "pay for itself" was soon forgotten.',
            "pay for itself",
            "Okafor",
        ),
    ],
)
def test_scare_quote_speaker_is_the_governing_subject(
    detect: Detect, text: str, words: str, who: str
) -> None:
    q = find(text, detect(text), words)
    got = speaker(text, q)
    assert got is not None and who in got, (got, who)


@pytest.mark.slow
def test_scare_quote_under_an_empty_subject_has_no_speaker(detect: Detect) -> None:
    text = 'There were "difficult" moments at the meeting.'
    q = find(text, detect(text), "difficult")
    assert speaker(text, q) is None


# --- transcript turns: "HOST: ..." lines belong to the label -----------------------

TRANSCRIPT = (
    "Partial transcript of the radio debate:\n\n"
    "MORALES: I think the council said the bridge would reopen in May. Will it?\n\n"
    "DR. KEMP: We believe the repairs will take longer. The engineers told me the steel "
    "was weaker than expected.\n\n"
    '"LINDQVIST: You know the budget is gone," the host said.\n\n'
)


@pytest.mark.slow
def test_transcript_turn_label_speaks_for_first_person(detect: Detect) -> None:
    text = TRANSCRIPT
    said = {content(text, q)[0]: speaker(text, q) for q in detect(text)}
    # "I think ...": Morales's turn; "the council said ...": a speaker of its own, kept
    assert said["the council said the bridge would reopen in May"] == "MORALES"
    assert said["the bridge would reopen in May"] == "the council"
    assert said["the repairs will take longer"] == "DR. KEMP"  # "We" in Kemp's turn
    assert said["the steel was weaker than expected"] == "The engineers"
    assert said["LINDQVIST: You know the budget is gone"] == "the host"


def test_turn_label_reads_the_line_opening() -> None:
    from annotator.nlp.speakers import turn_label

    text = 'Intro line.\nSEN. OKAFOR: We will vote.\n"BANJO: No," he said.\nNote: none.\n'
    text += "UPDATE: I think so.\n"
    assert turn_label(text, text.index("We")) == (12, 23)
    assert text[slice(*turn_label(text, text.index("BANJO")) or (0, 0))] == "BANJO"
    assert turn_label(text, text.index("none")) is None  # not in capitals
    assert turn_label(text, text.index("Intro")) is None
    assert turn_label(text, text.index("I think")) is None  # a heading word


# --- a trained model's fragments: the subject further up the parse ------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "fragment", "who"),
    [
        (
            "The union released a new video attacking the council for closing the depot.",
            "the council for closing the depot",
            "The union",
        ),
        (
            "Many farmers are afraid that the river will flood again this spring.",
            "that the river will flood again this spring",
            "Many farmers",
        ),
        (
            "Mayor Ines Duarte spent the evening mocking the new stadium plans.",
            "the new stadium plans",
            "Mayor Ines Duarte",
        ),
    ],
)
def test_learned_fragment_speaker_is_the_subject_further_up(
    en_nlp: Language, text: str, fragment: str, who: str
) -> None:
    doc = en_nlp(text)
    a = text.index(fragment)
    records = extract_quotes(doc, learned=[(a, a + len(fragment), 0.9)])
    (rec,) = [r for r in records if r.rule == "learned"]
    assert rec.speaker is not None and text[slice(*rec.speaker)] == who


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "It goes without saying that the harbour board will raise the fees again.",
            "the harbour board will raise the fees again",
        ),
        (
            "It is worth noting that the ferry service lost money for three years.",
            "the ferry service lost money for three years",
        ),
        (
            "There's no way to tell whether the bridge will open before winter.",
            "whether the bridge will open before winter",
        ),
        ("The new levy is expected to pass the council easily.", "to pass the council easily"),
    ],
)
def test_words_before_a_gerund_infinitive_or_passive_are_no_source(
    en_nlp: Language, text: str, fragment: str
) -> None:
    # the parse gives the cue no subject; the words before it ("It goes without", "The new
    # levy is") name nobody, so the learned fragment has no source and is no quote
    doc = en_nlp(text)
    a = text.index(fragment)
    records = extract_quotes(doc, learned=[(a, a + len(fragment), 0.9)])
    assert [(r.rule, r.speaker) for r in records if r.rule == "learned"] == []


@pytest.mark.slow
def test_words_before_a_cue_without_subject_stay_a_source_when_they_end_on_a_name(
    en_nlp: Language,
) -> None:
    text = "In a letter of the Gazette Mayor Okafor said that the ferry service lost money."
    doc = en_nlp(text)
    a = text.index("the ferry")
    records = extract_quotes(doc, learned=[(a, len(text) - 1, 0.9)])
    (rec,) = [r for r in records if r.rule == "learned"]
    assert rec.speaker is not None and text[slice(*rec.speaker)].endswith("Mayor Okafor")


# --- a heading line never joins the speaker mention ---------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("heading", "sentence", "who"),
    [
        ("4:40 p.m.", "Governor Amara Lutz says the ferry fares will stay frozen.", "Lutz"),
        ("9 a.m.:", "The port authority says the night shipments will resume.", "port authority"),
        (
            "Okafor: Harbour Plan ‘A Fantasy’",
            "Senator Olu Okafor says the harbour plan cannot be paid for.",
            "Okafor",
        ),
    ],
)
def test_speaker_mention_stays_on_the_cue_line(
    detect: Detect, heading: str, sentence: str, who: str
) -> None:
    text = f"Earlier news.\n\n___.\n\n{heading}\n\n{sentence}\n\nMore follows."
    quotes = [q for q in detect(text) if q.kind == "indirect"]
    assert quotes
    for q in quotes:
        got = speaker(text, q)
        assert got is not None and who in got and "\n" not in got, got
        assert q.speaker_spans[0][0] >= text.index(sentence)


# --- participle cues: the speaker is found further up the sentence ------------------


def _said_by(detect: Detect, text: str, words: str) -> tuple[str | None, str | None]:
    q = find(text, detect(text), words)
    return speaker(text, q), q.speaker_name


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who", "name"),
    [
        (
            "The mayor, Tomasz Wierzba, opened the hearing by saying, "
            '"Nobody in this room wants the depot closed."',
            "Nobody in this room",
            "Tomasz Wierzba",
            "Tomasz Wierzba",
        ),
        (
            "Councillor Hana Mbeki answered the critics by declaring, "
            '"The budget was balanced before I arrived."',
            "The budget was balanced",
            "Councillor Hana Mbeki",
            "Hana Mbeki",
        ),
        (
            "Ruben Ostrova closed his speech on Friday by saying the harbour plan "
            '"will pay for itself within a decade."',
            "will pay for itself",
            "Ruben Ostrova",
            "Ruben Ostrova",
        ),
    ],
)
def test_participle_after_by_speaks_for_the_verbs_subject(
    detect: Detect, text: str, words: str, who: str, name: str
) -> None:
    got, canonical = _said_by(detect, text, words)
    assert got is not None and who in got, got
    assert canonical == name


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "The campaign's new advert shows footage of Ingrid Solheim asking, "
            '"Why would anyone trust the council with more money?"',
            "Why would anyone trust",
            "Ingrid Solheim",
        ),
        (
            "The film ends with a clip of Dario Feliciano saying, "
            '"We built this town with our own hands."',
            "We built this town",
            "Dario Feliciano",
        ),
        (
            "Viewers then heard a recording of Marta Kowalczyk telling the crowd, "
            '"I will not resign over a parking fine."',
            "I will not resign",
            "Marta Kowalczyk",
        ),
    ],
)
def test_participle_on_a_name_speaks_for_that_name(
    detect: Detect, text: str, words: str, who: str
) -> None:
    got, canonical = _said_by(detect, text, words)
    assert got is not None and who in got, got
    assert canonical == who


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "As was plain for the years his accounts were published ― Ortega boasted, "
            '"That is called good planning."',
            "That is called good planning",
            "Ortega",
        ),
        (
            "Whenever the accounts were made public ― Lindqvist complained, "
            '"Nobody reads the footnotes."',
            "Nobody reads the footnotes",
            "Lindqvist",
        ),
    ],
)
def test_a_dash_is_never_the_subject(detect: Detect, text: str, words: str, who: str) -> None:
    got, canonical = _said_by(detect, text, words)
    assert got == who
    assert canonical == who


# --- a dashed aside is not a signature ----------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "first", "second", "who"),
    [
        (
            "Mr. Abernathy hardly settled the matter, treating the auditor's remark first "
            "as praise -- ''That shows I am careful'' -- and, when pressed after the "
            "hearing, asserting, ''Of course, I pay every bill on time.''",
            "That shows I am careful",
            "I pay every bill",
            "Mr. Abernathy",
        ),
        (
            "Ms. Varga brushed off the question, calling the audit a formality -- ''a "
            "routine check'' -- and, when asked again on Tuesday, insisting, ''The "
            "ministry found nothing at all.''",
            "a routine check",
            "The ministry found nothing",
            "Ms. Varga",
        ),
    ],
)
def test_dash_then_and_is_no_byline(
    detect: Detect, text: str, first: str, second: str, who: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, second)
    assert speaker(text, q) == who
    assert q.speaker_name is not None and who.split()[-1] in q.speaker_name
    # "-- and" never signs the first quote
    assert speaker(text, find(text, quotes, first)) != "and"


# --- the same kinds on hand-made parses (the faults the parser makes on real texts) ---


def _parsed(words: list[str], parse: list[tuple[int, str, str, str]]) -> tuple[Doc, DocIndex]:
    """A Doc of ``words`` (one space between) with (head, dep, pos, tag) per word."""
    from annotator.nlp.quotemarks import find_segments

    doc = Doc(
        spacy.blank("en").vocab,
        words=words,
        heads=[h for h, *_ in parse],
        deps=[d for _, d, _, _ in parse],
        pos=[p for _, _, p, _ in parse],
        tags=[t for *_, t in parse],
    )
    return doc, DocIndex(doc, find_segments(doc.text), use_parse=True)


@pytest.mark.parametrize("dash", ["―", "—", "--"])
def test_a_dash_parsed_as_subject_gives_way_to_the_name(dash: str) -> None:
    from annotator.nlp.speakers import subject

    words = ["The", "files", "went", "public", dash, "Ortega", "boasted", ",", "“", "Fine", "”"]
    parse = [
        (1, "det", "DET", "DT"),
        (2, "nsubj", "NOUN", "NN"),
        (2, "ROOT", "VERB", "VBD"),
        (4, "amod", "ADJ", "JJ"),
        (6, "nsubj", "NOUN", "NN"),  # the dash, taken for a noun
        (6, "nsubj", "PROPN", "NNP"),
        (2, "ccomp", "VERB", "VBD"),
        (2, "punct", "PUNCT", ","),
        (9, "punct", "PUNCT", "``"),
        (6, "ccomp", "ADJ", "JJ"),
        (9, "punct", "PUNCT", "''"),
    ]
    doc, idx = _parsed(words, parse)
    spk = subject(idx, doc[6], 0, 7)
    assert spk is not None and doc.text[slice(*spk)] == "Ortega"


@pytest.mark.parametrize("cue", ["asserting", "insisting", "adding"])
def test_participle_hung_on_quoted_words_takes_the_subject_before(cue: str) -> None:
    from annotator.nlp.speakers import subject

    words = [
        "Ms.",
        "Varga",
        "shrugged",
        ",",
        "“",
        "It",
        "works",
        "”",
        "and",
        cue,
        ",",
        "“",
        "Yes",
        "”",
    ]
    parse = [
        (1, "compound", "PROPN", "NNP"),
        (2, "nsubj", "PROPN", "NNP"),
        (6, "ccomp", "VERB", "VBD"),
        (6, "punct", "PUNCT", ","),
        (6, "punct", "PUNCT", "``"),
        (6, "nsubj", "PRON", "PRP"),
        (6, "ROOT", "VERB", "VBZ"),  # the quoted verb, made the sentence root
        (6, "punct", "PUNCT", "''"),
        (6, "cc", "CCONJ", "CC"),
        (6, "conj", "VERB", "VBG"),
        (9, "punct", "PUNCT", ","),
        (12, "punct", "PUNCT", "``"),
        (9, "ccomp", "INTJ", "UH"),
        (12, "punct", "PUNCT", "''"),
    ]
    doc, idx = _parsed(words, parse)
    assert idx.in_quote[6] and not idx.in_quote[9]
    spk = subject(idx, doc[9], 0, 10)
    assert spk is not None and doc.text[slice(*spk)] == "Ms. Varga"


# --- a headline "Name: ..." gives its quotes to the name ----------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Okafor: Harbour plan is 'a fantasy'\n\nBody.", "Okafor"),
        ("Ruth Abara: The depot 'must stay open'\n\nBody.", "Ruth Abara"),
        ("Gov. Lutz: I will 'never' sign the fare rise\nBody.", "Gov. Lutz"),
        ("Poll: Voters call the plan 'a waste'\n\nBody.", None),
        ("Fact check: Was the bridge 'ever safe'?\n\nBody.", None),
        ("The council votes today\n\nOkafor: later line.", None),
        ("Okafor:\n\nBody.", None),
    ],
)
def test_headline_label_reads_the_first_line(text: str, label: str | None) -> None:
    from annotator.nlp.speakers import headline_label

    span = headline_label(text)
    assert (text[slice(*span)] if span else None) == label


@pytest.mark.slow
@pytest.mark.parametrize(
    ("headline", "words", "who", "name"),
    [
        (
            "Mendes: Mayor Lutz is 'hopelessly slow' on the harbour",
            "hopelessly slow",
            "Mendes",
            "Carla Mendes",
        ),
        (
            "Ruth Abara: I 'will not resign' over the depot",
            "will not resign",
            "Ruth Abara",
            "Ruth Abara",
        ),
        (
            "Senator Banjo: Ferry fares are 'a scandal', the council 'must act'",
            "a scandal",
            "Senator Banjo",
            "Olu Banjo",
        ),
    ],
)
def test_headline_quotes_belong_to_the_label(
    detect: Detect, headline: str, words: str, who: str, name: str
) -> None:
    body = (
        "Carla Mendes spoke first; Olu Banjo and Ruth Abara spoke in the city on Monday "
        "about the harbour."
    )
    text = f"{headline}\n\n{body}\n"
    quotes = [q for q in detect(text) if q.start < len(headline)]
    assert speaker(text, find(text, quotes, words)) == who
    for q in quotes:
        assert speaker(text, q) == who
        assert q.speaker_name == name


# --- "X led Y to say": the one made to speak is the source --------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who", "name"),
    [
        (
            "The narrow vote led Councillor Ruth Abara to declare that the depot would stay open.",
            "the depot would stay open",
            "Councillor Ruth Abara",
            "Ruth Abara",
        ),
        (
            "The ferry strike prompted Mayor Ines Duarte to say that fares would be frozen.",
            "fares would be frozen",
            "Mayor Ines Duarte",
            "Ines Duarte",
        ),
        (
            "Weeks of delays forced Olu Banjo to admit that the bridge was unsafe.",
            "the bridge was unsafe",
            "Olu Banjo",
            "Olu Banjo",
        ),
    ],
)
def test_the_one_made_to_speak_is_the_source(
    detect: Detect, text: str, words: str, who: str, name: str
) -> None:
    got, canonical = _said_by(detect, text, words)
    assert got == who
    assert canonical == name


# --- a reporting verb the tagger took for a noun: '"...," the email read.' ----------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "The union sent a note on Friday. “If the mayor wants to keep the depot, she "
            "should pay for it, and come to the harbour,” the editorial read.",
            "If the mayor wants",
            "the editorial",
        ),
        (
            "“Friend, let me be plain. I can beat the mayor. Nobody else can,” the email read.",
            "I can beat the mayor",
            "the email",
        ),
        ("“The ferry will run all winter,” the notice states.", "The ferry will run", "the notice"),
        ("“We will win the vote,” the Saudis state in the paper.", "We will win", "the Saudis"),
    ],
)
def test_cue_tagged_as_noun_after_an_open_quote(
    detect: Detect, text: str, words: str, who: str
) -> None:
    quotes = detect(text)
    q = find(text, quotes, words)
    assert speaker(text, q) == who
    assert q.speaker_name is None  # a document or a group without a name in the text
    assert q.cue_spans and text[slice(*q.cue_spans[0])] in ("read", "states", "state")


@pytest.mark.parametrize(
    ("text", "words", "who"),
    [
        (
            "The new spot shows the harbour at dawn. “Ana Pike will keep the port open,” "
            "a voice-over in the ad states.",
            "Ana Pike will keep",
            "a voice-over in the ad",
        ),
        ("“The ferry stays,” the notice on the pier door reads.", "The ferry stays", None),
        (
            "“Keep the mill open,” the banner on the old town hall reads.",
            "Keep the mill open",
            None,
        ),
    ],
)
def test_cue_tagged_as_noun_after_a_longer_mention(
    detect: Detect, text: str, words: str, who: str | None
) -> None:
    q = find(text, detect(text), words)
    cue = text[slice(*q.cue_spans[0])] if q.cue_spans else None
    assert cue in ("states", "reads")
    mention = speaker(text, q)
    assert mention is not None and text.index(mention) < text.index(cue)
    if who is not None:
        assert mention == who


def test_a_plural_noun_after_a_preposition_is_no_cue(detect: Detect) -> None:
    text = "“We trade with every port,” the president of the states."
    for q in detect(text):
        assert not q.cue_spans or text[slice(*q.cue_spans[0])] != "states"


def test_cue_tagged_as_noun_needs_the_clause_to_end() -> None:
    from annotator.nlp.frames import _cue_tagged_noun

    # "the email read receipts were off": "read" modifies a noun, no frame
    words = ["the", "email", "read", "receipts", "were", "off"]
    parse = [
        (1, "det", "DET", "DT"),
        (3, "compound", "NOUN", "NN"),
        (3, "compound", "NOUN", "NN"),
        (4, "nsubj", "NOUN", "NNS"),
        (4, "ROOT", "AUX", "VBD"),
        (4, "acomp", "ADV", "RB"),
    ]
    doc, idx = _parsed(words, parse)
    assert _cue_tagged_noun(idx, 0, 5) is None
    doc, idx = _parsed(
        words[:3] + ["."], parse[:2] + [(2, "ROOT", "NOUN", "NN"), (2, "punct", "PUNCT", ".")]
    )
    frame = _cue_tagged_noun(idx, 0, 3)
    assert frame is not None and frame.speaker is not None
    assert doc.text[slice(*frame.speaker)] == "the email"


# --- a dash byline on the line below the quote --------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("byline", "who"),
    [
        ("- Carla Sanchez.", "Carla Sanchez"),
        ("—Mayor Ines Duarte, speaking on Friday.", "Mayor Ines Duarte"),
        ("-Olu Banjo, Lagos.", "Olu Banjo"),
    ],
)
def test_dash_byline_on_the_next_line_signs_the_quote(
    detect: Detect, byline: str, who: str
) -> None:
    text = (
        "Readers sent us their views.\n\n"
        '"The bridge will be open by May. I promise you that."\n\n'
        f"{byline}\n\n"
        "Other letters followed.\n"
    )
    q = find(text, detect(text), "The bridge will be open")
    got = speaker(text, q)
    # the stored mention covers whole tokens: a glued dash ("-Olu") stays in it
    assert got is not None and got.lstrip("-—") == who, got
    assert q.speaker_name is not None and q.speaker_name in who


def test_next_line_without_a_dash_name_is_no_byline() -> None:
    from annotator.nlp.frames import byline_below

    for below in ("- lower case item.", "Carla Sanchez.", "- Carla Sanchez said so and more"):
        words = ["“", "Fine", "”", "\n\n", *below.replace(".", " .").split()]
        parse = [(i, "dep", "X", "XX") for i in range(len(words))]
        doc, idx = _parsed(words, parse)
        assert byline_below(idx, doc[2].idx) is None, below
    words = ["“", "Fine", "”", "\n\n", "-", "Carla", "Sanchez", "."]
    doc, idx = _parsed(words, [(i, "dep", "X", "XX") for i in range(len(words))])
    frame = byline_below(idx, doc[2].idx)
    assert frame is not None and frame.speaker is not None
    assert doc.text[slice(*frame.speaker)] == "Carla Sanchez"


# --- "Said Ellis: ..." -- the verb opens the sentence, the name stands before the colon


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "words", "who", "name"),
    [
        (
            "Ryan Ellis said the plan was complicated. Said Ellis: “I don’t get the sense "
            "she cares about tax reform.”",
            "I don’t get the sense",
            "Ellis",
            "Ryan Ellis",
        ),
        (
            "The mayor spoke first. Said Duarte: “We will keep the depot open.”",
            "We will keep the depot open",
            "Duarte",
            "Duarte",
        ),
        (
            "The mayor spoke first. Added Gov. Ines Duarte: “We will keep the depot open.”",
            "We will keep the depot open",
            "Gov. Ines Duarte",
            "Ines Duarte",
        ),
        (
            "The chair closed the meeting. Added Lutz: “The vote stands.”",
            "The vote stands",
            "Lutz",
            "Lutz",
        ),
    ],
)
def test_inverted_verb_before_colon_names_the_speaker(
    detect: Detect, text: str, words: str, who: str, name: str
) -> None:
    got, canonical = _said_by(detect, text, words)
    assert got == who
    assert canonical == name


def test_clean_person_name_drops_an_inverted_verb() -> None:
    from annotator.nlp.speaker_names import clean_person_name

    assert clean_person_name("Said Duarte") == "Duarte"
    assert clean_person_name("Added Gov. Lutz") == "Lutz"
    assert clean_person_name("Said") == "Said"  # nothing else: kept


@pytest.mark.parametrize(
    ("text", "who"),
    [
        (
            "Pollsters agree - Dana Whitfield: “The late shift in Iowa was real, and the "
            "last surveys caught it.”",
            "Dana Whitfield",
        ),
        (
            "TURNOUT WAS HIGHER THAN EXPECTED IN OHIO - Marco Bellini: “Both parties drew "
            "record crowds to the caucus sites this year.”",
            "Marco Bellini",
        ),
        (
            "Polls did predict the Democratic race - Poll Watch: “Most pollsters fared much "
            "better with the Democratic results.”",
            "Poll Watch",
        ),
    ],
)
def test_a_name_after_a_headline_dash_and_before_a_colon_is_the_speaker(
    detect: Detect, text: str, who: str
) -> None:
    # news digests: a headline, a dash, then the author of the quote and a colon
    quotes = detect(text)
    q = next(q for q in quotes if q.kind == "direct")
    assert speaker(text, q) == who


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("“We were wrong to wait so long,” Ramos, 58, told reporters on Monday.", "Ramos"),
        ("“The river is rising again,” Ines Duarte, 41, said.", "Ines Duarte"),
        ("“The mine will not reopen this year,” Tom Keller, 67, told the council.", "Tom Keller"),
    ],
)
def test_the_name_before_an_age_is_the_speaker_found_by_position(
    detect_rules: Detect, text: str, who: str
) -> None:
    # by position (rules-only mode, or a parse that loses the subject): the age after
    # the name is skipped, not taken for the speaker
    quotes = detect_rules(text)
    assert len(quotes) == 1
    assert (speaker(text, quotes[0]) or "").startswith(who)


@pytest.mark.parametrize(
    ("text", "first", "who"),
    [
        (
            "“We will carry the north,” said Lea Brandt, the campaign chief. “And we have a "
            "real chance all the way down to Bavaria,” which votes in June.",
            "We will carry the north",
            "Lea Brandt",
        ),
        (
            "“The budget holds,” said Omar Aziz. “We will keep the clinic in Eastfield open,” "
            "which serves four villages.",
            "The budget holds",
            "Omar Aziz",
        ),
    ],
)
def test_a_relative_clause_after_a_quote_names_no_speaker(
    detect: Detect, text: str, first: str, who: str
) -> None:
    # "..., which votes in June" is about the quote's last words: the second run goes on
    # with the first quote's speaker, not "which"
    quotes = detect(text)
    q = find(text, quotes, first)
    assert len(content(text, q)) == 2
    assert who in (speaker(text, q) or "")
    assert all(speaker(text, other) != "which" for other in quotes)
