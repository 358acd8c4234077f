"""Output formats as plug-ins: each renders one draft as the bytes of one file.

A format is a module with a ``FORMAT`` (a :class:`Format`). The built-in ones are named in
``BUILTIN``, one line each; other packages add theirs under the ``followup.formats`` entry-point
group (``name = "package.module"``), as flake8 finds its formatters. ``write_files`` writes the
drafts of a run in the chosen formats, never overwriting and never raising.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from ..drafting import Draft
    from ..facts import Facts

BUILTIN = {
    "md": "followup.formats.md",
    "eml": "followup.formats.eml",
    "json": "followup.formats.json",
}
DEFAULT = "md,eml"
ENTRY_POINT_GROUP = "followup.formats"


def _never_skip(draft: Draft) -> str | None:
    return None


@dataclass(frozen=True)
class Format:
    """``render(draft, facts)`` gives the file's bytes; ``skip(draft)`` says why a draft gets no file (or None)."""

    suffix: str
    render: Callable[[Draft, Facts], bytes]
    skip: Callable[[Draft], str | None] = _never_skip


class FormatError(InputError, ValueError):
    """An unknown or broken format name; the message is one line naming it."""


def _plugins() -> dict[str, str]:
    from importlib.metadata import entry_points

    return {point.name: point.value for point in entry_points(group=ENTRY_POINT_GROUP)}


def load_format(name: str) -> Format:
    # Plug-ins are looked up only for a name that is not built in: no metadata scan on every run.
    where = BUILTIN.get(name) or _plugins().get(name)
    if where is None:
        known = ", ".join(sorted({*BUILTIN, *_plugins()}))
        raise FormatError(f"--format: no format named {name!r}; choose from: {known}")
    try:
        found = getattr(importlib.import_module(where), "FORMAT")
    except (ImportError, AttributeError) as error:
        raise FormatError(f"--format: the {name!r} format ({where}) cannot be loaded: {error}") from None
    if not isinstance(found, Format):
        raise FormatError(f"--format: {where}.FORMAT is not a followup.formats.Format")
    return found


def choose(spec: str) -> dict[str, Format]:
    """The formats named in ``spec`` ("md,eml"), in order, each once."""
    names = [name.strip().lower() for name in spec.split(",") if name.strip()]
    if not names:
        raise FormatError("--format: name at least one format, e.g. --format md,eml")
    return {name: load_format(name) for name in dict.fromkeys(names)}


@dataclass
class Written:
    """What ``write_files`` did: the files written, drafts a format does not apply to, and what failed."""

    paths: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def write_files(out_dir: Path, facts: Facts, drafts: Sequence[Draft], formats: dict[str, Format]) -> Written:
    """Write ``<slug><suffix>`` per draft and format; a draft a format cannot render is one problem line, and
    the first file that cannot be written is one too, and the last tried."""
    done = Written()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        done.problems.append(f"{out_dir}: cannot write the files ({error.strerror or error})")
        return done
    for draft in drafts:
        for name, chosen in formats.items():
            reason = chosen.skip(draft)
            if reason:
                done.skipped.append(f"no {chosen.suffix} for {draft.to}: {reason}")
                continue
            target = f"{slug(draft.to)}{chosen.suffix}"
            try:
                data = chosen.render(draft, facts)
            except Exception as error:  # a format may be a plug-in: whatever it raises is one line, not a traceback
                done.problems.append(f"{out_dir / target}: cannot write it as {name}: {error}")
                continue
            try:
                done.paths.append(write_new_file(out_dir, slug(draft.to), chosen.suffix, data))
            except OSError as error:
                # What stops one file (a full disk, a folder not writable) stops the rest: one line, not one per file.
                done.problems.append(f"{out_dir / target}: cannot write ({error.strerror or error})")
                return done
    return done


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "interviewer"


def write_new_file(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write atomically under a name not yet taken: stem.md, else stem-2.md, stem-3.md, ..."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{stem}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        for number in range(1, 1000):
            target = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
            try:
                os.link(temp_name, target)  # fails if the target exists: nothing is overwritten
                return target
            except FileExistsError:
                continue
        raise FileExistsError(f"{folder}: too many files named {stem}*{suffix}")
    finally:
        os.unlink(temp_name)
