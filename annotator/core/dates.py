"""Article dates: which values a report can place in a month, and what import says of the rest.

An article's ``meta.date`` is kept as the source gave it (PRODUCT.md: metadata is the
article's own, unknown keys are kept, never an error; an export gives back what was
imported). Reports group by month, the first seven characters of an ISO 8601 date
(``2020-09`` of ``2020-09-21`` or ``2020-09-21T08:00:00Z``); any other value counts under
:data:`UNKNOWN_DATE`, never under a cut string such as ``not-a-d``.
"""

from __future__ import annotations

import re
from datetime import date

#: The report's group for an article whose date is not an ISO 8601 date.
UNKNOWN_DATE = "(unknown date)"

#: ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-MM-DD`` followed by a time (``T`` or a space).
_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2})(?:[T ].*)?)?", re.DOTALL)


def month_of(value: object) -> str | None:
    """``YYYY-MM`` of an ISO 8601 date (``2020-09-21``, ``2020-09``, ``2020-09-21T08:00Z``),
    else None (a number, ``21/09/2020``, ``not-a-date``, ``2020-13-01``, ``2020-02-30``)."""
    if not isinstance(value, str):
        return None
    m = _ISO.fullmatch(value.strip())
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3] or 1)
    try:
        date(year, month, day)
    except ValueError:
        return None
    return f"{m[1]}-{m[2]}"


def date_problem(value: object) -> str | None:
    """What import says of an article date a report cannot place in a month (None when it
    can, or when there is no date: None or blank). The article is kept with the date as
    given; the message says so."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if month_of(value) is not None:
        return None
    shown = repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"
    if len(shown) > 60:
        shown = shown[:59] + "…"
    return (
        f"date {shown} is not a valid date (YYYY-MM-DD); the article is kept with the date "
        f"as given, and reports count it under {UNKNOWN_DATE}"
    )


def report_month(value: object) -> str | None:
    """The report's month group of an article date: ``YYYY-MM`` (:func:`month_of`), None
    for no date (None or blank; reports write "(none)"), else :data:`UNKNOWN_DATE`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return month_of(value) or UNKNOWN_DATE
