"""The annotation session: one annotator working through a project, quote by quote. No Qt.

The window only translates key presses and clicks into calls here. A session holds the
open article and its *items* in text order: the annotator's own annotations merged with
the detector's suggestions they have not decided yet. Every change is an :data:`Op`;
``op.apply(project)`` writes it in one transaction and returns the op that undoes it, so
the window's undo stack just applies ops back and forth (HOUSE_STYLE "Undo").

Design rules (issue "annotation window"): a decision on a suggestion creates an annotation
row carrying ``suggestion_id`` (origin ``model`` when unchanged, ``model-corrected`` when
edited); a hand-made quote has origin ``manual``; only the session's annotator's rows are
ever written.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Union

from annotator.core.model import Quote, Span, StoredArticle, spans_text
from annotator.store import queries
from annotator.store.project import Project
from annotator.store.queries import Totals

#: Words for grow/shrink: a word (with inner apostrophes or hyphens) or a run of punctuation.
WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]+")
#: Words for grow/shrink when quotation marks are left out (project setting
#: ``quote_marks_inside`` off): a word and the ``.?!…`` ending its sentence, never a mark
#: or the comma before one, so a press always moves by a real word (an emoji or other
#: symbol run counts as a word).
BARE_WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*[.?!…]*|[^\w\s\"“”„‟«»‘’',;:.?!…()\[\]{}—–\-]+")
#: Capitalised word runs, a cheap stand-in for person and organisation names (no model).
NAME_RE = re.compile(
    r"\b[A-Z][\w’'\-]*[a-z][\w’'\-]*(?:\s+(?:(?:de|van|von|bin|al|da|del)\s+)?"
    r"[A-Z][\w’'\-]*[a-z][\w’'\-]*){1,3}"
)
_NAME_STOP = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "And",
        "But",
        "Earlier",
        "Later",
        "Meanwhile",
        "However",
        "This",
        "That",
        "These",
        "Those",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
    ]
)

#: Highlight states of an item (what the article view colours).
SUGGESTED, ACCEPTED, REJECTED, MANUAL = "suggested", "accepted", "rejected", "manual"


@dataclass(frozen=True)
class Item:
    """One quote in the open article: an annotation of ours, or an open suggestion."""

    quote: Quote
    annotation_id: int | None
    suggestion_id: int | None

    @property
    def key(self) -> str:
        """A stable name: ``a:ID`` for an annotation, ``s:ID`` for an open suggestion."""
        if self.annotation_id is not None:
            return f"a:{self.annotation_id}"
        return f"s:{self.suggestion_id}"

    @property
    def state(self) -> str:
        q = self.quote
        if self.annotation_id is None or q.status == "pending":
            return SUGGESTED
        if q.status == "rejected":
            return REJECTED
        return MANUAL if q.origin == "manual" else ACCEPTED

    @property
    def decided(self) -> bool:
        return self.annotation_id is not None and self.quote.status in ("accepted", "rejected")

    @property
    def ref(self) -> int:
        """The key as one integer for ``article_progress.current_quote``: an annotation id,
        or minus the suggestion id for an open suggestion (ids are positive)."""
        if self.annotation_id is not None:
            return self.annotation_id
        return -(self.suggestion_id or 0)

    def matches(self, key: str) -> bool:
        """True for this item's key, and for ``s:ID`` of the suggestion it decides."""
        return key == self.key or (
            key.startswith("s:")
            and self.suggestion_id is not None
            and key == f"s:{self.suggestion_id}"
        )


@dataclass(frozen=True)
class AnnotationOp:
    """Turn one annotation from ``before`` into ``after`` (None: absent); one transaction."""

    label: str
    article_id: int
    annotator: str
    annotation_id: int | None
    suggestion_id: int | None
    before: Quote | None
    after: Quote | None

    def apply(self, project: Project) -> AnnotationOp:
        """Write the change; return the op that undoes it."""
        if self.after is None:
            if self.annotation_id is None:
                raise ValueError("nothing to delete")
            rec = project.delete_annotation(self.annotation_id, actor=self.annotator)
            return AnnotationOp(
                self.label,
                self.article_id,
                self.annotator,
                rec.id,
                rec.suggestion_id,
                None,
                rec.quote,
            )
        if self.before is None:
            new_id = project.add_annotation(
                self.article_id,
                self.annotator,
                self.after,
                suggestion_id=self.suggestion_id,
                annotation_id=self.annotation_id,
            )
            return AnnotationOp(
                self.label,
                self.article_id,
                self.annotator,
                new_id,
                self.suggestion_id,
                self.after,
                None,
            )
        if self.annotation_id is None:
            raise ValueError("nothing to update")
        old = project.update_annotation(self.annotation_id, self.after, actor=self.annotator)
        return AnnotationOp(
            self.label,
            self.article_id,
            self.annotator,
            self.annotation_id,
            self.suggestion_id,
            self.after,
            old,
        )

    @property
    def focus(self) -> str | None:
        """The key of the item this op is about (for selecting it after apply)."""
        if self.annotation_id is not None and self.after is not None and self.before is not None:
            return f"a:{self.annotation_id}"
        if self.suggestion_id is not None:
            return f"s:{self.suggestion_id}"
        return None


@dataclass(frozen=True)
class ProgressOp:
    """Set the annotator's status on an article (new, in_progress, done)."""

    label: str
    article_id: int
    annotator: str
    status: str

    def apply(self, project: Project) -> ProgressOp:
        # set_progress replaces current_quote too: keep the resume position recorded there
        here = queries.current_quote(project, self.article_id, self.annotator)
        old = project.set_progress(self.article_id, self.annotator, self.status, here)
        return ProgressOp(self.label, self.article_id, self.annotator, old)

    @property
    def focus(self) -> str | None:
        return None


Op = Union[AnnotationOp, ProgressOp]  # noqa: UP007  (a runtime alias on Python 3.10)


def key_of_ref(ref: int | None) -> str | None:
    """The item key an :attr:`Item.ref` stands for (None for no quote)."""
    if not ref:
        return None
    return f"a:{ref}" if ref > 0 else f"s:{-ref}"


# -- word-boundary editing ------------------------------------------------------------------


def _word_re(marks_inside: bool) -> re.Pattern[str]:
    return WORD_RE if marks_inside else BARE_WORD_RE


def _words(text: str, start: int, end: int, marks_inside: bool = True) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _word_re(marks_inside).finditer(text, start, end)]


def grow_end(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote with the next word after its end added (None at the end of the text).

    With ``marks_inside`` False the word is a bare word (:data:`BARE_WORD_RE`): the closing
    mark and the comma before it are skipped, as the project's guidelines leave them out.
    """
    a, b = spans[-1]
    m = _word_re(marks_inside).search(text, b)
    if m is None:
        return None
    return (*spans[:-1], (a, m.end()))


def shrink_end(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote without its last word (a one-word last fragment is dropped)."""
    a, b = spans[-1]
    words = _words(text, a, b, marks_inside)
    if len(words) <= 1:
        return spans[:-1] if len(spans) > 1 else None
    return (*spans[:-1], (a, words[-2][1]))


def grow_start(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote with the word before its start added (None at the start of the text)."""
    a, b = spans[0]
    words = _words(text, max(0, a - 400), a, marks_inside)
    if not words:
        words = _words(text, 0, a, marks_inside)
    if not words:
        return None
    return ((words[-1][0], b), *spans[1:])


def shrink_start(
    text: str, spans: tuple[Span, ...], marks_inside: bool = True
) -> tuple[Span, ...] | None:
    """The quote without its first word (a one-word first fragment is dropped)."""
    a, b = spans[0]
    words = _words(text, a, b, marks_inside)
    if len(words) <= 1:
        return spans[1:] if len(spans) > 1 else None
    return ((words[1][0], b), *spans[1:])


def trim_span(text: str, start: int, end: int) -> Span:
    """A selection without the white space at its ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def name_candidates(text: str) -> list[str]:
    """Capitalised multi-word runs of ``text`` (likely person and organisation names)."""
    seen: dict[str, None] = {}
    for m in NAME_RE.finditer(text):
        words = m.group(0).split()
        while words and words[0] in _NAME_STOP:
            words = words[1:]
        if len(words) >= 2:
            seen.setdefault(" ".join(words), None)
    return list(seen)


# -- the session ----------------------------------------------------------------------------


@dataclass
class ArticleCounts:
    """Done/total quotes and the status of the open article (for the status bar)."""

    done: int = 0
    total: int = 0
    status: str = "new"


@dataclass
class Session:
    """One annotator's session on a project: the open article, its items, the current one."""

    project: Project
    annotator: str
    article: StoredArticle | None = None
    items: list[Item] = field(default_factory=list)
    index: int = -1
    _suggested: dict[int, Quote] = field(default_factory=dict)
    _base: Totals | None = None
    _open_counts: ArticleCounts = field(default_factory=ArticleCounts)
    _status: str = "new"
    #: suggestions (undecided model quotes) below this confidence are hidden; 0 shows all
    min_confidence: float = 0.0

    # -- opening and navigation ------------------------------------------------------------

    def open_article(self, article_id: int, focus: str | None = None) -> None:
        """Load an article and its items; select ``focus`` (an item key) or the first open one."""
        if self._base is not None and self.article is not None:
            self.rebase()
        self.article = self.project.article(article_id)
        self._status = self.project.progress(article_id, self.annotator)
        self._load_items()
        self._open_counts = self._counts()
        self.index = -1
        if focus is not None:
            self.select(focus)
        if self.index < 0 and self.items:
            undecided = [i for i, it in enumerate(self.items) if not it.decided]
            self.index = undecided[0] if undecided else 0

    def _load_items(self) -> None:
        assert self.article is not None
        aid = self.article.id
        suggestions = self.project.suggestions(aid)
        self._suggested = {s.id: s.quote for s in suggestions}
        mine = self.project.annotations(aid, self.annotator)
        handled = {r.suggestion_id for r in mine if r.suggestion_id is not None}
        spans = {r.quote.content_spans for r in mine}
        items = [Item(r.quote, r.id, r.suggestion_id) for r in mine]
        items += [
            Item(s.quote, None, s.id)
            for s in suggestions
            if s.id not in handled
            and s.quote.content_spans not in spans
            and (s.quote.confidence is None or s.quote.confidence >= self.min_confidence)
        ]
        items.sort(key=lambda it: (it.quote.start, it.quote.end, it.key))
        self.items = items

    def reload(self) -> None:
        """Re-read the open article's items, keeping the current quote when it is still there."""
        if self.article is None:
            return
        key = self.current.key if self.current else None
        pos = self.current.quote.start if self.current else 0
        self._status = self.project.progress(self.article.id, self.annotator)
        self._load_items()
        self.index = -1
        if key is not None:
            self.select(key)
        if self.index < 0 and self.items:
            self.index = self._nearest(pos)

    def set_min_confidence(self, value: float) -> None:
        """Hide the open suggestions below ``value`` (0..1; 0 shows all) and reload.

        Decided quotes always stay. The project totals (:meth:`totals`) still count every
        suggestion; the open article's counts follow what is shown.
        """
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"a confidence threshold lies between 0 and 1, not {value}")
        self.min_confidence = value
        self.reload()

    def _nearest(self, pos: int) -> int:
        starts = [it.quote.start for it in self.items]
        return min(bisect_left(starts, pos), len(self.items) - 1)

    @property
    def current(self) -> Item | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def select(self, key: str) -> bool:
        """Make the item with ``key`` current; return False when there is none."""
        for i, it in enumerate(self.items):
            if it.matches(key):
                self.index = i
                return True
        return False

    def select_at(self, pos: int) -> bool:
        """Make the quote covering character ``pos`` current (the shortest, if nested)."""
        best: tuple[int, int] | None = None
        for i, it in enumerate(self.items):
            if any(a <= pos < b for a, b in it.quote.content_spans) or any(
                a <= pos < b for a, b in it.quote.speaker_spans
            ):
                size = it.quote.end - it.quote.start
                if best is None or size < best[0]:
                    best = (size, i)
        if best is None:
            return False
        self.index = best[1]
        return True

    def next_quote(self) -> bool:
        if self.index + 1 < len(self.items):
            self.index += 1
            return True
        return False

    def previous_quote(self) -> bool:
        if self.index > 0:
            self.index -= 1
            return True
        return False

    def next_undecided(self) -> bool:
        """Move to the next quote not yet accepted or rejected (else just the next one)."""
        for i in range(self.index + 1, len(self.items)):
            if not self.items[i].decided:
                self.index = i
                return True
        return self.next_quote()

    # -- planning ops (nothing is written until the op is applied) ----------------------------

    def _op(self, label: str, item: Item | None, after: Quote | None) -> AnnotationOp | None:
        if self.article is None:
            return None
        if item is None:
            if after is None:
                return None
            return AnnotationOp(label, self.article.id, self.annotator, None, None, None, after)
        if item.annotation_id is None:
            if after is None:
                return None
            return AnnotationOp(
                label, self.article.id, self.annotator, None, item.suggestion_id, None, after
            )
        if after == item.quote:
            return None
        return AnnotationOp(
            label,
            self.article.id,
            self.annotator,
            item.annotation_id,
            item.suggestion_id,
            item.quote,
            after,
        )

    def _origin(self, item: Item, new: Quote) -> str:
        if item.annotation_id is not None and item.quote.origin == "manual":
            return "manual"
        if item.suggestion_id is None:
            return "manual"
        base = self._suggested.get(item.suggestion_id)
        if base is None:
            base = queries.suggestion_quote(self.project, item.suggestion_id)
        if base is None:
            return item.quote.origin
        changed = (
            new.content_spans != base.content_spans
            or new.speaker_spans != base.speaker_spans
            or new.cue_spans != base.cue_spans
            or new.kind != base.kind
            or (base.speaker_name is not None and new.speaker_name != base.speaker_name)
        )
        return "model-corrected" if changed else "model"

    def _edited(self, label: str, **changes: object) -> AnnotationOp | None:
        """An edit of the current quote; an open suggestion becomes a pending annotation."""
        item = self.current
        if item is None:
            return None
        new = item.quote.with_(**changes)
        status = "pending" if item.annotation_id is None else new.status
        new = new.with_(annotator=self.annotator, status=status)
        new = new.with_(origin=self._origin(item, new))
        return self._op(label, item, new)

    def plan_accept(self) -> AnnotationOp | None:
        item = self.current
        if item is None:
            return None
        new = item.quote.with_(annotator=self.annotator, status="accepted")
        new = new.with_(origin=self._origin(item, new))
        return self._op("Accept quote", item, new)

    def plan_reject(self) -> AnnotationOp | None:
        """Reject a suggestion; a hand-made quote is deleted instead."""
        item = self.current
        if item is None:
            return None
        if item.annotation_id is not None and item.quote.origin == "manual":
            return self._op("Delete quote", item, None)
        new = item.quote.with_(annotator=self.annotator, status="rejected")
        new = new.with_(origin=self._origin(item, new))
        return self._op("Reject quote", item, new)

    def plan_stance(self, label: str | None) -> AnnotationOp | None:
        """Set the stance (the same label again clears it)."""
        item = self.current
        if item is None:
            return None
        if label is not None and item.quote.stance == label:
            label = None
        return self._edited(f"Stance {label or 'cleared'}", stance=label)

    def plan_speaker_name(self, name: str | None) -> AnnotationOp | None:
        """Set the canonical speaker (a new name joins the registry when written)."""
        name = (name or "").strip() or None
        if name is not None:
            name = queries.find_speaker(self.project, name) or name
        item = self.current
        if item is None or item.quote.speaker_name == name:
            return None
        return self._edited("Set speaker", speaker_name=name)

    def plan_note(self, note: str | None) -> AnnotationOp | None:
        note = (note or "").strip() or None
        item = self.current
        if item is None or (item.quote.note or None) == note:
            return None
        return self._edited("Edit note", note=note)

    def plan_kind(self, kind: str) -> AnnotationOp | None:
        item = self.current
        if item is None or item.quote.kind == kind:
            return None
        return self._edited(f"Kind {kind}", kind=kind)

    def plan_cycle_kind(self) -> AnnotationOp | None:
        item = self.current
        if item is None:
            return None
        kinds = ("direct", "mixed", "indirect")
        k = kinds.index(item.quote.kind) if item.quote.kind in kinds else -1
        return self.plan_kind(kinds[(k + 1) % len(kinds)])

    def plan_speaker_span(self, start: int, end: int) -> AnnotationOp | None:
        """Make ``[start, end)`` the current quote's speaker mention."""
        if self.article is None or self.current is None:
            return None
        start, end = trim_span(self.article.text, start, end)
        if end <= start:
            return None
        mention = self.article.text[start:end]
        name = queries.find_speaker(self.project, mention) or self.current.quote.speaker_name
        return self._edited(
            "Set speaker mention",
            speaker_spans=((start, end),),
            speaker_text=mention,
            speaker_name=name,
        )

    def plan_add(self, start: int, end: int, kind: str | None = None) -> AnnotationOp | None:
        """A new hand-made quote over ``[start, end)`` (accepted, origin manual)."""
        if self.article is None:
            return None
        start, end = trim_span(self.article.text, start, end)
        if end <= start:
            return None
        text = self.article.text
        if kind is None:
            kind = "direct" if _quoted(text, start, end) else "indirect"
        quote = Quote(
            content_spans=((start, end),),
            kind=kind,
            annotator=self.annotator,
            status="accepted",
            origin="manual",
        )
        return self._op("Add quote", None, quote)

    def plan_resize(self, which: str) -> AnnotationOp | None:
        """Grow or shrink the current quote by a word: ``which`` is one of
        ``grow_end``, ``shrink_end``, ``grow_start``, ``shrink_start``. Words follow the
        project's ``quote_marks_inside`` setting (marks and trailing commas skipped when off)."""
        item = self.current
        if item is None or self.article is None:
            return None
        fn = {
            "grow_end": grow_end,
            "shrink_end": shrink_end,
            "grow_start": grow_start,
            "shrink_start": shrink_start,
        }[which]
        spans = fn(self.article.text, item.quote.content_spans, self.project.marks_inside())
        if not spans or spans == item.quote.content_spans:
            return None
        label = which.replace("_", " ").capitalize()
        return self._edited(label, content_spans=spans)

    def plan_done(self, done: bool = True) -> ProgressOp | None:
        if self.article is None:
            return None
        status = "done" if done else "in_progress"
        if self._status == status:
            return None
        return ProgressOp(
            "Mark article done" if done else "Reopen article",
            self.article.id,
            self.annotator,
            status,
        )

    # -- applying ---------------------------------------------------------------------------

    def apply(self, op: Op) -> Op:
        """Write ``op``, refresh the items and select the quote it touched; return its inverse."""
        if self.article is None or self.article.id != op.article_id:
            self.open_article(op.article_id)
        inverse = op.apply(self.project)
        old_pos = self.current.quote.start if self.current else 0
        self._status = self.project.progress(op.article_id, self.annotator)
        self._load_items()
        focus = inverse.focus if isinstance(inverse, AnnotationOp) else None
        if isinstance(inverse, AnnotationOp) and inverse.after is None and inverse.annotation_id:
            focus = f"a:{inverse.annotation_id}"
        self.index = -1
        if (focus is None or not self.select(focus)) and self.items:
            self.index = self._nearest(old_pos)
        return inverse

    def run(self, op: Op | None) -> Op | None:
        """Apply ``op`` when there is one; return its inverse (convenience for tests)."""
        return None if op is None else self.apply(op)

    # -- read-outs --------------------------------------------------------------------------

    def _counts(self) -> ArticleCounts:
        return ArticleCounts(
            done=sum(1 for it in self.items if it.decided),
            total=len(self.items),
            status=self._status,
        )

    @property
    def article_counts(self) -> ArticleCounts:
        return self._counts()

    def totals(self, refresh: bool = False) -> Totals:
        """Project progress for the annotator; the open article is counted from memory."""
        if self._base is None or refresh:
            base = queries.totals(self.project, self.annotator)
            open_c = self._counts() if self.article else ArticleCounts()
            self._base = base
            self._open_counts = open_c
        now = self._counts() if self.article else ArticleCounts()
        before = self._open_counts
        b = self._base
        return Totals(
            articles_done=b.articles_done + (now.status == "done") - (before.status == "done"),
            articles=b.articles,
            quotes_done=b.quotes_done + now.done - before.done,
            quotes=b.quotes + now.total - before.total,
        )

    def rebase(self) -> None:
        """Fold the open article's counts into the base before switching articles."""
        t = self.totals()
        self._base = t
        self._open_counts = self._counts() if self.article else ArticleCounts()

    def add_to_totals(self, quotes: int) -> None:
        """Count quotes that appeared in other articles (background detection)."""
        if self._base is not None and quotes:
            b = self._base
            self._base = Totals(b.articles_done, b.articles, b.quotes_done, b.quotes + quotes)

    def quote_text(self, item: Item | None = None) -> str:
        item = item or self.current
        if item is None or self.article is None:
            return ""
        return spans_text(self.article.text, item.quote.content_spans)

    def name_suggestions(self, entities: Sequence[str] | None = None) -> list[str]:
        """Names for the canonical-speaker completer: registry first, then the article's.

        Args:
            entities: the article's PERSON/ORG names from a trained model (see
                :mod:`annotator.services.names`); None falls back to a scan of capitalised words.
        """
        names = queries.speaker_names(self.project)
        if entities is not None:
            names += entities
        elif self.article is not None:
            names += name_candidates(self.article.text)
        return list(dict.fromkeys(names))

    # -- resume position --------------------------------------------------------------------

    def record_position(self) -> bool:
        """Write the open article and current quote into the project (no change-log entry).

        Cheap enough for every article change, too costly for every quote move (one
        transaction each): callers write on article change, on quit, and after a pause.
        Returns False when nothing was written (no article, or a read-only project).
        """
        if self.article is None or self.project.readonly:
            return False
        cur = self.current
        self.project.set_progress(
            self.article.id, self.annotator, None, cur.ref if cur is not None else None
        )
        return True

    def resume_position(self) -> tuple[int, str | None] | None:
        """The article id and item key the annotator last recorded in the project, or None."""
        point = queries.resume_point(self.project, self.annotator)
        if point is None:
            return None
        return point[0], key_of_ref(point[1])


def _quoted(text: str, start: int, end: int) -> bool:
    """True when the span sits inside (or starts and ends with) quotation marks."""
    marks = "\"“”«»„'‘’"
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    inside = text[start:end]
    return (any(c in marks for c in before) and any(c in marks for c in after)) or (
        len(inside) > 1 and inside[0] in marks and inside[-1] in marks
    )


def keys_of(items: Iterable[Item]) -> list[str]:
    """The keys of ``items`` (handy in tests and logs)."""
    return [it.key for it in items]
