"""The shared annotator list (issue 16): who is ticked by default, what each line says."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from annotator.ui.people_list import PeopleList, default_person, person_label, with_quotes


def test_default_choices_skip_people_without_quotes() -> None:
    counts = {"alice": 4, "bob": 9, "rita": 0}
    assert with_quotes(counts) == ["alice", "bob"]
    assert with_quotes({"rita": 0}) == []
    assert default_person(counts, "alice") == "alice"  # mine, though bob has more
    assert default_person(counts, "rita") == "bob"  # mine are none: the most quoted
    assert default_person(counts, None) == "bob"
    assert default_person({"zoe": 3, "adam": 3, "rita": 0}, "rita") == "adam"  # tie: by name
    assert default_person({"rita": 0}, "rita") is None
    assert default_person({}, None) is None
    assert person_label("alice", 1204) == "alice (1,204)" and person_label("x", None) == "x"


def test_the_list_ticks_those_with_quotes_and_says_who_changed(qtbot: Any) -> None:
    w = PeopleList("accepted quote")
    qtbot.addWidget(w)
    seen: list[list[str]] = []
    w.ticked_changed.connect(seen.append)
    w.set_people({"alice": 2, "rita": 0, "bob": 1})
    assert [w.item(i).text() for i in range(3)] == ["alice (2)", "rita (0)", "bob (1)"]
    assert w.ticked() == ["alice", "bob"] and w.names() == ["alice", "rita", "bob"]
    assert w.item(1).toolTip() == "0 accepted quotes" and w.item(0).toolTip() == "2 accepted quotes"
    assert seen == []  # set by the program: no signal
    w.item(1).setCheckState(Qt.CheckState.Checked)
    assert seen == [["alice", "rita", "bob"]]
    w.tick(["bob"])
    assert w.ticked() == ["bob"] and len(seen) == 1
    # names without counts: nobody ticked unless asked, the names alone shown
    w.set_people(["ann", "cy"])
    assert w.ticked() == [] and [w.item(i).text() for i in range(2)] == ["ann", "cy"]
    w.set_people(["ann", "cy"], ticked=["cy"])
    assert w.ticked() == ["cy"] and w.counts() == {"ann": None, "cy": None}
    assert w.item_of("cy") is w.item(1) and w.item_of("nobody") is None
