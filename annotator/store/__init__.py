"""annotator.store: the only package that speaks SQL (tests/test_layering.py checks it).

Public API, by module:

- :mod:`~annotator.store.project`: :class:`Project` (articles, suggestions, annotations,
  speakers, settings, progress, stats); :meth:`Project.action` (one transaction plus its
  change-log row), :meth:`Project.transaction` and :meth:`Project.batch` (several actions
  as one); :class:`SpeakerIds`. Its suggestion and detection methods live in the
  :class:`~annotator.store.project_suggestions.ProjectSuggestions` mixin.
- :mod:`~annotator.store.rows`: :func:`quote_from_row`, :func:`speaker_from_row`,
  :func:`rows_to_records` (rows to model objects).
- :mod:`~annotator.store.counts`: :class:`ArticleRow` (the one article-list row type),
  :class:`Totals`; the quote counts, reached as :meth:`Project.article_summaries`,
  :meth:`Project.article_row` and :meth:`Project.totals`.
- :mod:`~annotator.store.review`: :class:`ReviewStore` (reviews and gold quotes, including
  :meth:`ReviewStore.copy_review` for merge).
- :mod:`~annotator.store.selection`: what an export selects (:class:`Selection`,
  :func:`count_selected`, :func:`iter_gold_rows`) and the review decisions it writes.
- :mod:`~annotator.store.queries`: the annotation window's reads (position, speakers).
- :mod:`~annotator.store.db`: opening, migrations, and the error names
  (:data:`StoreIntegrityError`, :data:`StoreDatabaseError`) callers catch without sqlite3.
"""
