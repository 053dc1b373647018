"""A JSON loader for untrusted lines: every failure is a one-line reason, never a traceback.

``json.loads`` raises more than JSONDecodeError on hostile input: RecursionError for deeply
nested arrays, ValueError for integers over Python's digit limit (4,300 digits, see
``sys.set_int_max_str_digits``), and it accepts ``NaN``/``Infinity``, which are not JSON
(RFC 8259) and which SQLite's ``json_valid`` refuses later. All of them become
:class:`BadJson` here.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from annotator.core.text import utf8_problem


class BadJson(ValueError):
    """The text is not one valid JSON value; the message says why, in a few words."""


def _no_constant(name: str) -> Any:
    raise BadJson(f"{name} is not valid JSON (write null or a number)")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise BadJson(f"the number {literal[:20]}... is too large for a float")
    return value


def load_json(text: str | bytes) -> Any:
    """Decode one JSON value; raise BadJson (a ValueError) with a short reason."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except BadJson:
        raise
    except json.JSONDecodeError as exc:
        # "Unterminated string starting at" reads on into the column, the others take a comma
        sep = " " if exc.msg.endswith(" at") else ", "
        raise BadJson(f"broken JSON ({exc.msg}{sep}column {exc.colno})") from None
    except RecursionError:
        raise BadJson("the JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise BadJson(f"unreadable JSON ({str(exc)[:120]})") from None


#: A JSON escape of a surrogate (U+D800-U+DFFF): only a line with one can decode to a lone
#: surrogate (raw UTF-8 cannot hold one), so only such lines are walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def check_utf8(value: Any, line: str) -> None:
    """Raise BadJson when a string of ``value`` (decoded from ``line``) holds a lone
    surrogate, which a JSON escape such as ``"\\ud800"`` can make but no UTF-8 text (and
    so no project) can hold; the message names the field, e.g. ``text: character 14 is a
    lone surrogate (U+D800), which has no UTF-8 form``. Quick when ``line`` has no
    surrogate escape (one regular-expression scan)."""
    if _SURROGATE_ESCAPE.search(line) is None:
        return
    problem = _first_utf8_problem(value, "")
    if problem is not None:
        raise BadJson(problem)


def _first_utf8_problem(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        problem = utf8_problem(value)
        return None if problem is None else f"{where or 'the value'}: {problem}"
    if isinstance(value, dict):
        for key, item in value.items():
            key_problem = utf8_problem(str(key))
            if key_problem is not None:
                return f"key {where + '.' if where else ''}{key!r}: {key_problem}"
            found = _first_utf8_problem(item, f"{where}.{key}" if where else str(key))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _first_utf8_problem(item, f"{where}[{i}]")
            if found is not None:
                return found
    return None
