"""A thank-you note: a subject line and a body."""

from __future__ import annotations

import re

from pydantic import BaseModel

_WORD = re.compile(r"[^\W_][\w'’%.\-]*")


class Note(BaseModel):
    subject: str
    body: str

    def as_text(self) -> str:
        return f"Subject: {self.subject}\n\n{self.body}"


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def parse_note_text(text: str) -> Note:
    """Read a note written as text: an optional ``Subject:`` line, then the body."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    if first.lower().startswith("subject:"):
        return Note(subject=first.split(":", 1)[1].strip(), body=rest.strip())
    return Note(subject="", body=stripped)
