"""Western European text in Windows-1252 is not taken for CJK; CJK text still decodes right."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.io.decode import _plausible_western, decode_bytes
from annotator.services.importing import import_paths
from annotator.store.project import Project

#: Texts of our own in the languages of Western Europe, short and long, with the bytes
#: the testers saw mis-read: accents, diaeresis, curly quotes (0x93/0x94), euro (0x80).
WESTERN = [
    "Café",
    "Zürich",
    "Müller",
    "Ørsted",
    "Genève",
    "Côte",
    "Über",
    "São",
    "Ça va",
    "São Tomé",
    "Café fermé.",
    "A naïve plan.",
    "\u201cYes,\u201d she said.",
    "It costs 5 \u20ac.",
    "\u201cWe won\u2019t go,\u201d he said \u2014 twice.",
    "Der Bürgermeister von Zürich sagte: \u201eWir bauen.\u201c",
    "Grüße aus Köln \u2013 schöne Straße.",
    "L'été à Montréal, où la crème brûlée coûte 3 \u20ac.",
    "El niño comió piña en España; \u201c¡qué rico!\u201d, dijo.",
    "São Paulo: ações caíram 5%, disse o ministro.",
    "Åse Ødegård bor i Tromsø.",
    "Þjóðin kaus í gær, sagði ráðherrann.",
    "Le maître d\u2019\u0153uvre a dit \u00ab\u00a0non\u00a0\u00bb \u2026 puis il est parti.",
    "Preis: 12,50 \u20ac (inkl. MwSt.) \u2013 gültig bis 31.12.",
    "The naïve café owner in Zürich said \u201cno\u201d to the \u20ac2m offer\u2026\n"
    "Rents rose 4% \u2013 the fourth rise in a row, according to the city\u2019s figures.\n",
    ("Il sindaco ha detto che la città è pronta. \u201cSiamo qui\u201d, ha aggiunto. " * 30),
]


def _encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


# every text in cp1252, and those Latin-1 can write (no curly quotes, euro or dashes) in it too
@pytest.mark.parametrize(
    ("text", "codec"),
    [(t, c) for c in ("cp1252", "latin-1") for t in WESTERN if _encodable(t, c)],
)
def test_western_text_decodes_as_written(text: str, codec: str) -> None:
    data = text.encode(codec)
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding in ("cp1252", "latin_1")
    assert (
        decoded.detected and decoded.note == f"not UTF-8: decoded as {decoded.encoding} (detected)"
    )


#: CJK texts of our own: (codec, text). Each needs a few characters: two-character texts
#: are too short for charset-normalizer to tell the CJK encodings apart at all.
CJK = [
    ("gb2312", "今天天气很好，我们去公园散步。记者李明报道。"),
    ("gb2312", "北京2024年3月5日电 总理表示，经济增长目标为百分之五左右。"),
    ("gb2312", "市政府宣布，新的地铁线路将在明年开通，市民可以免费乘坐一周。"),
    ("big5", "台北市政府今天宣布，捷運新線將於明年通車，市民可以免費試乘一週。"),
    ("big5", "臺灣"),
    ("big5", "立法院昨天通過預算案，行政院長表示感謝，並承諾加強監督。"),
    ("shift_jis", "市長は「明日会議を開きます」と述べた。"),
    ("shift_jis", "東京都は2024年4月1日から新しい制度を始めると発表しました。"),
    ("shift_jis", "テスト"),
    ("shift_jis", "こんにちは、世界。"),
    ("shift_jis", "首相は記者会見で「経済対策を急ぐ」と語った。円安が続いている。"),
    ("euc_kr", '시장은 "내일 회의를 연다"고 말했다.'),
    ("euc_kr", "서울시는 오늘 새로운 버스 노선을 발표했다. 시민들은 환영했다."),
    ("euc_kr", "정부는 2025년 예산안을 국회에 제출했다고 밝혔다."),
]


@pytest.mark.parametrize(("codec", "text"), CJK)
def test_cjk_text_still_decodes_right(codec: str, text: str) -> None:
    data = text.encode(codec)
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding != "cp1252"


@pytest.mark.parametrize(("codec", "text"), CJK)
def test_cjk_bytes_read_as_cp1252_are_not_plausible_western(codec: str, text: str) -> None:
    try:
        as_1252 = text.encode(codec).decode("cp1252")
    except UnicodeDecodeError:
        return  # bytes undefined in cp1252 (most Shift-JIS): the rule cannot pick cp1252
    assert not _plausible_western(as_1252)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ÊÐ³¤Ëµ£º", "a long run of non-ASCII characters"),
        ("\u201cú\u2013{\u0152ê", "nearly all characters are non-ASCII"),
        ("ÖÐ ¹ú", "all non-space characters are non-ASCII"),
        ("\u0192e\u0192X\u0192g", "f with hook, a sign Western text does not use"),
        ("Total: 3\u00d74 rooms", "the multiplication sign"),
        ("Bad\x01byte in the middle of it", "an ASCII control character"),
    ],
)
def test_what_is_not_plausible_western(text: str, why: str) -> None:
    assert not _plausible_western(text), why


@pytest.mark.parametrize(
    "text",
    [
        "Café",
        "ações",
        "\u201c¡Qué frío!\u201d, dijo.",
        "\u2026\u201d said the mayor",
        "Ødegård",
        "plain ASCII",
    ],
)
def test_what_is_plausible_western(text: str) -> None:
    assert _plausible_western(text)


def test_cp1252_only_bytes_are_not_read_as_latin1_controls() -> None:
    # 0x80 (euro) and 0x93/0x94 (curly quotes) are C1 controls in Latin-1 proper
    data = b"\x93Tax of 5 \x80 is too much,\x94 said Ines M\xfcller."
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252"
    assert decoded.text == "\u201cTax of 5 \u20ac is too much,\u201d said Ines Müller."


@pytest.mark.parametrize(
    ("name", "text", "codec", "encoding"),
    [
        ("zurich.txt", "Zürich\n\n\u201cWir bauen,\u201d sagte Frau Müller.", "cp1252", "cp1252"),
        ("sao.txt", "São\n\nÇa va, dit le maire.", "cp1252", "cp1252"),
        ("news.txt", "新闻\n\n今天天气很好，我们去公园散步。记者李明报道。", "gb2312", "gb18030"),
    ],
)
def test_import_stores_the_text_as_written(
    tmp_path: Path, name: str, text: str, codec: str, encoding: str
) -> None:
    f = tmp_path / name
    f.write_bytes(text.encode(codec))
    with Project.open(tmp_path / "p.db") as project:
        report = import_paths(project, [f])
        stored = [r[0] for r in project.db.execute("SELECT text FROM articles")]
        assert stored == [text]
        assert f"not UTF-8: decoded as {encoding} (detected)" in report.files[0].line()
