"""A learned reading of tone: how likely a sentence of a note is to fail positivity.

Phrase lists catch the words someone listed. Batches of notes written by strangers showed they
miss the same intent said in other words: a deadline from a landlord rather than from another
offer, a crew's schedule planned before any offer, a dig at a video interview. This check scores
each sentence with a small logistic model trained on the labelled corpus by
``scripts/train_tone_model.py``. Its features are the sentence's words, word pairs and stems, with
the facts' own words and every number masked, so it learns how a sentence is said, not what the
interview was about. Scoring is a dictionary lookup per feature: linear in the note's length.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from ..resources import data_dir
from .checks import CheckContext, Violation, rule
from .policy import RulePolicy, Text
from .rules import _violation
from .text import SENTENCE_END, STOPWORDS, Token, Vocabulary, stem

FACT = "<fact>"  # a word the facts use: the topic, not the tone
NUMBER = "<number>"
MIN_WORDS = 3  # shorter pieces ("Dear Dana,", "Thanks again!") carry no tone worth scoring


@dataclass(frozen=True)
class MessageSentence:
    start: int
    end: int
    words: list[Token]


def message_sentences(context: CheckContext) -> list[MessageSentence]:
    """The sentences of the body between the greeting and the sign-off that have enough words,
    each with its words (the note's tokens, made once for every rule)."""
    body = context.note.body
    start = context.greeting.end if context.greeting else 0
    end = max(start, context.signoff_start)
    bounds = [start, *(mark.end() for mark in SENTENCE_END.finditer(body, start, end)), end]
    words = context.body_tokens
    offsets = [token.start for token in words]
    found = []
    for first, last in itertools.pairwise(bounds):
        inside = words[bisect.bisect_left(offsets, first):bisect.bisect_left(offsets, last)]
        if len(inside) >= MIN_WORDS:
            found.append(MessageSentence(first, last, inside))
    return found


def sentence_features(words: list[Token], vocabulary: Vocabulary | None,
                      masked: dict[str, str] | None = None) -> set[str]:
    """The words, adjacent word pairs and stems of a sentence, facts' words and numbers masked.

    ``masked``: what each word was masked to, kept across the sentences of one note."""
    masked = {} if masked is None else masked
    lowered = []
    for token in words:
        word = masked.get(token.text)
        if word is None:
            word = masked[token.text] = _masked(token, vocabulary)
        lowered.append(word)
    # Words as common as "do" or "not" say something only beside another ("do anything", "not the strongest").
    features = {word for word in lowered if word not in STOPWORDS}
    features.update(f"{first} {second}" for first, second in itertools.pairwise(lowered))
    # Stems join inflections ("apologise", "apologising"); a stem this short joins unrelated words ("off" of "offer").
    features.update("~" + root for root in map(stem, features & set(lowered)) if len(root) >= 4 and not root.startswith("<"))
    return features


def _masked(token: Token, vocabulary: Vocabulary | None) -> str:
    word = token.lower
    if _DIGIT.search(word):
        return NUMBER
    if vocabulary is not None and word not in STOPWORDS and (word in vocabulary.names or vocabulary.knows(token.text)):
        return FACT
    return word


_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class ToneModel:
    """Feature weights and a bias: the log-odds that a sentence fails the category."""

    weights: dict[str, float]
    bias: float

    def probability(self, features: set[str]) -> float:
        score = self.bias + sum(self.weights.get(feature, 0.0) for feature in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def to_json(self, **about: object) -> str:
        return json.dumps({**about, "bias": round(self.bias, 4),
                           "weights": {k: round(v, 4) for k, v in sorted(self.weights.items()) if abs(v) >= 0.0005}},
                          ensure_ascii=False, indent=0)


@lru_cache(maxsize=8)
def load_model(path: str) -> ToneModel:
    from .policy import PolicyError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return ToneModel({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise PolicyError(f"{path}: not a tone model ({type(error).__name__}: {error})") from None


class ToneRule(RulePolicy):
    # The model file: a path beside the policy file, else one in the shipped guardrails folder.
    model: str
    # A sentence at or above this probability is a violation. Lower catches more and flags more good notes.
    threshold: float = Field(0.95, gt=0.0, lt=1.0)
    # Sentences holding one of these phrases are not scored: what a bag of words cannot tell apart
    # ("my first week at my current job" is the candidate's past, not a presumed start).
    unless: list[Text] = Field(default_factory=list)

    def compile(self) -> None:
        self.pattern("unless")

    def model_path(self, policy_source: str) -> Path:
        return _model_path(self.model, policy_source)


@lru_cache(maxsize=8)
def _model_path(model: str, policy_source: str) -> Path:
    """Resolved once per policy, not looked up on disk for every note checked."""
    beside = Path(policy_source).parent / model if policy_source else None
    if beside is not None and beside.is_file():
        return beside
    return data_dir("guardrails") / model


@rule("learned_tone", options=ToneRule)
def learned_tone(context: CheckContext, policy: ToneRule) -> Iterator[Violation]:
    """Each sentence the rule's model scores at or above its threshold."""
    model = load_model(str(policy.model_path(context.policy.source)))
    vocabulary = context.fact_vocabulary if context.facts is not None else None
    body = context.note.body
    unless = policy.pattern("unless")
    masked: dict[str, str] = {}
    for sentence in message_sentences(context):
        text = body[sentence.start:sentence.end]
        if unless is not None and unless.search(text):
            continue
        if model.probability(sentence_features(sentence.words, vocabulary, masked)) >= policy.threshold:
            start = sentence.start + len(text) - len(text.lstrip())
            end = sentence.end - (len(text) - len(text.rstrip()))
            yield _violation(context, policy, start, end)
