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


def _sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils without the numpy and pandas it imports when they are installed.

    sqlite-utils only uses them to name the column type of a numpy or pandas value when it
    creates a table from Python values; every table here comes from the migrations' SQL.
    numpy took 0.07-0.13 s of each launch of the window, before it shows (issue 16). A
    module already imported is left as it is, and both import normally afterwards.
    """
    import sys

    blocked = [m for m in ("numpy", "pandas") if m not in sys.modules]
    if "sqlite_utils" in sys.modules or not blocked:
        return
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` fails
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in blocked:
            del sys.modules[name]


_sqlite_utils_without_numpy()
