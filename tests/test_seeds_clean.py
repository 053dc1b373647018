"""The bundled sample articles (seeds/) are clean UTF-8 text: no replacement characters,
no mojibake, no control characters; and each one is described in seeds/README.md."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SAMPLES = sorted(SEEDS.glob("*.txt"))

# UTF-8 bytes of common characters read as Windows-1252 or Latin-1 and written out again:
# "\u00e2\u20ac" starts a curly quote or dash ("\u00e2\u20ac\u2122" was "\u2019"), "\u00c3"
# plus a second byte was an accented letter ("\u00c3\u00a9" was "\u00e9"), "\u00c2" a no-break
# space or a sign.
_MOJIBAKE = re.compile(
    "\u00e2\u20ac|\u00c3[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2018-\u203a]|\u00c2[\u0080-\u00bf]"
)


def problems(text: str) -> list[str]:
    """What is wrong with a sample's text (empty when it is clean)."""
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if "\ufffd" in line:
            out.append(
                f"line {n}: U+FFFD replacement character at column {line.index(chr(0xFFFD)) + 1}"
            )
        bad = _MOJIBAKE.search(line)
        if bad:
            out.append(f"line {n}: mojibake {bad.group()!r} at column {bad.start() + 1}")
        ctrl = [c for c in line if unicodedata.category(c) == "Cc"]
        if ctrl:
            out.append(f"line {n}: control character {ctrl[0]!r}")
    if unicodedata.normalize("NFC", text) != text:
        out.append("not in Unicode NFC")
    return out


def test_there_are_samples() -> None:
    assert len(SAMPLES) >= 4


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_is_clean_utf8_text(path: Path) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8")  # strict: raises on any byte that is not UTF-8
    assert not data.startswith(b"\xef\xbb\xbf"), "BOM at the start"
    assert b"\r" not in data
    assert problems(text) == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_is_described_in_the_readme(path: Path) -> None:
    assert f"`{path.name}`" in (SEEDS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a common goal \ufffd peace", "U+FFFD"),
        ("the minister\u00e2\u20ac\u2122s view", "mojibake"),
        ("Orl\u00c3\u00a9ans", "mojibake"),
        ("50\u00c2\u00a0km", "mojibake"),
        ("a bell\x07 rang", "control character"),
        ("Cafe\u0301", "NFC"),
    ],
)
def test_the_check_finds_each_kind_of_damage(text: str, found: str) -> None:
    assert any(found in p for p in problems(text))


def test_the_check_passes_clean_accented_text() -> None:
    assert (
        problems("Ren\u00e9e said \u201cd\u00e9j\u00e0 vu\u201d \u2014 twice.\n\u00c0 bient\u00f4t")
        == []
    )
