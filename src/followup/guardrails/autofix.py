"""Mechanical fixes made before re-asking the model: cheap, safe and checked again afterwards.

Each fix belongs to the rule that flags what it removes (``@rule(..., fix=...)`` in ``rules.py``),
and uses that rule's own pattern, so whatever the rule flags its fix removes.
"""

from __future__ import annotations

from ..notes import Note
from .checks import REGISTRY
from .loading import load_policy
from .policy import Policy


def autofix(note: Note, policy: Policy | None = None) -> tuple[Note, bool]:
    """The fixes of the policy's enabled rules ("!!" to "!", one "!" kept, emoji dropped). Returns (note, changed)."""
    policy = policy or load_policy()
    fixed = note
    for rule_policy in policy.rules:
        spec = REGISTRY.get(rule_policy.check)
        if spec is not None and spec.fix is not None:
            fixed = spec.fix(fixed, policy)
    return fixed, fixed != note
