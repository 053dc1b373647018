"""Plain-text articles: the first non-empty line is the title (as in the seed article)."""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import Article
from annotator.core.text import normalise_text, title_and_body
from annotator.core.wording import storable_name
from annotator.io.decode import Decoded, NotTextError, decode_as, decode_bytes
from annotator.io.files import read_limited


def read_txt(path: str | Path, encoding: str | None = None) -> tuple[Article, Decoded]:
    """Read one article from a text file; raise NotTextError (with the reason) if unusable.
    ``encoding`` (a codec name) decodes it so, without detection (:func:`decode_as`)."""
    p = Path(path)
    data = read_limited(p)
    decoded = decode_bytes(data) if encoding is None else decode_as(data, encoding)
    text = normalise_text(decoded.text)
    title, body = title_and_body(text)
    if not title:
        raise NotTextError("the file holds only white space")
    # a name that is not UTF-8 (an old zip archive's) is stored with its odd bytes as U+FFFD
    name, stem = storable_name(p.name), storable_name(p.stem)
    return Article(title=title, text=body, meta={"filename": name}, ext_id=stem), decoded
