"""JSON: one draft as ``--json`` shows it (design.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from . import Format

if TYPE_CHECKING:
    from ..drafting import Draft
    from ..facts import Facts


def render(draft: Draft, facts: Facts) -> bytes:
    return (json.dumps(draft.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n").encode()


FORMAT = Format(suffix=".json", render=render)
