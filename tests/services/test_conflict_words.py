"""The words a window says about what another window changed in a quote."""

from __future__ import annotations

from annotator.core.model import Quote
from annotator.services.session import differences

TEXT = 'Lee said: "We will talk." Kim 🇰🇷 said:\u00a0"Not now." Park agreed.'


def _span(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


READ = Quote(
    content_spans=(_span("We will talk."),),
    speaker_spans=(_span("Lee"),),
    cue_spans=(_span("said"),),
    speaker_text="Lee",
    speaker_name="Lee In-young",
    kind="direct",
    stance="support",
    stance_target="talks",
    status="accepted",
    note="first",
)


def test_each_field_in_words() -> None:
    assert differences(TEXT, READ, READ) == []
    cases = {
        "speaker_name": ("Kim Ji-ho", "its speaker is now Kim Ji-ho"),
        "content_spans": ((_span("Not now."),), "its span is now “Not now.”"),
        "stance": ("oppose", "its stance is now oppose"),
        "stance_target": ("peace", "its stance target is now “peace”"),
        "kind": ("mixed", "its kind is now mixed"),
        "cue_spans": ((_span("agreed"),), "its cue is now “agreed”"),
        "note": ("second", "its note was changed"),
        "status": ("rejected", "it is now rejected"),
    }
    for field, (value, words) in cases.items():
        assert differences(TEXT, READ, READ.with_(**{field: value})) == [words], field


def test_removals_and_several_at_once() -> None:
    gone = READ.with_(speaker_name=None, stance=None, note=None, cue_spans=(), status="pending")
    assert differences(TEXT, READ, gone) == [
        "it is now undecided",
        "its speaker was removed",
        "its stance was cleared",
        "its cue was removed",
        "its note was removed",
    ]
    mention = READ.with_(speaker_spans=(_span("Kim 🇰🇷"),), speaker_text="Kim 🇰🇷")
    assert differences(TEXT, READ, mention) == ["its speaker mention is now “Kim 🇰🇷”"]
    # a target cleared with the stance is said once, by the stance
    assert differences(TEXT, READ, READ.with_(stance=None, stance_target=None)) == [
        "its stance was cleared"
    ]
    long = READ.with_(content_spans=((0, len(TEXT)),))
    (said,) = differences(TEXT, READ, long)
    assert said.endswith("…”") and len(said) < 90
