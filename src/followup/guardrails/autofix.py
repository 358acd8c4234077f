"""Mechanical fixes made before re-asking the model: cheap, safe and checked again afterwards."""

from __future__ import annotations

import re

from ..notes import Note

_EXCLAMATION_RUN = re.compile(r"!{2,}")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF\uFE0F\u200D] ?")


def autofix(note: Note) -> tuple[Note, bool]:
    """Collapse "!!" to "!", keep only the first exclamation mark, drop emoji. Returns (note, changed)."""
    subject = _fix(note.subject, keep_exclamation=False)
    body = _fix(note.body, keep_exclamation=True)
    fixed = Note(subject=subject, body=body)
    return fixed, fixed != note


def _fix(text: str, keep_exclamation: bool) -> str:
    text = _EMOJI.sub("", _EXCLAMATION_RUN.sub("!", text))
    first = text.find("!") if keep_exclamation else -1
    if first == -1:
        return text.replace("!", ".") if "!" in text and not keep_exclamation else text
    return text[: first + 1] + text[first + 1 :].replace("!", ".")
