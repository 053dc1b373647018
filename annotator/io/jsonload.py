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
from typing import Any


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
