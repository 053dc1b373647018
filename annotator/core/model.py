"""Plain data types shared by every layer: articles, quotes and their spans.

Offsets are Python code-point indices into the article text, end-exclusive (spaCy's
``start_char``/``end_char``). Nothing here knows about Qt, spaCy or SQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from annotator.core.quote_keys import QUOTE_KEYS
from annotator.core.text import title_and_body

if TYPE_CHECKING:  # pydantic is imported by the readers that check quotes, not by the window
    from annotator.core.schema import QuoteFast, QuoteSchema

Span = tuple[int, int]

KINDS: tuple[str, ...] = ("direct", "mixed", "indirect")
STATUSES: tuple[str, ...] = ("accepted", "rejected", "pending")
ORIGINS: tuple[str, ...] = ("model", "model-corrected", "manual")
DEFAULT_STANCE_LABELS: tuple[str, ...] = ("support", "oppose", "neutral", "unclear")
#: Project setting: do a direct quote's content spans include its quotation marks and the
#: punctuation before the closing mark (``"We won,"``) or not (``We won``)? The default
#: follows the default guidelines (resources/guidelines.md: "Leave out the quotation marks").
MARKS_INSIDE_SETTING = "quote_marks_inside"
MARKS_INSIDE_DEFAULT = False

#: The default display threshold: detector suggestions below this confidence are hidden
#: in the window (View > Hide suggestions below confidence, per analyst; 0 shows all) and
#: left out by ``annotator evaluate`` unless ``--min-confidence`` says otherwise: one
#: number, so that the figures evaluate prints are those of what the analyst sees.
#: It sits in the gap between the rules of :mod:`annotator.nlp.confidence` that are mostly
#: not quotes as they stand (titles 0.1, short stand-alone sentences 0.1, scare quotes and
#: slogans 0.15) and the next ones (0.3). Lenient precision per band on PolNeAR train lines
#: 1-400 (``annotator evaluate GOLD --detect --min-confidence 0``, detector of 2026-12-02):
#: [0, 0.2) 697 suggestions, 49.1%; [0.3, 0.5) 431, 83.5%; [0.5, 0.7) 815, 93.1%;
#: [0.7, 0.9) 2680, 97.3%; [0.9, 1] 1856, 99.4% -- all at 0.2 and above 5782, 96.4%.
#: Hidden suggestions stay in the project; the window's threshold set to 0 shows them.
DEFAULT_MIN_CONFIDENCE = 0.2


def normalise_spans(spans: Iterable[Sequence[int]] | None) -> tuple[Span, ...]:
    """Return spans as sorted ``(start, end)`` tuples, dropping empty ones."""
    if not spans:
        return ()
    out = []
    for item in spans:
        if len(item) != 2:
            raise ValueError(f"a span needs a start and an end, got {list(item)!r}")
        start, end = int(item[0]), int(item[1])
        if start < 0 or end < start:
            raise ValueError(f"invalid span [{start}, {end}]")
        if end > start:
            out.append((start, end))
    return tuple(sorted(out))


def encode_spans(spans: Iterable[Span]) -> str:
    """Spans as the JSON text stored in the project and written in CSV cells.

    ``((0, 5), (9, 12))`` -> ``"[[0, 5], [9, 12]]"`` (offsets in code points, as given: no
    sorting or checking, so equal span tuples always give equal text, which the store's
    duplicate checks compare). The one encoder; :func:`decode_spans` reads it back.
    """
    spans = tuple(spans)
    try:
        # the usual case without a JSON encoder call (bulk writes encode millions); the
        # same text json.dumps gives for pairs of ints
        if all(type(a) is int and type(b) is int for a, b in spans):
            return "[" + ", ".join(f"[{a}, {b}]" for a, b in spans) + "]"
    except (TypeError, ValueError):  # not pairs: the encoder says what it makes of them
        pass
    return json.dumps([list(s) for s in spans])


_NUM = r"(?:0|[1-9][0-9]*)"
#: Exactly the text :func:`encode_spans` writes for pairs of non-negative ints.
_PAIRS = re.compile(rf"\[\[{_NUM}, {_NUM}\](?:, \[{_NUM}, {_NUM}\])*\]")
_INT = re.compile(r"[0-9]+")
_ONE_PAIR = re.compile(rf"\[\[({_NUM}), ({_NUM})\]\]")


def decode_spans(value: str | None) -> tuple[Span, ...]:
    """The spans :func:`encode_spans` wrote; ``None`` or ``""`` gives ``()``.

    Raises ValueError when ``value`` is not a JSON list of ``[start, end]`` pairs of
    integers (no strings, floats or booleans: a row of someone else's file may hold them).
    """
    if not value or value == "[]":  # no spans (most speaker and cue columns)
        return ()
    one = _ONE_PAIR.fullmatch(value)
    if one is not None:  # one span: most columns of most rows, read without a list
        return ((int(one[1]), int(one[2])),)
    if _PAIRS.fullmatch(value):  # what encode_spans writes: no JSON parser needed (an
        # article of 20,000 suggestions reads 60,000 span columns when it opens)
        nums = [int(x) for x in _INT.findall(value)]
        return tuple(zip(nums[::2], nums[1::2], strict=True))
    try:
        items = json.loads(value)
        if not isinstance(items, list):
            raise TypeError(type(items).__name__)
        for item in items:
            if not (
                isinstance(item, list)
                and len(item) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in item)
            ):
                raise TypeError(f"{item!r:.40} is not a pair of integers")
        return tuple((a, b) for a, b in items)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(
            f"not a list of [start, end] spans, each a pair of integers: {value[:60]!r}"
        ) from exc


def spans_text(text: str, spans: Iterable[Span], sep: str = " … ") -> str:
    """The text covered by ``spans``, fragments joined by ``sep``."""
    return sep.join(text[a:b] for a, b in spans)


def mention_text(text: str, spans: Iterable[Span]) -> str | None:
    """The text under speaker ``spans`` as the quote's mention: fragments joined by a
    space (as the brat and Prodigy readers join them); None when there are no spans."""
    return " ".join(text[a:b] for a, b in spans) or None


def with_mention(quote: Quote, text: str) -> Quote:
    """``quote`` with its mention filled in from its speaker spans when it has none.

    The import derives ``speaker_text`` from the spans (tester18 T1); rows stored before
    that, or written by hand, may hold spans and no text: what the window and the exports
    show is then the text under the spans. Spans outside ``text`` are left to
    :func:`quote_span_problem` (the quote is returned unchanged).
    """
    if quote.speaker_text or not quote.speaker_spans:
        return quote
    if any(span_problem(a, b, len(text)) for a, b in quote.speaker_spans):
        return quote
    return quote.with_(speaker_text=mention_text(text, quote.speaker_spans))


def clean_target(value: Any) -> str | None:
    """A stance target as stored: stripped text, or None for a missing or blank one.

    Raises ValueError when ``value`` is neither a string nor None.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"a stance target must be text, got {value!r}")
    return value.strip() or None


def effective_target(
    quote_target: str | None, article_target: str | None, project_target: str | None
) -> str | None:
    """What a stance is about: the quote's own target, else the article's, else the project's.

    Blank values count as unset (PRODUCT.md "Stance": default, per article, per quote).
    """
    for t in (quote_target, article_target, project_target):
        if t and t.strip():
            return t.strip()
    return None


def with_target(quote: Quote, article_target: str | None, project_target: str | None) -> Quote:
    """``quote`` with the target its stance is on filled in (for exports).

    A quote without a stance keeps its stored target (None stays None), so a file that is
    imported and exported again comes back unchanged.
    """
    if quote.stance is None or quote.stance_target:
        return quote
    target = effective_target(None, article_target, project_target)
    return quote if target is None else quote.with_(stance_target=target)


def check_spans_inside(spans: Iterable[Span], length: int) -> None:
    """Raise ValueError when a span reaches outside a text of ``length`` characters."""
    for a, b in spans:
        if b > length:
            raise ValueError(f"span [{a}, {b}] reaches past the end of the text ({length})")


def span_problem(a: int, b: int, length: int) -> str | None:
    """Why code-point span [a, b) cannot be a span of a text of ``length`` characters (the
    import's rules: no negative offset, start before end, end within the text), or None."""
    if a < 0:
        return f"span [{a}, {b}] starts before the text (negative offset)"
    if b <= a:
        return f"span [{a}, {b}] is empty or reversed (start must be < end)"
    if b > length:
        return f"span [{a}, {b}] reaches past the end of the text ({length} characters)"
    return None


def quotes_inside(quotes: Iterable[Quote], length: int) -> bool:
    """True when :func:`quote_span_problem` finds nothing in any of ``quotes``: one loop,
    no call per span (an article of 20,000 suggestions checks 60,000 spans as it opens)."""
    for q in quotes:
        if not q.content_spans:
            return False
        for spans in (q.content_spans, q.speaker_spans, q.cue_spans):
            for a, b in spans:
                if not 0 <= a < b <= length:
                    return False
    return True


def quote_span_problem(quote: Quote, length: int) -> str | None:
    """The first content, speaker or cue span of ``quote`` that cannot lie in a text of
    ``length`` characters (:func:`span_problem`), as ``content span [a, b] ...``; None when
    all can. A project edited by hand (SQL) may hold such spans: exports leave the quote
    out and the window does not draw it, each saying which."""
    for what, spans in (
        ("content", quote.content_spans),
        ("speaker", quote.speaker_spans),
        ("cue", quote.cue_spans),
    ):
        for a, b in spans:
            why = span_problem(a, b, length)
            if why is not None:
                return f"{what} {why}"
    if not quote.content_spans:
        return "no content span"
    return None


def left_out_line(article_id: int, quote_id: object, why: str) -> str:
    """The warning line of a quote left out for a span outside its text (the export's
    words): ``article 3, quote 17: content span [40, 99999] reaches past the end ...``."""
    return f"article {article_id}, quote {quote_id}: {why}"


def left_out_status(lines: Sequence[str], of: str = "the figures") -> str:
    """One status line for the quotes left out of ``of`` (:func:`left_out_line` each),
    "" when none: the first named, the others counted, cut to about 200 characters."""
    if not lines:
        return ""
    first = lines[0] if len(lines[0]) <= 160 else lines[0][:159] + "…"
    if len(lines) == 1:
        return f"1 quote left out of {of} (a span outside its text): {first}"
    return f"{len(lines):,} quotes left out of {of} (spans outside their text), first: {first}"


@dataclass(frozen=True)
class SpeakerFacts:
    """What a quote-JSONL file says about its canonical speaker's registry entry.

    Read from ``speaker_type``, ``speaker_gender`` and ``speaker_gender_guessed``
    (:mod:`annotator.io.jsonl_export`); None where the file gives null.
    """

    kind: str | None = None
    gender: str | None = None
    gender_guessed: bool | None = None


@dataclass(frozen=True)
class Quote:
    """One attribution: content fragments, speaker mention, cue, kind, stance and provenance."""

    content_spans: tuple[Span, ...]
    speaker_spans: tuple[Span, ...] = ()
    cue_spans: tuple[Span, ...] = ()
    speaker_text: str | None = None
    speaker_name: str | None = None
    kind: str = "direct"
    stance: str | None = None
    stance_target: str | None = None
    annotator: str | None = None
    status: str = "pending"
    origin: str = "model"
    confidence: float | None = None
    note: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)
    #: The file's registry entry for ``speaker_name`` (import only; never written by
    #: :meth:`to_json`, the export takes it from the project's registry).
    speaker_facts: SpeakerFacts | None = field(default=None, compare=False)

    @property
    def start(self) -> int:
        return self.content_spans[0][0] if self.content_spans else 0

    @property
    def end(self) -> int:
        return self.content_spans[-1][1] if self.content_spans else 0

    def with_(self, **changes: Any) -> Quote:
        """A copy with ``changes`` applied (dataclasses.replace, typed for callers)."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The quote as a quote-JSONL object (PRODUCT.md, version 1)."""
        out: dict[str, Any] = {
            "content_spans": [list(s) for s in self.content_spans],
            "speaker_spans": [list(s) for s in self.speaker_spans],
            "cue_spans": [list(s) for s in self.cue_spans],
            "speaker_text": self.speaker_text,
            "speaker_name": self.speaker_name,
            "kind": self.kind,
            "stance": self.stance,
            "stance_target": self.stance_target,
            "annotator": self.annotator,
            "status": self.status,
            "origin": self.origin,
            "confidence": self.confidence,
        }
        if self.note:
            out["note"] = self.note
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], text_length: int | None = None) -> Quote:
        """Build a quote from a quote-JSONL object; unknown keys are kept in ``extra``.

        The object is checked against the quote JSONL schema (:mod:`annotator.core.schema`),
        spans against ``text_length`` when given. Raises SchemaError (a ValueError) naming
        the field when the object is not a valid quote.
        """
        from annotator.core.schema import check_quote

        return cls.from_checked(check_quote(obj, text_length), obj)

    @classmethod
    def from_checked(cls, checked: QuoteSchema | QuoteFast, obj: Mapping[str, Any]) -> Quote:
        """The quote of ``obj`` once the schema has checked it (``checked``: what
        :func:`~annotator.core.schema.check_quote` or
        :func:`~annotator.core.schema.check_article_fast` made of it)."""
        content = normalise_spans(checked.content_spans)
        speaker = normalise_spans(checked.speaker_spans)
        cue = normalise_spans(checked.cue_spans)
        kind = checked.kind or "indirect"
        status = checked.status or "accepted"
        origin = checked.origin or "manual"
        confidence = checked.confidence
        given = (checked.speaker_type, checked.speaker_gender, checked.speaker_gender_guessed)
        facts = None if given == (None, None, None) else SpeakerFacts(*given)
        return cls(
            content_spans=content,
            speaker_spans=speaker,
            cue_spans=cue,
            speaker_text=checked.speaker_text,
            speaker_name=checked.speaker_name,
            kind=kind,
            stance=checked.stance,
            stance_target=clean_target(checked.stance_target),
            annotator=checked.annotator,
            status=status,
            origin=origin,
            confidence=None if confidence is None else float(confidence),
            note=checked.note,
            extra={k: v for k, v in obj.items() if k not in QUOTE_KEYS},
            speaker_facts=facts,
        )


@dataclass
class Article:
    """An article as read from a file, before or after it enters a project."""

    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    ext_id: str | None = None
    quotes: list[Quote] = field(default_factory=list)

    @classmethod
    def from_parts(
        cls,
        text: str,
        title: Any = None,
        meta: Mapping[str, Any] | None = None,
        ext_id: Any = None,
        quotes: Sequence[Quote] = (),
    ) -> Article:
        """An article from a reader's loosely typed fields.

        A missing or blank title falls back to the first non-empty line of the text (the
        rule for plain-text articles); any id becomes a string.
        """
        if not isinstance(title, str) or not title.strip():
            title = title_and_body(text)[0]
        return cls(
            title=title.strip(),
            text=text,
            meta=dict(meta or {}),
            ext_id=None if ext_id is None else str(ext_id),
            quotes=list(quotes),
        )


@dataclass(frozen=True)
class StoredArticle:
    """An article as the project holds it."""

    id: int
    title: str
    text: str
    meta: dict[str, Any]
    content_hash: str
    ext_id: str | None = None
    source: str | None = None
    imported_at: str = ""
    stance_target: str | None = None

    def as_article(self, quotes: Sequence[Quote] = ()) -> Article:
        """The plain Article (for exporters), with ``quotes``."""
        return Article(self.title, self.text, dict(self.meta), self.ext_id, list(quotes))


@dataclass(frozen=True)
class AnnotationRecord:
    """One annotator's stored version of a quote."""

    id: int
    article_id: int
    suggestion_id: int | None
    quote: Quote
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class SuggestionRecord:
    """A quote proposed by the detector, stored with the detector's version."""

    id: int
    article_id: int
    detector_version: str
    quote: Quote


@dataclass(frozen=True)
class Speaker:
    """An entry of the project's speaker registry."""

    id: int
    name: str
    kind: str = "unknown"
    aliases: tuple[str, ...] = ()
    #: ``unknown``, ``female``, ``male`` or ``other``: as the analyst set it, or a guess
    #: (``gender_guessed``) from honorifics, pronouns or first names until confirmed.
    gender: str = "unknown"
    gender_guessed: bool = False
    #: Role or title ("Unification Minister"), kept apart from the name.
    role: str | None = None
