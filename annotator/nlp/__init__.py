"""spaCy layer: the quote detector (pure extraction functions + the pipeline component).

- ``quotemarks``: pairing quotation marks per paragraph (text only).
- ``quotes``: ``Doc -> QuoteRecord`` extraction, the entry point over the rule families:
  ``direct`` and ``frames`` (direct and mixed quotes), ``indirect`` (reported speech),
  ``speakers`` (speaker mentions), ``speaker_names`` (resolution to names), sharing the
  per-document ``docindex``; ``confidence`` holds each rule's value and measured precision.
- ``component``: the ``annotator_quotes`` factory writing span groups.
- ``pipeline``: ``load_pipeline`` with the rules-only fallback; ``models``: the model names.
- ``detect``: ``detect_texts`` / ``detect_doc`` returning core ``Quote`` objects.

No Qt and no SQL here (import-linter contracts in pyproject.toml).
"""
