"""ItemsByReach: the quotes of an article handed out as the fill's reach passes their
first character (content, speaker or cue), with changes before and past the reach."""

from __future__ import annotations

from annotator.core.model import Quote
from annotator.services.items import Item
from annotator.ui.lazy_highlights import ItemsByReach, first_position


def _item(n: int, content: tuple[int, int], speaker: tuple[int, int] | None = None) -> Item:
    quote = Quote(
        content_spans=(content,),
        speaker_spans=(speaker,) if speaker else (),
        status="pending",
        origin="model",
    )
    return Item(quote, None, n)


def test_items_come_when_the_reach_passes_their_first_character() -> None:
    a = _item(1, (100, 150))
    b = _item(2, (5_000, 5_050), speaker=(40, 50))  # its speaker comes first
    c = _item(3, (9_000, 9_100))
    d = _item(4, (20_000, 20_010))
    assert first_position(b) == 40
    reach = ItemsByReach()
    assert reach.reset([d, c, b, a], 60) == [b]
    assert reach.take(60) == [] and reach.take(30) == []  # the reach never goes back
    assert reach.take(101) == [a]
    assert reach.take(9_000) == []  # c starts at 9,000: not passed yet
    assert reach.take(9_001) == [c]
    assert reach.waiting() == 1
    assert reach.take(10**9) == [d] and reach.waiting() == 0


def test_changes_before_the_reach_go_in_now_the_others_wait() -> None:
    a, far = _item(1, (100, 150)), _item(2, (8_000, 8_040))
    reach = ItemsByReach()
    assert reach.reset([a, far], 1_000) == [a]
    near_new, far_new = _item(3, (200, 240)), _item(4, (7_000, 7_030))
    assert reach.add([near_new, far_new]) == [near_new]
    assert reach.remove([a, far]) == [a]  # far never went in: dropped from the waiting
    assert reach.take(10**9) == [far_new]


def test_items_that_come_after_the_text_go_in_screen_first_then_behind_then_with_the_reach() -> (
    None
):
    on_screen = _item(1, (100, 150))
    behind = [_item(2 + k, (1_000 + 100 * k, 1_050 + 100 * k)) for k in range(5)]
    later = _item(9, (50_000, 50_010))
    reach = ItemsByReach()
    # the fill has put in 20,000 characters; the screen shows the first 500
    assert reach.reset_late([later, *behind, on_screen], 20_000, 500) == [on_screen]
    assert reach.behind() == 5 and reach.waiting() == 1
    assert reach.take_behind(2) == behind[:2]
    # a quote behind the reach, changed before it was handed out: never handed out, and
    # not returned as one to take out of the index (it is not there)
    assert reach.remove([behind[3]]) == []
    assert reach.take_behind(10) == [behind[2], behind[4]] and reach.behind() == 0
    # one handed out already is returned, to come out of the index
    assert reach.remove([behind[0]]) == [behind[0]]
    assert reach.take(50_001) == [later]
    # a new article: nothing stays behind
    reach.reset_late(behind, 20_000, 0)
    reach.reset([on_screen], 0)
    assert reach.behind() == 0
