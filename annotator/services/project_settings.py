"""A project's settings as the settings dialog edits them: stance labels, target, guidelines,
quote boundaries."""

from __future__ import annotations

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
