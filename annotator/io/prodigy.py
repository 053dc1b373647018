"""Prodigy-style task JSONL: export and streaming import.

Export writes one task per article, annotator and status (Prodigy's answer is per task:
accepted quotes go in an ``accept`` task, rejected ones, the negatives, in a ``reject`` task,
pending ones in an ``ignore`` task). A task holds:

- ``text``, ``tokens`` (spaCy's blank English tokenizer: text, start, end, id, ws);
- ``spans``: every content fragment as ``QUOTE``, speaker mentions as ``SPEAKER``, cues as
  ``CUE``; ``start``/``end`` are character offsets on token boundaries and
  ``token_start``/``token_end`` (inclusive) their tokens. Prodigy skips a span whose offsets
  end inside a token, so a span that starts or ends inside one grows to the whole token
  (``the U.S`` of ``the U.S.``, ``AnaRuiz`` of ``@AnaRuiz``), as the DocBin export's
  ``alignment_mode="expand"`` does; :attr:`ProdigyWriter.moved` counts such spans;
- ``relations`` (head -> child, Prodigy's ``head``/``child`` are the spans' last tokens):
  ``SAID_BY`` quote fragment -> speaker, ``CUED_BY`` quote fragment -> cue, and
  ``CONTINUES`` fragment -> next fragment of the same quote (``"A," she said, "B."``);
- ``answer``; ``meta``: the article (``id``, ``title``, ``article_meta``), the task's
  ``annotator`` and ``status``, and ``quotes``: each quote's attributes (kind, stance,
  speaker name, origin...) with its ``content_spans`` and ``seq``, its position in the
  article, so that importing the file again restores everything in the same order.

Import rebuilds quotes from the spans and relations (so edits made in Prodigy count) and
takes each quote's attributes from ``meta.quotes`` when its content spans match; tasks
written elsewhere (no such meta) become quotes with their answer as status. Consecutive
tasks with the same text are one article. A span given by ``token_start``/``token_end``
alone takes its offsets from the task's ``tokens``. A span that cannot be used (offsets
outside the text, empty or reversed, not numbers, tokens the task lacks, an unknown label)
is left out with a note naming the line and the span; the task's article and other spans
are kept, as a bad quote of quote JSONL costs only that quote.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.core.entry_checks import check_article_row
from annotator.core.model import Article, Quote, StoredArticle
from annotator.core.quote_rows import A_QUOTES, A_TITLE, article_row, quote_of_row
from annotator.core.text import normalise_text, normalise_with_map
from annotator.io.brat import guess_kind
from annotator.io.export_records import ExportQuote
from annotator.io.files import LineTooLong, is_regular_file, iter_lines
from annotator.io.jsonload import check_utf8, load_json
from annotator.io.quote_jsonl import UTF8_HINT, LineError, LineNote, QuoteError, write_jsonl_line

QUOTE, SPEAKER, CUE = "QUOTE", "SPEAKER", "CUE"
SAID_BY, CUED_BY, CONTINUES = "SAID_BY", "CUED_BY", "CONTINUES"
ANSWERS = {"accepted": "accept", "rejected": "reject", "pending": "ignore"}
STATUS_OF_ANSWER = {v: k for k, v in ANSWERS.items()}
#: Span labels read on import (upper-cased), by role.
_ROLE_OF_LABEL = {
    "QUOTE": QUOTE,
    "CONTENT": QUOTE,
    "SPEAKER": SPEAKER,
    "SOURCE": SPEAKER,
    "CUE": CUE,
}
_STRUCTURE_KEYS = ("content_spans", "speaker_spans", "cue_spans")


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en").tokenizer


def _hash(*parts: str) -> int:
    """A stable signed 32-bit hash (Prodigy's ``_input_hash``/``_task_hash`` are ints)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class _Tokens:
    """The tokens of one text, and the token range a character span touches."""

    def __init__(self, text: str) -> None:
        doc = _tokenizer()(text)
        self.json = [
            {
                "text": t.text,
                "start": t.idx,
                "end": t.idx + len(t.text),
                "id": t.i,
                "ws": bool(t.whitespace_),
            }
            for t in doc
        ]
        self._starts = [t["start"] for t in self.json]
        self._ends = [t["end"] for t in self.json]
        #: spans moved to token boundaries by :meth:`align`
        self.moved = 0

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """First and last (inclusive) token overlapping ``[start, end)`` (nearest if none)."""
        if not self._starts:
            return 0, 0
        first = bisect_right(self._ends, start)  # first token ending after start
        last = bisect_left(self._starts, end) - 1  # last token starting before end
        first = min(first, len(self._starts) - 1)
        return first, max(first, last)

    def align(self, spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        """``spans`` grown to whole tokens (overlaps merged, in order); counts moved spans.

        Each span becomes [start of its first token, end of its last token] as
        :meth:`bounds` finds them; a span already on token boundaries is unchanged.
        """
        if not self._starts:
            return tuple(spans)
        out: list[tuple[int, int]] = []
        for a, b in spans:
            first, last = self.bounds(a, b)
            new = (min(a, self._starts[first]), max(b, self._ends[last]))
            if new != (a, b):
                self.moved += 1
            out.append(new)
        out.sort()
        merged: list[tuple[int, int]] = []
        for a, b in out:
            if merged and a < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return tuple(merged)

    def align_quote(self, quote: Quote) -> Quote:
        """The quote with content, speaker and cue spans on token boundaries."""
        return quote.with_(
            content_spans=self.align(quote.content_spans),
            speaker_spans=self.align(quote.speaker_spans),
            cue_spans=self.align(quote.cue_spans),
        )


def _span(tokens: _Tokens, a: int, b: int, label: str) -> dict[str, Any]:
    ts, te = tokens.bounds(a, b)
    return {"start": a, "end": b, "token_start": ts, "token_end": te, "label": label}


def _relation(head: dict[str, Any], child: dict[str, Any], label: str) -> dict[str, Any]:
    return {
        "head": head["token_end"],
        "child": child["token_end"],
        "head_span": head,
        "child_span": child,
        "label": label,
    }


def _meta_entry(seq: int, quote: Quote) -> dict[str, Any]:
    entry: dict[str, Any] = {"seq": seq}
    for key, value in quote.to_json().items():
        if key not in ("speaker_spans", "cue_spans"):
            entry[key] = value
    return entry


def prodigy_tasks(
    article: StoredArticle, quotes: Sequence[ExportQuote], tokens: _Tokens | None = None
) -> list[dict[str, Any]]:
    """The tasks of one article: one per (annotator, status), in order of first quote."""
    tokens = tokens or _Tokens(article.text)
    groups: dict[tuple[str, str], list[tuple[int, Quote]]] = {}
    for seq, q in enumerate(quotes):
        key = (q.quote.annotator or "", q.quote.status)
        groups.setdefault(key, []).append((seq, tokens.align_quote(q.quote)))
    tasks = []
    for (annotator, status), members in groups.items():
        spans: list[dict[str, Any]] = []
        # a speaker or cue shared by several quotes is one span with several relations
        shared: dict[tuple[int, int, str], dict[str, Any]] = {}
        relations: list[dict[str, Any]] = []
        for _seq, quote in members:
            frags = [_span(tokens, a, b, QUOTE) for a, b in quote.content_spans]
            spans.extend(frags)
            speakers: list[dict[str, Any]] = []
            cues: list[dict[str, Any]] = []
            for label, quote_spans, out in (
                (SPEAKER, quote.speaker_spans, speakers),
                (CUE, quote.cue_spans, cues),
            ):
                for a, b in quote_spans:
                    if (a, b, label) not in shared:
                        shared[(a, b, label)] = _span(tokens, a, b, label)
                        spans.append(shared[(a, b, label)])
                    out.append(shared[(a, b, label)])
            for i, frag in enumerate(frags):
                relations.extend(_relation(frag, s, SAID_BY) for s in speakers)
                relations.extend(_relation(frag, c, CUED_BY) for c in cues)
                if i + 1 < len(frags):
                    relations.append(_relation(frag, frags[i + 1], CONTINUES))
        order = {QUOTE: 0, SPEAKER: 1, CUE: 2}
        spans.sort(key=lambda s: (s["start"], s["end"], order[s["label"]]))
        answer = ANSWERS.get(status, "accept")
        meta = {
            "id": article.ext_id,
            "title": article.title,
            "article_meta": article.meta,
            "annotator": annotator or None,
            "status": status,
            "quotes": [_meta_entry(seq, quote) for seq, quote in members],
        }
        task: dict[str, Any] = {
            "text": article.text,
            "tokens": tokens.json,
            "spans": spans,
            "relations": relations,
            "answer": answer,
            "meta": meta,
            "_input_hash": _hash(article.text),
        }
        task["_task_hash"] = _hash(
            article.text, json.dumps(spans), json.dumps(relations), annotator, answer
        )
        if annotator:
            task["_annotator_id"] = annotator
        tasks.append(task)
    return tasks


class ProdigyWriter:
    """Streaming writer of Prodigy task JSONL."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (closed by close())
        self.tasks = 0
        #: spans moved to token boundaries (see the module docstring)
        self.moved = 0

    def write(self, article: StoredArticle, quotes: Sequence[ExportQuote]) -> None:
        tokens = _Tokens(article.text)
        for task in prodigy_tasks(article, quotes, tokens):
            write_jsonl_line(self._fh, task)
            self.tasks += 1
        self.moved += tokens.moved

    def close(self) -> None:
        self._fh.close()


# -- import --------------------------------------------------------------------------------


def _span_key(span: Any) -> tuple[int, int, str] | None:
    if not isinstance(span, dict):
        return None
    try:
        role = _ROLE_OF_LABEL.get(str(span.get("label", "")).upper())
        if role is None:
            return None
        return int(span["start"]), int(span["end"]), role
    except (KeyError, TypeError, ValueError):
        return None


class _Groups:
    """Union-find over the quote fragments of one task."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


_LABELS = ", ".join(_ROLE_OF_LABEL)


def _whole(value: Any) -> bool:
    """True for an int (not a bool) or a string of digits (as older tools wrote them)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isdecimal())


def _token_offsets(obj: dict[str, Any], raw: dict[str, Any]) -> tuple[int, int]:
    """``start``/``end`` of a span given only by ``token_start``/``token_end`` (inclusive),
    from the task's ``tokens``.

    Raises:
        ValueError: the task has no such tokens, or their offsets are not numbers.
    """
    tokens = obj.get("tokens")
    if not isinstance(tokens, list) or not tokens:
        raise ValueError("has token_start/token_end but the task has no tokens")
    ts, te = int(raw["token_start"]), int(raw["token_end"])
    if not 0 <= ts <= te < len(tokens):
        raise ValueError(
            f"tokens {ts}-{te} are not tokens of the task (it has {len(tokens):,}, "
            f"0-{len(tokens) - 1:,})"
        )
    first, last = tokens[ts], tokens[te]
    if not isinstance(first, dict) or not isinstance(last, dict):
        raise ValueError(f"token {ts} or {te} is not an object")
    a, b = first.get("start"), last.get("end")
    if not _whole(a) or not _whole(b):
        raise ValueError(f"token {ts} or {te} has no start/end offsets")
    return int(str(a)), int(str(b))  # both _whole


def _read_span(
    obj: dict[str, Any], raw: Any, text: str
) -> tuple[tuple[int, int, str] | None, str | None]:
    """One entry of a task's ``spans``: ``((start, end, role), None)``, or ``(None, why)``
    when it cannot be used (the rest of the task is kept; tester20 U3)."""
    if not isinstance(raw, dict):
        return None, "is not an object"
    label = raw.get("label")
    role = _ROLE_OF_LABEL.get(str(label).upper()) if isinstance(label, str) else None
    if role is None:
        return None, f"label {label!r:.60} is not one of {_LABELS}"
    start, end = raw.get("start"), raw.get("end")
    if start is None and end is None and "token_start" in raw:
        ts, te = raw["token_start"], raw.get("token_end")
        if not (_whole(ts) and _whole(te)):
            return None, f"({role}) token_start/token_end are not whole numbers"
        try:
            start, end = _token_offsets(obj, raw)
        except ValueError as exc:
            return None, f"({role}) {exc}"
    if start is None or end is None:
        return None, f"({role}) has no start/end offsets"
    if not (_whole(start) and _whole(end)):
        return None, f"({role}) start/end {start!r:.30}, {end!r:.30} are not whole numbers"
    a, b = int(str(start)), int(str(end))  # both _whole
    if a >= b:
        return None, f"({role}) [{a}, {b}] is empty or reversed (start must be < end)"
    if a < 0 or b > len(text):
        return None, f"({role}) [{a}, {b}] is outside the text ({len(text):,} characters)"
    return (a, b, role), None


def _task_quotes(
    obj: dict[str, Any], text: str, notes: list[str] | None = None
) -> list[tuple[float, Quote]]:
    """The quotes of one task, each with its sort key (``seq`` from meta when known).

    A span that cannot be used (bad offsets, unknown label, tokens the task lacks) is left
    out and ``notes`` gets a sentence naming it; its quote keeps its other fragments, and
    the article and the task's other quotes are kept.

    Raises:
        ValueError: ``spans`` is not a list.
    """
    raw_spans = obj.get("spans") or []
    if not isinstance(raw_spans, list):
        raise ValueError('"spans" is not a list')
    fragments: list[tuple[int, int]] = []
    frag_index: dict[tuple[int, int], int] = {}
    by_token_end: dict[tuple[int, str], tuple[int, int, str]] = {}
    accepted: set[tuple[int, int, str]] = set()
    for n, raw in enumerate(raw_spans, 1):
        key, why = _read_span(obj, raw, text)
        if key is None:
            if notes is not None:
                notes.append(f"span {n} {why}; that span was left out, the task was kept")
            continue
        accepted.add(key)
        a, b, role = key
        if isinstance(raw.get("token_end"), int):
            by_token_end.setdefault((raw["token_end"], role), key)
        if role == QUOTE:
            frag_index.setdefault((a, b), len(fragments))
            fragments.append((a, b))
    groups = _Groups(len(fragments))
    speakers: dict[int, set[tuple[int, int]]] = defaultdict(set)
    cues: dict[int, set[tuple[int, int]]] = defaultdict(set)

    def resolve(rel: dict[str, Any], end: str) -> tuple[int, int, str] | None:
        key = _span_key(rel.get(f"{end}_span"))
        if key is None and isinstance(rel.get(end), int):
            for role in (QUOTE, SPEAKER, CUE):
                key = by_token_end.get((rel[end], role))
                if key is not None:
                    break
        # only a span of the task that was read: a relation to one left out (or to none)
        # adds nothing (it cost the whole task, review21 R3)
        return key if key in accepted else None

    for rel in obj.get("relations") or []:
        if not isinstance(rel, dict):
            continue
        head, child = resolve(rel, "head"), resolve(rel, "child")
        if head is None or child is None:
            continue
        if head[2] != QUOTE:  # a relation drawn from the speaker or cue to the quote
            head, child = child, head
        if head[2] != QUOTE or (head[0], head[1]) not in frag_index:
            continue
        i = frag_index[(head[0], head[1])]
        if child[2] == QUOTE and (child[0], child[1]) in frag_index:
            groups.union(i, frag_index[(child[0], child[1])])
        elif child[2] == SPEAKER:
            speakers[i].add((child[0], child[1]))
        elif child[2] == CUE:
            cues[i].add((child[0], child[1]))
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(fragments)):
        members[groups.find(i)].append(i)

    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    assert isinstance(meta, dict)
    entries: dict[tuple[tuple[int, int], ...], deque[dict[str, Any]]] = defaultdict(deque)
    for entry in meta.get("quotes") or []:
        if isinstance(entry, dict):
            try:
                spans = tuple(sorted((int(a), int(b)) for a, b in entry.get("content_spans", [])))
            except (TypeError, ValueError):
                continue
            entries[spans].append(entry)
    answer = obj.get("answer", "accept")
    default_status = STATUS_OF_ANSWER.get(str(answer), "accepted")

    default_annotator = meta.get("annotator") or obj.get("_annotator_id")
    out: list[tuple[float, Quote]] = []
    for root in sorted(members):
        idx = members[root]
        content = sorted({fragments[i] for i in idx})
        speaker = sorted(set().union(*(speakers[i] for i in idx)))
        cue = sorted(set().union(*(cues[i] for i in idx)))
        matched = entries.get(tuple(content))
        entry = matched.popleft() if matched else None
        if entry is not None:
            data = {k: v for k, v in entry.items() if k != "seq" and k not in _STRUCTURE_KEYS}
            order_key = float(entry.get("seq", 0))
        else:
            data = {
                "speaker_text": " ".join(text[a:b] for a, b in speaker) or None,
                "kind": guess_kind(text, content),
                "annotator": default_annotator,
                "status": default_status,
                "origin": "manual",
            }
            order_key = 1e12 + len(out)
        data.update(
            content_spans=[list(s) for s in content],
            speaker_spans=[list(s) for s in speaker],
            cue_spans=[list(s) for s in cue],
        )
        data.setdefault("status", default_status)
        out.append((order_key, Quote.from_json(data, len(text))))
    if notes is not None and out and str(answer) not in STATUS_OF_ANSWER:
        notes.append(
            f"answer {answer!r:.60} is not accept, reject or ignore; its quotes were read "
            "as accepted"
        )
    return out


def _shifted(span: Any, offsets: Sequence[int]) -> Any:
    if not isinstance(span, dict):
        return span
    out = dict(span)
    for key in ("start", "end"):
        value = span.get(key)
        if _whole(value) and 0 <= int(str(value)) < len(offsets):
            out[key] = offsets[int(str(value))]  # a digit string too (review21 R2)
    return out


def _shifted_entry(entry: Any, offsets: Sequence[int]) -> Any:
    if not isinstance(entry, dict) or not isinstance(entry.get("content_spans"), list):
        return entry
    try:
        spans = [[offsets[int(a)], offsets[int(b)]] for a, b in entry["content_spans"]]
    except (IndexError, TypeError, ValueError):
        return entry
    return {**entry, "content_spans": spans}


def _task_article(obj: Any) -> tuple[Article, list[tuple[float, Quote]], list[str]]:
    """The article of one task, its quotes (with sort keys) and the notes on spans left
    out (:func:`_task_quotes`).

    Raises:
        ValueError: not an object, no text, or ``spans`` not a list.
    """
    if not isinstance(obj, dict):
        raise ValueError("the line is not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError('no "text" string')
    norm = normalise_text(text)
    if norm != text:
        # move every span with the text, so they keep pointing at the same characters
        norm, offsets = normalise_with_map(text)
        obj = {**obj, "spans": [_shifted(s, offsets) for s in obj.get("spans") or []]}
        if isinstance(obj.get("tokens"), list):
            obj["tokens"] = [_shifted(t, offsets) for t in obj["tokens"]]
        obj["relations"] = [
            {**r, **{k: _shifted(r[k], offsets) for k in ("head_span", "child_span") if k in r}}
            for r in obj.get("relations") or []
            if isinstance(r, dict)
        ]
        if isinstance(obj.get("meta"), dict) and isinstance(obj["meta"].get("quotes"), list):
            obj["meta"] = {
                **obj["meta"],
                "quotes": [_shifted_entry(e, offsets) for e in obj["meta"]["quotes"]],
            }
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    assert isinstance(meta, dict)
    notes: list[str] = []
    quotes = _task_quotes(obj, norm, notes)
    if isinstance(obj.get("quotes"), list) and obj["quotes"] and not obj.get("spans"):
        # a line of quote JSONL among the tasks (verify21 V6; the reverse is said there)
        notes.append(
            'this line looks like quote JSONL ("quotes", no "spans"): its article was '
            "imported without its quotes; import quote JSONL from a .jsonl file of its own"
        )
    if "article_meta" in meta or "quotes" in meta:
        art_meta = meta.get("article_meta") if isinstance(meta.get("article_meta"), dict) else {}
        assert isinstance(art_meta, dict)
        title = meta.get("title")
        ext_id = meta.get("id")
    else:  # a task written by another tool: its meta describes the article
        art_meta = {k: v for k, v in meta.items() if k not in ("title", "id")}
        title = meta.get("title")
        ext_id = meta.get("id")
    article = Article.from_parts(norm, title, art_meta, ext_id)
    return article, quotes, notes


#: A quote read from a task: (sort key, quote, line, its number among the line's quotes).
_Read = tuple[float, Quote, int, int]


def _finish(
    name: str, article: Article, quotes: list[_Read], start: int, task_notes: list[LineNote]
) -> Iterator[Article | LineNote | QuoteError]:
    """The article of consecutive tasks, its quotes checked
    (:func:`~annotator.core.entry_checks.check_article_row`: a refused quote is a
    QuoteError naming its line, what changed a LineNote), then the article."""
    quotes.sort(key=lambda kq: kq[0])  # stable: tasks' own order among equal keys
    yield from task_notes
    article.quotes = [q for _, q, _, _ in quotes]
    row = article_row(article, "")
    checked, notes, refused = check_article_row(row, lambda i: f"the quote on line {quotes[i][2]}")
    for k, why in refused:
        yield QuoteError(name, quotes[k][2], quotes[k][3], why)
    for i, message in notes:
        if i is None:
            yield LineNote(name, start, message)
        else:
            yield LineNote(name, quotes[i][2], f"quote {quotes[i][3]}: {message}")
    if checked is not row:
        article.title = checked[A_TITLE]
        article.quotes = [quote_of_row(q) for q in checked[A_QUOTES]]
    yield article


def iter_prodigy(path: str | Path) -> Iterator[Article | LineError | LineNote | QuoteError]:
    """Stream the articles of a Prodigy task file; bad lines come back as LineError.

    Consecutive tasks with the same text are one article, its quotes checked as every
    import checks them (:mod:`annotator.core.entry_checks`): a quote refused there is a
    QuoteError and what was changed a LineNote, both naming the task's line, before the
    article.
    """
    name = str(path)
    current: Article | None = None
    pending: list[_Read] = []
    pending_notes: list[LineNote] = []
    start = 0  # the line of the current article's first task
    for lineno, raw in iter_lines(path):
        if isinstance(raw, LineTooLong):
            yield LineError(name, lineno, str(raw))
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            obj = load_json(line)
            check_utf8(obj, line)  # a project cannot store a lone surrogate
            article, quotes, notes = _task_article(obj)
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 ({exc.reason} at byte {exc.start}); {UTF8_HINT}"
            yield LineError(name, lineno, reason)
            continue
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            # BadJson and SchemaError are ValueErrors: one bad task costs only itself
            yield LineError(name, lineno, str(exc) or type(exc).__name__)
            continue
        if not article.text.strip():
            yield LineError(name, lineno, "the text is empty (the task was skipped)")
            continue
        read = [(key, q, lineno, n) for n, (key, q) in enumerate(quotes, 1)]
        said = [LineNote(name, lineno, note) for note in notes]
        if current is not None and current.text == article.text:
            pending.extend(read)
            pending_notes.extend(said)
            continue
        if current is not None:
            yield from _finish(name, current, pending, start, pending_notes)
        current, pending, start, pending_notes = article, read, lineno, said
    if current is not None:
        yield from _finish(name, current, pending, start, pending_notes)


def is_prodigy_file(path: str | Path) -> bool:
    """True when the first object of a .jsonl file looks like a Prodigy task.

    A task has ``spans`` or ``tokens`` and no ``quotes`` (which would make it quote JSONL).
    """
    if not is_regular_file(Path(path)):
        return False
    try:
        for lineno, raw in iter_lines(path):
            if isinstance(raw, LineTooLong):
                return False
            if raw.strip():
                obj = load_json(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
                return (
                    isinstance(obj, dict)
                    and ("spans" in obj or "tokens" in obj)
                    and "quotes" not in obj
                )
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return False
