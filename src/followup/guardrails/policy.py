"""Loading the guardrail policy (``guardrails/policy.yaml``, or the user's copy)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..errors import InputError
from ..prompts import NoteLimits
from ..resources import data_dir

POLICY_ENV = "FOLLOWUP_GUARDRAILS"


class PolicyError(InputError):
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

    _patterns: dict[str, PhraseMatcher | None] = PrivateAttr(default_factory=dict)

    def pattern(self, key: str = "phrases") -> PhraseMatcher | None:
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


_ESCAPE = re.compile(r"\\.")


@lru_cache(maxsize=64)
def _lower(text: str) -> str:
    """The text lower-cased, once per text: every phrase list of every rule runs on it (and on
    the sentences the ``together`` lists look inside, so room for a few dozen)."""
    return text.lower()


class PhraseMatcher:
    """A compiled phrase list. Case-blind phrases run on the lower-cased text without
    ``re.IGNORECASE``, which is several times faster; phrases that care about case
    (``(?-i:...)``, capitals in a pattern) run on the text as written."""

    def __init__(self, folded: re.Pattern[str] | None, exact: re.Pattern[str] | None) -> None:
        self.folded, self.exact = folded, exact

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches in text order; where the two kinds overlap, the first one found is kept, as one regex would."""
        found: list[re.Match[str]] = []
        if self.folded is not None:
            lowered = _lower(text)
            if len(lowered) == len(text):  # offsets still line up with the text
                found += self.folded.finditer(lowered)
            else:
                found += re.compile(self.folded.pattern, re.IGNORECASE | re.MULTILINE).finditer(text)
        if self.exact is not None:
            found += self.exact.finditer(text)
        end = -1
        for match in sorted(found, key=lambda m: m.start()):
            if match.start() >= end:
                end = match.end()
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


def compile_phrases(phrases: list[str], where: str) -> PhraseMatcher | None:
    """A phrase list as regular expressions: plain phrases as whole words, ``word*`` for any ending, ``re:`` as is.

    Alternatives that must start at a word boundary are grouped behind a single ``\\b``, so the
    regex engine tries them only where a word starts: this keeps a check well under a millisecond.
    """
    folded: list[str] = []
    exact: list[str] = []
    for phrase in map(str, phrases):
        if phrase.startswith("re:"):
            body = phrase[3:]
            cares_about_case = "(?-i:" in body or any(c.isupper() for c in _ESCAPE.sub("", body))
            (exact if cares_about_case else folded).append(body)
            continue
        escaped = re.escape(phrase.strip().lower()).replace(r"\ ", r"\s+")
        if escaped.endswith(r"\*"):
            escaped = escaped[:-2] + r"\w*"
        left = r"\b" if phrase[:1].isalnum() else ""
        right = r"\b" if escaped[-1:].isalnum() or escaped.endswith(r"\w*") else ""
        folded.append(left + escaped + right)
    try:
        return PhraseMatcher(_alternation(folded, re.MULTILINE), _alternation(exact, re.IGNORECASE | re.MULTILINE))
    except re.error as error:
        raise PolicyError(f"guardrail policy: {where}: bad pattern: {error}") from None


def _alternation(parts: list[str], flags: int) -> re.Pattern[str] | None:
    at_word = [p[2:] for p in parts if p.startswith(r"\b")]
    anywhere = [p for p in parts if not p.startswith(r"\b")]
    # A look-ahead for the characters the phrases can start with lets most word starts fail at
    # once instead of trying every phrase there: about a third off the time of a long list.
    starts = _first_characters(at_word)
    look = f"(?=[{''.join(re.escape(c) for c in sorted(starts))}])" if starts else ""
    groups = ([rf"\b{look}(?:{'|'.join(f'(?:{p})' for p in at_word)})"] if at_word else [])
    groups += [f"(?:{p})" for p in anywhere]
    return re.compile("|".join(groups), flags) if groups else None


def _first_characters(patterns: list[str]) -> set[str]:
    """Every character a match of one of ``patterns`` can start with; empty when that is not known."""
    try:
        from re import _parser  # the standard library's own regex parser
    except ImportError:  # pragma: no cover - a Python without it: no look-ahead, same matches
        return set()
    found: set[str] = set()
    for pattern in patterns:
        try:
            starts = _starts(_parser.parse(pattern).data, _parser)
        except Exception:  # noqa: BLE001 - anything unexpected: no look-ahead, same matches
            return set()
        if starts is None or starts[1]:
            return set()
        found |= starts[0]
    return found


def _starts(items: list, parser) -> tuple[set[str], bool] | None:  # type: ignore[type-arg]
    """(first characters, whether it can match empty) of a parsed pattern; None when unknown."""
    constants = parser  # the opcodes are importable from the parser module
    found: set[str] = set()
    for op, value in items:
        if op in (constants.AT, constants.ASSERT_NOT):
            continue  # zero-width: look at what follows
        if op is constants.LITERAL:
            return found | {chr(value)}, False
        if op is constants.IN:
            for kind, item in value:
                if kind is constants.LITERAL:
                    found.add(chr(item))
                elif kind is constants.RANGE and item[1] - item[0] <= 128:
                    found.update(chr(c) for c in range(item[0], item[1] + 1))
                else:
                    return None
            return found, False
        if op is constants.SUBPATTERN:
            branches = [value[-1].data]
        elif op is constants.BRANCH:
            branches = [branch.data for branch in value[1]]
        elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
            branches = [value[2].data]
        else:
            return None
        may_be_empty = op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and value[0] == 0
        for branch in branches:
            starts = _starts(branch, parser)
            if starts is None:
                return None
            found |= starts[0]
            may_be_empty = may_be_empty or starts[1]
        if not may_be_empty:
            return found, False
    return found, True


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy at ``path``, else at $FOLLOWUP_GUARDRAILS, else the shipped one. Loaded once per path."""
    chosen = path or os.environ.get(POLICY_ENV) or data_dir("guardrails") / "policy.yaml"
    return _load(str(chosen))


MAX_POLICY_BYTES = 1_000_000


@lru_cache(maxsize=4)
def _load(path: str) -> Policy:
    import yaml

    from ..files import UnreadableFile, read_bounded
    from ..yamlfile import load_yaml
    from . import rules  # noqa: F401  (registers the checks the policy names)
    from .engine import PANEL_REGISTRY, REGISTRY

    file = Path(path)
    if file.is_dir():
        file = file / "policy.yaml"
    try:
        data = load_yaml(read_bounded(file, MAX_POLICY_BYTES).decode("utf-8"))
    except UnreadableFile as error:  # missing, a device or FIFO (FOLLOWUP_GUARDRAILS=/dev/zero), too long
        raise PolicyError(f"guardrail policy: {error}") from None
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
