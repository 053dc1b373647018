"""spaCy layer: the quote detector (pure extraction functions + the pipeline component).

- ``quotemarks``: pairing quotation marks per paragraph (text only).
- ``quotes``: ``Doc -> QuoteRecord`` extraction (direct, mixed, indirect; speakers).
- ``component``: the ``annotator_quotes`` factory writing span groups.
- ``pipeline``: ``load_pipeline`` with the rules-only fallback.
- ``detect``: ``detect_texts`` / ``detect_doc`` returning core ``Quote`` objects.

No Qt and no SQL here (import-linter contracts in pyproject.toml).
"""
