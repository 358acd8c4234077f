"""Guardrails: rules that every note must pass, with the policy kept as data in ``guardrails/``.

``check_note`` runs every enabled rule on one note and returns its violations, errors first.
A rule is a small function registered in :mod:`followup.guardrails.rules`; what it looks for
(phrase lists, thresholds, severity, on/off) comes from the policy file.
"""

from __future__ import annotations

from .engine import CheckContext, Violation, check_note, check_panel, check_pasted, errors_in, passes
from .loading import load_policy
from .policy import Policy

__all__ = [
    "CheckContext",
    "Policy",
    "Violation",
    "check_note",
    "check_panel",
    "check_pasted",
    "errors_in",
    "load_policy",
    "passes",
]
