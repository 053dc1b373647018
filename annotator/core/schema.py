"""The quote JSONL schema (PRODUCT.md, "Quote JSONL", version 1) as pydantic v2 models.

Every reader of annotated data (quote JSONL, Prodigy, brat, CSV) and ``merge`` check quotes
here, so one validator decides what may enter a project:

- spans are ``[start, end]`` pairs of integers (not booleans, not floats) with
  ``0 <= start < end <= len(text)``, counted in code points;
- ``kind``, ``status`` and ``origin`` are one of their enum values (null means the default);
- ``speaker_text``, ``speaker_name``, ``stance``, ``stance_target`` and ``note`` are strings
  or null; ``annotator`` is a non-blank string or null;
- ``confidence`` is a finite number in ``[0, 1]`` or null;
- the speaker registry keys the JSONL export writes (:mod:`annotator.io.jsonl_export`):
  ``speaker_type`` is ``person``, ``organisation``, ``group``, ``unknown`` or null,
  ``speaker_gender`` is ``female``, ``male``, ``other``, ``unknown`` or null and
  ``speaker_gender_guessed`` is a JSON boolean or null.

The rows ``merge`` reads from another project file (reviews, gold decisions, progress,
left-out marks) are checked here too, by :func:`check_row`.

Unknown keys are allowed (kept by the caller). :func:`check_quote` returns the clean values
or raises :class:`SchemaError` with a one-line reason naming the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

KindName = Literal["direct", "mixed", "indirect"]
StatusName = Literal["accepted", "rejected", "pending"]
OriginName = Literal["model", "model-corrected", "manual"]
SpeakerTypeName = Literal["person", "organisation", "group", "unknown"]
GenderName = Literal["female", "male", "other", "unknown"]

SpanPair = Annotated[list[StrictInt], Field(min_length=2, max_length=2)]

M = TypeVar("M", bound=BaseModel)


class SchemaError(ValueError):
    """A quote or article object does not follow the quote JSONL schema (one-line reason)."""


def _num(x: int) -> str:
    """An offset for a message: a number of over 20 digits (``10**400`` in a hostile file)
    as its first digits and its length, so that the report line stays a line."""
    text = str(x)
    return text if len(text) <= 20 else f"{text[:12]}…({len(text)} digits)"


def _check_spans(spans: list[list[int]], info: ValidationInfo) -> list[list[int]]:
    length = (info.context or {}).get("text_length")
    for start, end in spans or ():  # null: no spans (a validator runs on None too)
        pair = f"[{_num(start)}, {_num(end)}]"
        if start < 0:
            raise ValueError(f"span {pair} starts before the text (negative offset)")
        if end <= start:
            raise ValueError(f"span {pair} is empty or reversed (start must be < end)")
        if length is not None and end > length:
            raise ValueError(f"span {pair} reaches past the end of the text ({length})")
    return spans


class QuoteFast(BaseModel):
    """:class:`QuoteSchema` with every rule pydantic can check natively and no Python
    validator, for :func:`check_article_fast`; the span rules that need the text length
    and the blank-annotator rule are checked after it, in one loop."""

    model_config = ConfigDict(extra="allow")

    content_spans: Annotated[list[SpanPair], Field(min_length=1)]
    speaker_spans: list[SpanPair] | None = None
    cue_spans: list[SpanPair] | None = None
    speaker_text: StrictStr | None = None
    speaker_name: StrictStr | None = None
    kind: KindName | None = None
    stance: StrictStr | None = None
    stance_target: StrictStr | None = None
    annotator: StrictStr | None = None
    status: StatusName | None = None
    origin: OriginName | None = None
    confidence: (
        Annotated[StrictFloat | StrictInt, Field(ge=0, le=1, allow_inf_nan=False)] | None
    ) = None
    note: StrictStr | None = None
    speaker_type: SpeakerTypeName | None = None
    speaker_gender: GenderName | None = None
    speaker_gender_guessed: StrictBool | None = None


class ArticleFast(BaseModel):
    """:class:`ArticleSchema` with the quotes left to :data:`_QUOTES_FAST`."""

    model_config = ConfigDict(extra="allow")

    text: StrictStr
    id: StrictStr | StrictInt | None = None
    title: StrictStr | None = None
    meta: dict[str, Any] | None = None
    quotes: list[Any] | None = None


class QuoteSchema(QuoteFast):
    """One quote object of a quote JSONL line (unknown keys allowed): the fields of
    :class:`QuoteFast`, with the rules that need Python and give the reader's messages."""

    stance_target: Any = None
    confidence: StrictFloat | StrictInt | None = None

    _spans_inside = field_validator("content_spans", "speaker_spans", "cue_spans")(_check_spans)

    @field_validator("stance_target")
    @classmethod
    def _target_is_text(cls, value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"a stance target must be text, got {value!r:.40}")
        return value

    @field_validator("annotator")
    @classmethod
    def _annotator_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the annotator is blank (give a name or null)")
        return value

    @field_validator("confidence")
    @classmethod
    def _confidence_in_range(cls, value: float | None) -> float | None:
        if value is None:
            return None
        if not math.isfinite(value) or not 0 <= value <= 1:
            raise ValueError(f"confidence {value!r} is not a number between 0 and 1")
        return float(value)


class ArticleSchema(ArticleFast):
    """The top level of a quote JSONL line (unknown keys allowed, kept in ``meta``).

    ``quotes`` must be an array (or null); its items are checked one by one with
    :func:`check_quote`, so that a bad quote costs only itself, not its article.
    """


#: One compiled validator call for all the quotes of a line (issue 16: the per-quote
#: ``model_validate`` with Python field validators was most of the import's validation).
_QUOTES_FAST = TypeAdapter(list[QuoteFast])


def check_article_fast(obj: Any) -> tuple[ArticleFast, list[QuoteFast]] | None:
    """The top level and the quotes of one decoded JSONL line, validated in two compiled
    pydantic calls, spans checked against the line's own text; None when anything breaks
    a rule (or is unusual: a quote that is not an object). The caller then validates with
    :func:`check_article` and :func:`check_quote`, which accept exactly the same objects
    and give the reason; this path never accepts what they refuse (test:
    tests/core/test_schema_fast.py)."""
    if not isinstance(obj, dict):
        return None
    try:
        top = ArticleFast.model_validate(obj)
        raw = top.quotes or []
        if not all(type(q) is dict for q in raw):
            return None
        quotes = _QUOTES_FAST.validate_python(raw)
    except ValidationError:
        return None
    length = len(top.text)
    for q in quotes:
        for spans in (q.content_spans, q.speaker_spans, q.cue_spans):
            for start, end in spans or ():
                if start < 0 or end <= start or end > length:
                    return None
        if q.annotator is not None and not q.annotator.strip():
            return None
    return top, quotes


def json_kind(value: Any) -> str:
    """What a decoded JSON value is, in words: ``"an array"``, ``"a number (42)"``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number ({value!r:.20})"
    if isinstance(value, str):
        return f"a string ({value!r:.30})"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _reason(exc: ValidationError, prefix: str = "") -> str:
    """The first problems of a ValidationError as one line: ``field: message; ...``.

    A wrong type says what was given: ``text: Input should be a valid string, not a number
    (42)``.
    """
    parts = []
    for err in exc.errors(include_url=False)[:3]:
        where = list(err["loc"])
        if len(where) >= 2 and where[0] == "quotes" and isinstance(where[1], int):
            where[:2] = [f"quote {where[1] + 1}"]  # as the other quote messages count them
        loc = ".".join(str(x) for x in where)
        msg = str(err["msg"]).removeprefix("Value error, ")
        if len(msg) > 200:  # a 400-digit offset: the report line stays a line
            msg = msg[:199] + "…"
        msg = msg.replace("valid dictionary", "JSON object").replace("valid list", "JSON array")
        if str(err.get("type", "")).endswith("_type") and "input" in err:
            msg += f", not {json_kind(err['input'])}"
        parts.append(f"{prefix}{loc}: {msg}" if loc else f"{prefix}{msg}")
    more = exc.error_count() - len(parts)
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def check_article(obj: Any) -> ArticleSchema:
    """Validate the top level of one decoded JSONL line; raise SchemaError with the reason."""
    if not isinstance(obj, Mapping):
        raise SchemaError(
            f"the line is {json_kind(obj)}, not a JSON object (one article per line: "
            '{"text": ...})'
        )
    try:
        return ArticleSchema.model_validate(obj)
    except ValidationError as exc:
        raise SchemaError(_reason(exc)) from None


def check_quote(obj: Any, text_length: int | None = None) -> QuoteSchema:
    """Validate one quote object (spans checked against ``text_length`` code points).

    Raises:
        SchemaError: the object breaks the schema; the message names the field.
    """
    if not isinstance(obj, Mapping):
        raise SchemaError(f"a quote must be a JSON object, not {json_kind(obj)}")
    try:
        return QuoteSchema.model_validate(obj, context={"text_length": text_length})
    except ValidationError as exc:
        raise SchemaError(_reason(exc)) from None


def check_aliases(value: Any) -> list[str]:
    """A speaker's aliases: a list of non-blank strings; raise SchemaError otherwise."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(a, str) and a.strip() for a in value
    ):
        raise SchemaError(f"aliases must be a list of names, got {value!r:.80}")
    return list(value)


# -- rows of another project file (``annotator merge``) ------------------------------------

#: The longest annotator or reviewer name taken from another project file, in code points
#: (our own bound: far above any real name, small enough for a status bar and a report).
MAX_NAME = 200
#: The most annotator names one review may list (our own bound, as above).
MAX_REVIEW_ANNOTATORS = 100
#: The longest timestamp text taken from another file (ISO 8601 with microseconds and an
#: offset is 32 characters).
MAX_TIMESTAMP = 40


def _name(value: str) -> str:
    if not value.strip():
        raise ValueError("the name is blank")
    return value


def _timestamp(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r:.40} is not an ISO 8601 time") from None
    return value


NameText = Annotated[StrictStr, Field(max_length=MAX_NAME), AfterValidator(_name)]
TimeText = Annotated[StrictStr, Field(max_length=MAX_TIMESTAMP), AfterValidator(_timestamp)]


def _known(name: str, info: ValidationInfo) -> str:
    known = (info.context or {}).get("annotators")
    if known is not None and name not in known:
        raise ValueError(f"annotator {name!r:.40} is not one of the file's annotators")
    return name


KnownName = Annotated[NameText, AfterValidator(_known)]


class ReviewRowSchema(BaseModel):
    """A ``reviews`` row of another project file (the ``annotators`` column is JSON text)."""

    model_config = ConfigDict(extra="ignore")

    id: StrictInt
    article_id: StrictInt
    reviewer: NameText
    annotators: Annotated[list[KnownName], Field(max_length=MAX_REVIEW_ANNOTATORS)]
    status: Literal["in_progress", "done"]
    created_at: TimeText
    updated_at: TimeText

    @field_validator("annotators", mode="before")
    @classmethod
    def _decode(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(f"must be JSON text, got {type(value).__name__}")
        if len(value) > MAX_REVIEW_ANNOTATORS * (MAX_NAME + 8):
            raise ValueError(f"is {len(value)} characters long; too long for a list of names")
        try:
            decoded = json.loads(value)
        except ValueError:
            raise ValueError("is not valid JSON") from None
        if not isinstance(decoded, list):
            raise ValueError(f"must be a JSON list of names, got {value!r:.40}")
        return decoded


class GoldRowSchema(BaseModel):
    """The non-quote columns of a ``gold_quotes`` row of another project file."""

    model_config = ConfigDict(extra="ignore")

    id: StrictInt
    review_id: StrictInt
    article_id: StrictInt
    source_annotation_id: StrictInt | None = None
    decision: Literal["agreed", "picked", "edited", "added"]
    created_at: TimeText
    updated_at: TimeText


class ProgressRowSchema(BaseModel):
    """An ``article_progress`` row of another project file, its annotator's name joined."""

    model_config = ConfigDict(extra="ignore")

    article_id: StrictInt
    annotator: KnownName
    status: Literal["new", "in_progress", "done"]


class LeftOutRowSchema(BaseModel):
    """A ``left_out`` row of another project file, its annotation's article joined."""

    model_config = ConfigDict(extra="ignore")

    review_id: StrictInt
    annotation_id: StrictInt
    created_at: TimeText


def check_row(model: type[M], row: Mapping[str, Any], annotators: Any = None) -> M:
    """Validate one row of another project's table with ``model``.

    Args:
        row: column name -> value, as SQLite gave it (any type: the file may be forged).
        annotators: the names an annotator column may hold (None: any valid name).

    Raises:
        SchemaError: the row breaks the model; the message names the column and problem.
    """
    try:
        return model.model_validate(dict(row), context={"annotators": annotators})
    except ValidationError as exc:
        raise SchemaError(_reason(exc)) from None


def check_name(value: Any) -> str:
    """An annotator's or reviewer's name from another file; raise SchemaError if not one."""
    if not isinstance(value, str):
        raise SchemaError(f"the name {value!r:.40} is not text")
    if not value.strip():
        raise SchemaError("the name is blank")
    if len(value) > MAX_NAME:
        raise SchemaError(f"the name is {len(value)} characters long (at most {MAX_NAME})")
    return value
