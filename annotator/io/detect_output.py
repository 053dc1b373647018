"""The folder written by ``annotator detect --scheduler``: quote-JSONL shards and a manifest.

Layout of OUT_DIR::

    manifest.json        what was run: inputs (path, SHA-256, format, counts), detector
                         version, model, partition size, and the shards done so far
    part-00000.jsonl     quote JSONL, one line per article of partition 0, in input order
    part-00001.jsonl     ...

A shard is written under a hidden temporary name (``.part-00000.jsonl.tmp-PID``) and renamed
when complete, so a shard that exists under its final name is whole; a rerun skips it. The
quotes in the shards are detector suggestions (origin ``model``, no annotator); importing the
folder stores them as suggestions under the manifest's detector version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.io.quote_jsonl import write_jsonl_line

MANIFEST_NAME = "manifest.json"
#: Value of the manifest's ``kind`` key: how a detection folder is recognised.
MANIFEST_KIND = "annotator detect output"
MANIFEST_VERSION = 1
_SHARD_RE = re.compile(r"^part-(\d{5,})\.jsonl$")
_TMP_RE = re.compile(r"^\.part-\d{5,}\.jsonl\.tmp-")


class ManifestError(AnnotatorError):
    """A detection folder's manifest cannot be read, or belongs to another run."""


@dataclass
class InputFile:
    """One input of a detection run, as it was when the run started."""

    path: str
    sha256: str
    format: str
    articles: int = 0
    bad_entries: int = 0
    problem: str = ""  # why the whole file was skipped ("" when it was read)


@dataclass
class ShardInfo:
    """One finished partition."""

    file: str
    partition: int
    first_article: int  # index of its first article in the run's input order (from 0)
    articles: int
    quotes: int
    model: str  # the pipeline the worker loaded, "NAME VERSION" or "rules-only"
    worker: str = ""
    # pipelines the worker process had loaded when it ran this partition (1: loaded once)
    pipeline_loads: int = 0


@dataclass
class Manifest:
    """What a detection run read and wrote (``manifest.json``)."""

    detector_version: str
    model_requested: str | None
    partition_size: int
    inputs: list[InputFile]
    articles: int
    partitions: int
    model_loaded: str | None = None
    shards: list[ShardInfo] = field(default_factory=list)
    complete: bool = False
    started_at: str = ""
    updated_at: str = ""

    @property
    def quotes(self) -> int:
        return sum(s.quotes for s in self.shards)

    def to_json(self) -> dict[str, Any]:
        out = {"kind": MANIFEST_KIND, "version": MANIFEST_VERSION, **asdict(self)}
        out["quotes"] = self.quotes
        return out

    @classmethod
    def from_json(cls, obj: Any, where: str) -> Manifest:
        """Build a manifest from decoded JSON; raise ManifestError naming ``where``."""
        if not isinstance(obj, dict) or obj.get("kind") != MANIFEST_KIND:
            raise ManifestError(f"{where}: not a manifest of annotator detect")
        if obj.get("version") != MANIFEST_VERSION:
            raise ManifestError(
                f"{where}: manifest version {obj.get('version')!r} is not supported "
                f"(this program reads version {MANIFEST_VERSION})"
            )
        try:
            return cls(
                detector_version=str(obj["detector_version"]),
                model_requested=obj.get("model_requested"),
                partition_size=int(obj["partition_size"]),
                inputs=[InputFile(**i) for i in obj["inputs"]],
                articles=int(obj["articles"]),
                partitions=int(obj["partitions"]),
                model_loaded=obj.get("model_loaded"),
                shards=[ShardInfo(**s) for s in obj.get("shards", [])],
                complete=bool(obj.get("complete", False)),
                started_at=str(obj.get("started_at", "")),
                updated_at=str(obj.get("updated_at", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"{where}: broken manifest ({exc!r})") from None


def shard_name(partition: int) -> str:
    """The file name of partition ``partition``'s shard (``part-00007.jsonl``)."""
    return f"part-{partition:05d}.jsonl"


def shard_partition(path: str | os.PathLike[str]) -> int | None:
    """The partition number in a shard's file name, or None if it is not a shard name."""
    m = _SHARD_RE.match(Path(path).name)
    return int(m.group(1)) if m else None


def read_manifest(folder: str | os.PathLike[str]) -> Manifest | None:
    """The manifest in ``folder``, or None when there is none; ManifestError if unreadable."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest ({exc})") from None
    return Manifest.from_json(obj, str(path))


def is_detect_folder(folder: str | os.PathLike[str]) -> bool:
    """True when ``folder`` holds a manifest written by ``annotator detect --scheduler``."""
    try:
        return read_manifest(folder) is not None
    except ManifestError:
        return False


def detect_folder_shards(folder: str | os.PathLike[str]) -> list[Path]:
    """The finished shards in a detection folder, in partition order (temporary files out)."""
    found = []
    for p in Path(folder).iterdir():
        n = shard_partition(p)
        if n is not None and p.is_file():
            found.append((n, p))
    return [p for _, p in sorted(found)]


def shard_detector_version(path: str | os.PathLike[str]) -> str | None:
    """The detector version of a shard, from the manifest beside it (None if not a shard)."""
    p = Path(path)
    if shard_partition(p) is None:
        return None
    try:
        manifest = read_manifest(p.parent)
    except ManifestError:
        return None
    return None if manifest is None else manifest.detector_version


def _atomic_write(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_manifest(folder: str | os.PathLike[str], manifest: Manifest) -> None:
    """Write ``manifest.json`` (temporary file, then rename: never half written)."""
    data = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1)
    _atomic_write(Path(folder) / MANIFEST_NAME, lambda fh: fh.write(data + "\n"))


def write_shard(folder: str | os.PathLike[str], partition: int, rows: list[dict[str, Any]]) -> Path:
    """Write one shard (quote-JSONL rows) under a temporary name, then rename it; its path."""
    path = Path(folder) / shard_name(partition)

    def write(fh: Any) -> None:
        for row in rows:
            write_jsonl_line(fh, row)

    _atomic_write(path, write)
    return path


def count_lines(path: str | os.PathLike[str]) -> int:
    """Non-blank lines of a file (the articles of a shard)."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> int:
    """Delete temporary shard/manifest files a crashed run left behind; how many."""
    n = 0
    for p in Path(folder).iterdir():
        if _TMP_RE.match(p.name) or p.name.startswith(f".{MANIFEST_NAME}.tmp-"):
            p.unlink(missing_ok=True)
            n += 1
    return n


def input_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes; for a folder (brat), of its files' names and bytes, sorted."""
    p = Path(path)
    digest = hashlib.sha256()
    if p.is_dir():
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            digest.update(str(f.relative_to(p)).encode("utf-8") + b"\0")
            digest.update(_file_digest(f).encode("ascii"))
        return digest.hexdigest()
    return _file_digest(p)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
