"""Phrase lists compiled for speed: every phrase list of every rule runs on every note checked.

Phrases that must start a word are grouped behind one ``\\b`` and a look-ahead for their first
characters, so the regex engine tries them only where a word could match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

try:
    from re import _parser  # the standard library's own regex parser
except ImportError:  # pragma: no cover - a Python without it: no look-ahead, same matches
    _parser = None  # type: ignore[assignment]

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
                if self.exact is None:  # one kind only: its matches are already in order, none overlap
                    yield from self.folded.finditer(lowered)
                    return
                found += self.folded.finditer(lowered)
            else:
                found += re.compile(self.folded.pattern, re.IGNORECASE | re.MULTILINE).finditer(text)
        elif self.exact is not None:
            yield from self.exact.finditer(text)
            return
        if self.exact is not None:
            found += self.exact.finditer(text)
        end = -1
        for match in sorted(found, key=lambda m: m.start()):
            if match.start() >= end:
                end = match.end()
                yield match

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


def compile_phrases(phrases: list[str]) -> PhraseMatcher | None:
    """A phrase list as regular expressions: plain phrases as whole words, ``word*`` for any ending, ``re:`` as is.

    Raises ``re.error`` for a bad ``re:`` pattern (the policy names the rule and list).
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
    matcher = PhraseMatcher(_alternation(folded, re.MULTILINE), _alternation(exact, re.IGNORECASE | re.MULTILINE))
    return matcher if matcher.folded or matcher.exact else None


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


# --- reading the parsed patterns ---------------------------------------------------------


def _parsed(pattern: str) -> list | None:  # type: ignore[type-arg]
    try:
        return _parser.parse(pattern).data if _parser is not None else None
    except Exception:  # noqa: BLE001 - anything unexpected: treated as unknown, same matches
        return None


def _first_characters(patterns: list[str]) -> set[str]:
    """Every character a match of one of ``patterns`` can start with; empty when that is not known."""
    found: set[str] = set()
    for pattern in patterns:
        items = _parsed(pattern)
        starts = _starts(items) if items is not None else None
        if starts is None or starts[1]:
            return set()
        found |= starts[0]
    return found


def _starts(items: list) -> tuple[set[str], bool] | None:  # type: ignore[type-arg]
    """(first characters, whether it can match empty) of a parsed pattern; None when unknown."""
    constants = _parser  # the opcodes are importable from the parser module
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
            starts = _starts(branch)
            if starts is None:
                return None
            found |= starts[0]
            may_be_empty = may_be_empty or starts[1]
        if not may_be_empty:
            return found, False
    return found, True
