"""Turn the bytes of a file into text, or say clearly why they are not text.

UTF-8 (with or without BOM) is taken as is; anything else is decoded by detection with
charset-normalizer, corrected towards Windows-1252 where the detector is known to go wrong on
Western European text (:func:`_prefer_western`, :func:`_western_not_cjk`), and the caller is
told which encoding was used so the import report can say so. Empty and binary files are
refused with a reason naming what they look like.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

# Signatures of binary formats people rename or drop into article folders by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"\x7fELF", "a program (ELF)"),
)


#: Control bytes that plain text holds: tab, line feed, vertical tab, form feed, return.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r")
#: Share of other control bytes in a file's start above which it is binary, not text.
CONTROL_SHARE = 0.1


class NotTextError(ValueError):
    """The bytes are not a text we can read (empty, binary or undecodable)."""


@dataclass(frozen=True)
class Decoded:
    """Text decoded from a file, with the encoding used and whether it was guessed."""

    text: str
    encoding: str
    detected: bool
    #: the user named the encoding (``annotator import --encoding``)
    chosen: bool = False
    #: stray NUL bytes removed before decoding (see :func:`_without_stray_nuls`)
    nuls_removed: int = 0

    @property
    def note(self) -> str:
        """A phrase for the import report when the encoding was not UTF-8 or was chosen, or
        stray NUL characters were removed."""
        if self.chosen:
            out = f"decoded as {self.encoding}, the --encoding given"
        else:
            out = f"not UTF-8: decoded as {self.encoding} (detected)" if self.detected else ""
        if self.nuls_removed:
            n = self.nuls_removed
            nuls = f"{n:,} NUL {'character was' if n == 1 else 'characters were'} removed"
            out = f"{out}; {nuls}" if out else nuls
        return out


#: NUL bytes up to this many, or up to :data:`STRAY_NUL_SHARE` of the bytes, are stray NULs
#: of a text file (a scraped CSV cell, a truncated write: one per short row is 4%), removed
#: with a note; more make it binary data (a PNG, an executable and a database have NULs
#: in a third or more of their bytes; other control bytes mark binary data too, see
#: :func:`describe_binary`).
STRAY_NULS = 8
STRAY_NUL_SHARE = 0.05


def _stray(nuls: int, size: int) -> bool:
    return nuls <= max(STRAY_NULS, STRAY_NUL_SHARE * size)


def _without_stray_nuls(data: bytes) -> tuple[bytes, int]:
    """``data`` without its NUL bytes, and how many there were: no text in a project holds
    one (tester20 U15: one NUL in a CSV cell refused the whole file as binary). Only for
    single-byte and UTF-8 data, where a NUL byte is a NUL character.

    Raises:
        NotTextError: more NULs than stray ones (:data:`STRAY_NULS`): binary data.
    """
    n = data.count(b"\x00")
    if n and not _stray(n, len(data)):
        raise NotTextError("the file is a binary file, not text")
    return (data.replace(b"\x00", b""), n) if n else (data, 0)


def check_encoding(name: str) -> str:
    """Python's name of the text encoding ``name`` (``"Shift-JIS"`` -> ``"shift_jis"``).

    Raises:
        ValueError: ``name`` is no encoding Python knows, or is not a text encoding
            (``base64``, ``zlib``).
    """
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError):
        raise ValueError(
            f"unknown encoding {name!r}; give a name Python knows, e.g. cp1250, cp1252, "
            "latin-1, shift_jis, cp932, gb18030, big5, euc-kr, koi8-r, utf-16"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding")
    return info.name


def decode_as(data: bytes, encoding: str) -> Decoded:
    """Decode file bytes with the encoding the user named (no detection); a UTF-8,
    UTF-16 or UTF-32 byte-order mark is dropped when it matches that encoding.

    Raises:
        NotTextError: the file is empty or binary, or does not decode as ``encoding``
            (the message names the first bad byte's position).
        ValueError: ``encoding`` is unknown (:func:`check_encoding`).
    """
    name = check_encoding(encoding)
    if not data.strip():
        raise NotTextError("the file is empty")
    # UTF-16/32 text is half zero bytes: for them, the decoded text is checked instead
    wide = name.startswith(("utf-16", "utf-32"))
    what = "" if wide else describe_binary(data)
    if what:
        raise NotTextError(f"the file is {what}, not text")
    nuls = 0
    if not wide:
        data, nuls = _without_stray_nuls(data)
    codec = "utf-8-sig" if name == "utf-8" else name
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise NotTextError(
            f"the file does not decode as {name} (--encoding): byte 0x{bad} at byte "
            f"{exc.start:,} is not valid in it"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if wide and _mostly_controls([ord(c) for c in text[:4096]]):
        raise NotTextError("the file is a binary file, not text")
    return Decoded(text, name, False, chosen=True, nuls_removed=nuls)


def _mostly_controls(codes: Sequence[int]) -> bool:
    """More than :data:`CONTROL_SHARE` of ``codes`` (bytes or code points) are control
    characters other than tab, line ends and form feed: binary data, not text."""
    controls = sum(1 for c in codes if c < 0x20 and c not in _TEXT_CONTROLS)
    return controls > CONTROL_SHARE * len(codes)


def describe_binary(data: bytes) -> str | None:
    """What a binary file looks like, or None when it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:4096]
    # UTF-16/32 text has NUL bytes too but starts with a BOM; anything else with more than
    # a few NULs is binary (a few are stray NULs of text, removed on decoding)
    if not _stray(head.count(b"\x00"), len(head)) and not head.startswith(
        (b"\xff\xfe", b"\xfe\xff")
    ):
        return "a binary file"
    # control characters other than tab, line ends and form feed: text has next to none,
    # binary data without NUL bytes (a key file, a terminal capture of a program) has many
    if _mostly_controls(head.replace(b"\x00", b"")):  # stray NULs: not counted here
        return "a binary file"
    return None


#: Byte order marks of the wide Unicode encodings, longest first (UTF-32 LE starts like UTF-16 LE).
_WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
#: Share of NUL bytes at every other position of a file's start above which (and none at the
#: others) BOM-less text is taken as UTF-16: Latin-script text in UTF-16 has a NUL as the high
#: byte of nearly every character, binary data has NULs at both positions.
WIDE_NUL_SHARE = 0.4


def wide_encoding(data: bytes) -> str | None:
    """The UTF-16/UTF-32 codec name for text in a wide encoding, or None.

    With a byte order mark the mark decides; without one, a start where NUL bytes sit at
    every other position only (see :data:`WIDE_NUL_SHARE`) is UTF-16 LE or BE, as written by
    Excel's "Unicode text" and Windows Notepad's "Unicode" saving.
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    half = len(head) // 2
    if half < 2:
        return None
    even = head[0 : 2 * half : 2].count(0) / half
    odd = head[1 : 2 * half : 2].count(0) / half
    if odd > WIDE_NUL_SHARE and even == 0:
        return "utf-16-le"
    if even > WIDE_NUL_SHARE and odd == 0:
        return "utf-16-be"
    return None


def _decode_wide(data: bytes, encoding: str) -> Decoded:
    """Text of a UTF-16/32 file; NotTextError when it does not decode or holds controls."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise NotTextError(
            f"the file looks like {encoding} text but does not decode: {exc}"
        ) from exc
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise NotTextError("the file is empty")
    head = text[:4096]
    if "\x00" in head or _mostly_controls([ord(c) for c in head]):
        raise NotTextError("the file is a binary file, not text")
    return Decoded(text, encoding, True)


def decode_bytes(data: bytes) -> Decoded:
    """Decode file bytes to text; raise NotTextError with the reason when we cannot.

    UTF-8 (BOM or not), then UTF-16/UTF-32 (:func:`wide_encoding`), then the detector's
    guess. Raises NotTextError for an empty, binary or undecodable file.
    """
    if not data.strip():
        raise NotTextError("the file is empty")
    wide = wide_encoding(data)
    if wide is not None and not any(data.startswith(m) for m, _ in _MAGIC):
        return _decode_wide(data, wide)
    what = describe_binary(data)
    if what:
        raise NotTextError(f"the file is {what}, not text")
    data, nuls = _without_stray_nuls(data)
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", False, nuls_removed=nuls)
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        western = _western_not_cjk(data, "")
        if western is None:
            raise NotTextError("the encoding could not be recognised")
        return Decoded(western[0], western[1], True, nuls_removed=nuls)
    text, encoding = str(best), best.encoding
    western = _prefer_western(data, text, encoding)
    if western is None:
        western = _western_not_cjk(data, encoding)
    if western is not None:
        text, encoding = western
    return Decoded(text, encoding, True, nuls_removed=nuls)


def _single_byte(encoding: str) -> bool:
    """True for code pages where every byte is one character (cp1250, iso8859_2, ...)."""
    try:
        return len(bytes(range(256)).decode(encoding, errors="replace")) == 256
    except LookupError:
        return False


#: How much messier (charset-normalizer's mess ratio, 0 = clean) Windows-1252 may read than
#: the detector's best single-byte guess and still be preferred. Against Mac, DOS and EBCDIC
#: code pages, which news files are practically never in, the margin is wide: short French
#: text ("Caf\u00e9 ... \u00e9tait ferm\u00e9") scores 0.14 as cp1252 against 0.0 as
#: mac_latin2, because a few accented letters cannot tell them apart. Against the other
#: Windows and ISO code pages it is a tie-break only (Czech in cp1250 scores 0.10 as cp1252;
#: Cyrillic, Greek or Polish text read as cp1252 scores about 1.0).
RARE_MARGIN = 0.2
TIE_MARGIN = 0.01
_RARE = re.compile(
    r"^(mac_.*|cp[4789]\d\d|cp10\d\d|cp11\d\d|cp1006|cp1125|cp037|cp273|"
    r"cp500|hp_roman8|ptcp154|kz1048)$"
)


def _prefer_western(data: bytes, guessed: str, encoding: str) -> tuple[str, str] | None:
    """Windows-1252 (else Latin-1) text when it reads about as cleanly as another guess.

    On short texts the detector cannot tell Central European or Mac code pages from Western
    ones (both read "Caf\u00e9"; they differ on letters like \u00e9/\u0165). News text in a
    legacy encoding is overwhelmingly Windows-1252 / Latin-1 (the WHATWG encoding standard
    maps the Latin-1 label to Windows-1252 for that reason), so on a near tie we prefer it.
    Returns ``(text, encoding name)`` or None to keep the detector's guess.
    """
    if encoding in ("cp1252", "latin_1") or not _single_byte(encoding):
        return None
    for name in ("cp1252", "latin_1"):
        try:
            western = data.decode(name)
        except UnicodeDecodeError:
            continue
        margin = RARE_MARGIN if _RARE.match(encoding) else TIE_MARGIN
        if mess_ratio(western, 1.0) <= mess_ratio(guessed, 1.0) + margin:
            return western, name
        return None
    return None


#: Characters outside ASCII that Western European news text written in Windows-1252 holds:
#: the accented letters of Latin-1 (not the signs x and / between them), the letters cp1252
#: adds (\u0152\u0153 \u0160\u0161 \u017d\u017e \u0178), typographic quotes, dashes, the
#: ellipsis, bullet, euro, guillemets and the common Latin-1 signs (no-break space, currency,
#: degree, ordinals, fractions, copyright, the acute accent used as an apostrophe). The other
#: bytes 0x80-0xBF map to signs (f-hook, dagger, per-mille, tilde, pilcrow, cedilla...) that
#: legacy-encoded CJK bytes produce often and Western text next to never.
WESTERN_CHARS = frozenset(
    "".join(chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7))
    + "\u0152\u0153\u0160\u0161\u017d\u017e\u0178"
    + "\u2018\u2019\u201a\u201c\u201d\u201e\u2039\u203a\u2013\u2014\u2026\u2022\u20ac\u2122"
    + "\u00a0\u00a1\u00a2\u00a3\u00a5\u00a7\u00a9\u00aa\u00ab\u00ad\u00ae\u00b0\u00b1"
    + "\u00b2\u00b3\u00b4\u00b5\u00b7\u00b9\u00ba\u00bb\u00bc\u00bd\u00be\u00bf"
)
#: Share of non-ASCII characters among the non-space ones that plausible Western text stays
#: under (two-character Big5 "\u81fa\u7063" read as cp1252, "\u00bbO\u00c6W", is at it).
#: Western European prose is mostly ASCII: French and Portuguese, the most accented, run at
#: 3-6%; a lone short word ("Caf\u00e9", "a\u00e7\u00f5es") reaches 25-40%. Text in a
#: double-byte CJK encoding (GB2312, Big5, EUC-KR) is nearly all bytes >= 0x80; Shift-JIS,
#: whose second bytes are ASCII about a third of the time, is over 70% (kanji read as
#: cp1252: "\u201c\u00fa\u2013{\u0152\u00ea", runs short enough to pass the other test).
WESTERN_MAX_SHARE = 0.5
#: Longest run of adjacent non-ASCII characters in plausible Western text: accents sit one
#: or two to a word ("a\u00e7\u00f5es"), quotes and dashes add one or two ("\u2026\u201d",
#: "\u201c\u00a1Qu\u00e9"); one CJK character is two non-ASCII bytes and a word of two is
#: four.
WESTERN_MAX_RUN = 3


def _plausible_western(text: str) -> bool:
    """True when ``text`` (bytes read as Windows-1252) looks like Western European text.

    Every non-ASCII character is one of :data:`WESTERN_CHARS`, they are under
    :data:`WESTERN_MAX_SHARE` of the non-space characters, and never more than
    :data:`WESTERN_MAX_RUN` in a row. No ASCII control other than tab and line ends.
    """
    run = foreign = visible = 0
    for ch in text:
        if ch.isspace() and ch != "\u00a0":
            run = 0
            continue
        visible += 1
        code = ord(ch)
        if code < 0x80:
            if code < 0x20 or code == 0x7F:
                return False
            run = 0
            continue
        if ch not in WESTERN_CHARS:
            return False
        foreign += 1
        run += 1
        if run > WESTERN_MAX_RUN:  # CJK text stops here, in its first word
            return False
    return foreign < WESTERN_MAX_SHARE * visible


def _western_not_cjk(data: bytes, encoding: str) -> tuple[str, str] | None:
    """Windows-1252 text when the detector guessed a multi-byte encoding for Western text.

    Why: charset-normalizer (3.x) scores short texts by how "clean" the decoded characters
    look, and the bytes of a few accented letters or curly quotes in Windows-1252
    (``Caf\xe9``, ``\x93Yes,\x94``, ``Z\xfcrich``) also form valid two-byte CJK or UTF-16
    characters, which it then prefers: "Z\u00fcrich", "Caf\u00e9" and "M\u00fcller" came
    back as UTF-16 (CJK characters), "S\u00e3o" and "\u00c7a va" as Big5, "\u00e9\u201c" as
    Shift-JIS (charset-normalizer 3.5).
    Bytes that are not UTF-8 (the caller tried it first) and read in Windows-1252 as
    plausible Western text (:func:`_plausible_western`) are that text: real CJK text read
    as Windows-1252 gives long runs of accented capitals and signs, which the test refuses,
    so GB2312, Big5, Shift-JIS and EUC-KR texts keep the detector's guess.

    Args:
        encoding: the detector's guess ("" when it had none).

    Returns ``(text, "cp1252")``, or None to keep the guess (a single-byte guess is
    :func:`_prefer_western`'s to judge; bytes undefined in Windows-1252 never decode).
    """
    if _single_byte(encoding):
        return None
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return (western, "cp1252") if _plausible_western(western) else None
