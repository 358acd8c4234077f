"""Markdown: To, Subject and the body, ready to read or paste."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..facts import written_name
from ..textsafety import clean_line, clean_text
from . import Format

if TYPE_CHECKING:
    from ..drafting import Draft
    from ..facts import Facts


def render(draft: Draft, facts: Facts) -> bytes:
    return f"**To:** {clean_line(written_name(draft.to))}\n**Subject:** {clean_line(draft.subject)}\n\n{clean_text(draft.body)}\n".encode()


FORMAT = Format(suffix=".md", render=render)
