"""A learned reading of tone: how likely a sentence of a note is to fail positivity or professionalism.

Phrase lists catch the words someone listed. Batches of notes written by strangers showed they
miss the same intent said in other words: a deadline from a landlord rather than from another
offer, a crew's schedule planned before any offer, a dig at a video interview. This check scores
each sentence with a small logistic model trained on the labelled corpus by
``scripts/train_tone_model.py``. Its features are the sentence's words, word pairs and stems, with
the facts' own words and every number masked, so it learns how a sentence is said, not what the
interview was about. Scoring is a dictionary lookup per feature: linear in the note's length.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from ..resources import data_dir
from .checks import CheckContext, Violation, rule
from .policy import RulePolicy
from .rules import _violation
from .text import SENTENCE_END, STOPWORDS, Vocabulary, stem, tokens

FACT = "<fact>"  # a word the facts use: the topic, not the tone
NUMBER = "<number>"
MIN_WORDS = 3  # shorter pieces ("Dear Dana,", "Thanks again!") carry no tone worth scoring


def message_sentences(context: CheckContext) -> list[tuple[int, int]]:
    """Spans of the sentences of the body between the greeting and the sign-off, with enough words."""
    body = context.note.body
    start = context.greeting.end if context.greeting else 0
    end = max(start, context.signoff_start)
    spans, piece = [], start
    for mark in SENTENCE_END.finditer(body, start, end):
        spans.append((piece, mark.end()))
        piece = mark.end()
    spans.append((piece, end))
    return [(a, b) for a, b in spans if len(tokens(body[a:b])) >= MIN_WORDS]


def sentence_features(sentence: str, vocabulary: Vocabulary | None) -> set[str]:
    """The words, adjacent word pairs and stems of ``sentence``, facts' words and numbers masked."""
    words = []
    for token in tokens(sentence):
        word = token.lower
        if any(character.isdigit() for character in word):
            word = NUMBER
        elif vocabulary is not None and word not in STOPWORDS and (word in vocabulary.names or vocabulary.knows(token.text)):
            word = FACT
        words.append(word)
    # Words as common as "do" or "not" say something only beside another ("do anything", "not the strongest").
    features = {word for word in words if word not in STOPWORDS}
    features.update(f"{first} {second}" for first, second in itertools.pairwise(words))
    # Stems join inflections ("apologise", "apologising"); a stem this short joins unrelated words ("off" of "offer").
    features.update("~" + root for root in map(stem, features & set(words)) if len(root) >= 4 and not root.startswith("<"))
    return features


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

    def model_path(self, policy_source: str) -> Path:
        beside = Path(policy_source).parent / self.model if policy_source else None
        if beside is not None and beside.is_file():
            return beside
        return data_dir("guardrails") / self.model


@rule("learned_tone", options=ToneRule)
def learned_tone(context: CheckContext, policy: ToneRule) -> Iterator[Violation]:
    """Each sentence the rule's model scores at or above its threshold."""
    model = load_model(str(policy.model_path(context.policy.source)))
    vocabulary = context.fact_vocabulary if context.facts is not None else None
    body = context.note.body
    for start, end in message_sentences(context):
        if model.probability(sentence_features(body[start:end], vocabulary)) >= policy.threshold:
            text = body[start:end]
            start += len(text) - len(text.lstrip())
            end -= len(text) - len(text.rstrip())
            yield _violation(context, policy, start, end)
