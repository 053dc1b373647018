"""A project's settings as the settings dialog edits them: stance labels, target, guidelines,
quote boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.core.model import MARKS_INSIDE_DEFAULT, MARKS_INSIDE_SETTING
from annotator.services.locations import resources_dir
from annotator.store.project import Project

#: The bundled guidelines shown while a project has none of its own.
DEFAULT_GUIDELINES = "guidelines.md"
#: The project setting naming the detector the window uses: null for the rules alone, else
#: the name of a trained model (a folder of :func:`annotator.services.training
#: .default_models_dir`), so a project mailed to a colleague names the same model.
DETECTOR_SETTING = "detector_model"


def read_resource(name: str) -> str:
    """A bundled resource's text ("" when missing or unreadable)."""
    try:
        return (resources_dir() / name).read_text(encoding="utf-8")
    except OSError:
        return ""


@dataclass(frozen=True)
class ProjectSettings:
    """What the settings dialog shows and edits."""

    stance_labels: tuple[str, ...]
    stance_target: str
    guidelines: str
    #: direct quotes include their quotation marks and trailing comma (setting
    #: ``quote_marks_inside``; default off, as the default guidelines say)
    marks_inside: bool = MARKS_INSIDE_DEFAULT


def load_settings(project: Project) -> ProjectSettings:
    """The project's settings; the bundled guidelines stand in for missing ones."""
    return ProjectSettings(
        tuple(project.stance_labels()),
        project.stance_target(),
        project.guidelines() or read_resource(DEFAULT_GUIDELINES),
        project.marks_inside(),
    )


def save_settings(project: Project, new: ProjectSettings, actor: str) -> list[str]:
    """Write the settings that differ from the stored ones, in one transaction.

    Returns the names of the settings written ([] when nothing changed). Raises what the
    store raises for a read-only or busy project (then nothing is written).
    """
    old = load_settings(project)
    written: list[str] = []
    with project.batch():
        if new.stance_labels != old.stance_labels:
            project.set_setting("stance_labels", list(new.stance_labels), actor=actor)
            written.append("stance_labels")
        if new.stance_target != old.stance_target:
            project.set_setting("stance_target", new.stance_target, actor=actor)
            written.append("stance_target")
        if new.guidelines != old.guidelines:
            project.set_setting("guidelines", new.guidelines, actor=actor)
            written.append("guidelines")
        if new.marks_inside != old.marks_inside:
            project.set_setting(MARKS_INSIDE_SETTING, new.marks_inside, actor=actor)
            written.append(MARKS_INSIDE_SETTING)
    return written


#: The boundary sentence of the bundled guidelines for each value of the marks-inside
#: setting (False: the bundled text as shipped). Matched with any run of white space
#: between words, so a re-wrapped paragraph is still found.
BOUNDARY_SENTENCES = {
    False: 'Leave out the quotation marks and the frame ("she said").',
    True: (
        "Include the quotation marks and the punctuation just inside the closing mark; "
        'leave out the frame ("she said").'
    ),
}


def _sentence_pattern(sentence: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in sentence.split()))


def guidelines_for_marks(guidelines: str, marks_inside: bool) -> str | None:
    """``guidelines`` with the bundled boundary sentence (:data:`BOUNDARY_SENTENCES`) put
    right for ``marks_inside``, so the analyst's guidelines never contradict the setting.

    Returns the new text (the same text when it already says the right thing), or None when
    the text holds neither sentence (guidelines of the project's own wording: the analyst
    is asked to check them). The other sentence's line breaks and indent are kept.
    """
    if _sentence_pattern(BOUNDARY_SENTENCES[marks_inside]).search(guidelines):
        return guidelines
    found = _sentence_pattern(BOUNDARY_SENTENCES[not marks_inside]).search(guidelines)
    if found is None:
        return None
    old = found.group(0)
    gaps = re.findall(r"\s+", old)
    words = BOUNDARY_SENTENCES[marks_inside].split()
    # the new sentence's words laid out on the old one's gaps (a longer sentence: spaces)
    gaps += [" "] * max(0, len(words) - 1 - len(gaps))
    new = "".join(w + (gaps[i] if i < len(words) - 1 else "") for i, w in enumerate(words))
    return guidelines[: found.start()] + new + guidelines[found.end() :]


def detector_choice(project: Project) -> str | None:
    """The trained model this project detects with (its name), or None for the rules alone
    (also for a stored value that is not a non-empty string)."""
    value = project.get_setting(DETECTOR_SETTING)
    return value if isinstance(value, str) and value.strip() else None


def set_detector_choice(project: Project, name: str | None, actor: str) -> bool:
    """Store the detector choice (``name`` of a trained model, None: rules alone); return
    whether it changed. Raises what the store raises for a read-only or busy project."""
    name = name.strip() if name and name.strip() else None
    if name == detector_choice(project):
        return False
    project.set_setting(DETECTOR_SETTING, name, actor=actor)
    return True
