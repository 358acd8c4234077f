"""Loading the guardrail policy (``guardrails/policy.yaml``, or the user's copy)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..prompts import NoteLimits
from ..resources import data_dir

POLICY_ENV = "FOLLOWUP_GUARDRAILS"


class PolicyError(Exception):
    """The policy file cannot be used; the message names the file and the problem."""


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_words_error: int = 40
    max_words_error: int = 350
    min_words: int = 80
    max_words: int = 220
    max_subject_chars: int = 78
    max_exclamations: int = 1
    send_within_hours: float = 24
    near_copy_similarity: float = 0.8


class RulePolicy(BaseModel):
    """One rule as the policy file describes it. Lists other than the phrase list stay in ``extra``."""

    model_config = ConfigDict(extra="allow")

    id: str
    check: str
    category: str
    severity: str = Field(pattern="^(error|warning)$")
    message: str
    enabled: bool = True
    unless_in_facts: bool = False
    phrases: list[str] = Field(default_factory=list)

    _patterns: dict[str, re.Pattern[str] | None] = PrivateAttr(default_factory=dict)

    def pattern(self, key: str = "phrases") -> re.Pattern[str] | None:
        """The phrase list under ``key`` compiled into one case-insensitive pattern (cached)."""
        if key not in self._patterns:
            phrases = self.phrases if key == "phrases" else self.option(key, [])
            self._patterns[key] = compile_phrases(phrases, f"{self.id}.{key}")
        return self._patterns[key]

    def option(self, key: str, default: Any) -> Any:
        return (self.model_extra or {}).get(key, default)


class Policy(BaseModel):
    limits: Limits = Field(default_factory=Limits)
    rules: list[RulePolicy]
    source: str = ""

    def rule(self, rule_id: str) -> RulePolicy | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def note_limits(self) -> NoteLimits:
        return NoteLimits(self.limits.min_words, self.limits.max_words, self.limits.max_subject_chars)


def compile_phrases(phrases: list[str], where: str) -> re.Pattern[str] | None:
    """One alternation for a phrase list: plain phrases as whole words, ``word*`` for any ending, ``re:`` as is.

    Alternatives that must start at a word boundary are grouped behind a single ``\\b``, so the
    regex engine tries them only where a word starts: this keeps a check well under a millisecond.
    """
    at_word: list[str] = []
    anywhere: list[str] = []
    for phrase in map(str, phrases):
        if phrase.startswith("re:"):
            body = phrase[3:]
            if body.startswith(r"\b"):
                at_word.append(f"(?:{body[2:]})")
            else:
                anywhere.append(f"(?:{body})")
            continue
        escaped = re.escape(phrase.strip()).replace(r"\ ", r"\s+")
        if escaped.endswith(r"\*"):
            escaped = escaped[:-2] + r"\w*"
        right = r"\b" if escaped[-1:].isalnum() or escaped.endswith(r"\w*") else ""
        (at_word if phrase[:1].isalnum() else anywhere).append(escaped + right)
    parts = ([rf"\b(?:{'|'.join(at_word)})"] if at_word else []) + anywhere
    if not parts:
        return None
    try:
        return re.compile("|".join(parts), re.IGNORECASE | re.MULTILINE)
    except re.error as error:
        raise PolicyError(f"guardrail policy: {where}: bad pattern: {error}") from None


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy at ``path``, else at $FOLLOWUP_GUARDRAILS, else the shipped one. Loaded once per path."""
    chosen = path or os.environ.get(POLICY_ENV) or data_dir("guardrails") / "policy.yaml"
    return _load(str(chosen))


@lru_cache(maxsize=4)
def _load(path: str) -> Policy:
    import yaml

    from ..yamlfile import load_yaml
    from .engine import PANEL_REGISTRY, REGISTRY
    from . import rules  # noqa: F401  (registers the checks the policy names)

    file = Path(path)
    if file.is_dir():
        file = file / "policy.yaml"
    try:
        data = load_yaml(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"{file}: guardrail policy not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PolicyError(f"{file}: cannot read the guardrail policy: {str(error).splitlines()[0]}") from None
    try:
        policy = Policy.model_validate({**(data or {}), "source": str(file)})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"{file}: {where}: {first['msg']}") from None
    for rule_policy in policy.rules:
        for key, value in (rule_policy.model_extra or {}).items():
            if isinstance(value, list) and not all(isinstance(item, str) for item in value):
                odd = next(item for item in value if not isinstance(item, str))
                raise PolicyError(f"{file}: rule {rule_policy.id!r}: {key}: {odd!r} is not text; put it in quotes")
        if rule_policy.check not in REGISTRY and rule_policy.check not in PANEL_REGISTRY:
            raise PolicyError(f"{file}: rule {rule_policy.id!r}: unknown check {rule_policy.check!r}")
        rule_policy.pattern()  # compile now, so a bad pattern is reported at load time
    policy.rules = [r for r in policy.rules if r.enabled]
    return policy
