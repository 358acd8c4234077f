"""Training the tone models of ``tone.py`` from the labelled corpus (``evals/labelled``).

Which sentence of a failing note is the bad one, the corpus does not say; the phrase rules do:
a sentence holding an error of the category is a failing example. Sentences of good notes, and
of notes that fail some other category (specificity, grounding, structure: written well
otherwise), are the passing examples. Unflagged sentences of a failing note are left out: the
label is unknown there. The learned rules themselves never label their own training data.

Training is plain stochastic gradient descent on the logistic loss, seeded, with the classes
weighted alike: a few hundred failing sentences against a few thousand good ones.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..evals import LABELLED_DIR, LabelledNote, find_interviewer, load_labelled
from ..facts import Facts
from ..notes import Note
from .checks import CheckContext
from .engine import check_note
from .loading import load_policy
from .policy import Policy
from .tone import ToneModel, message_sentences, sentence_features

# Professionalism was tried too: on three blind batches its model caught one failing note the phrase
# rules missed and flagged four good ones (pay, criticism and romance are said too many ways for
# a few hundred sentences to teach), so it is not shipped.
TONE_CATEGORIES = ("positivity",)
EPOCHS = 10
LEARNING_RATE = 0.1
SEEDS = 5
L2 = 0.01  # strong: without it the model is sure of itself on words it saw once, and flags good notes


@dataclass(frozen=True)
class Sentence:
    source: str  # the corpus file it comes from, for holding a whole batch out
    note_id: str
    label: str  # the note's label: pass or the category it fails
    failed: frozenset[str]  # categories the phrase rules report an error of in this sentence
    features: frozenset[str]


def corpus_sentences(folder: Path = LABELLED_DIR, policy: Policy | None = None) -> list[Sentence]:
    """Every scored sentence of every labelled note, with what the phrase rules find in it."""
    policy = policy or load_policy()
    phrase_policy = policy.model_copy(update={"rules": [r for r in policy.rules if r.check != "learned_tone"]})
    found = []
    for labelled, facts, source in _labelled_with_source(folder):
        interviewer = find_interviewer(facts, labelled.to)
        note = Note(subject=labelled.subject, body=labelled.body)
        result = check_note(note, facts, interviewer, policy=phrase_policy, now=facts.interview.ended_at, pasted=True)
        errors = [v for v in result.violations if v.severity == "error" and v.field == "body"]
        context = CheckContext(note, facts, interviewer, None, phrase_policy, True)
        masked: dict[str, str] = {}
        for sentence in message_sentences(context):
            start, end = sentence.start, sentence.end
            failed = frozenset(v.category for v in errors if v.start < end and v.end > start)
            found.append(Sentence(source, labelled.id, labelled.label, failed,
                                  frozenset(sentence_features(sentence.words, context.fact_vocabulary, masked))))
    return found


def _labelled_with_source(folder: Path) -> Iterable[tuple[LabelledNote, Facts, str]]:
    for file in sorted(folder.glob("notes*.yaml")):
        for labelled, facts in load_labelled(folder, file.name):
            yield labelled, facts, file.name


def examples_for(category: str, sentences: Iterable[Sentence]) -> list[tuple[frozenset[str], int]]:
    """(features, 1 if the sentence fails ``category``) for the sentences whose label is known.

    A note of the category where no phrase rule points at a sentence teaches nothing: guessing its
    failing sentence with a first model (tried) caught no more held-out notes and flagged more good ones."""
    chosen = []
    for sentence in sentences:
        if sentence.label in TONE_CATEGORIES and not sentence.failed:
            continue  # a sentence of a badly toned note the rules did not point at: unknown
        if sentence.failed and category not in sentence.failed:
            continue  # fails another category: neither side
        chosen.append((sentence.features, int(category in sentence.failed)))
    return chosen


def train(examples: list[tuple[frozenset[str], int]], seeds: int = SEEDS) -> ToneModel:
    """The average of ``seeds`` models, each trained on the examples in another order.

    Averaging steadies what one pass of stochastic descent leaves to chance (which rare words
    end up weighted); a mean of linear models is one linear model, so scoring costs the same."""
    models = [_train_once(examples, seed) for seed in range(seeds)]
    weights: defaultdict[str, float] = defaultdict(float)
    for model in models:
        for feature, weight in model.weights.items():
            weights[feature] += weight / seeds
    return ToneModel(dict(weights), sum(model.bias for model in models) / seeds)


def _train_once(examples: list[tuple[frozenset[str], int]], seed: int) -> ToneModel:
    weights: defaultdict[str, float] = defaultdict(float)
    bias = 0.0
    failing = sum(label for _, label in examples)
    if failing in (0, len(examples)):
        raise ValueError("training needs sentences on both sides")
    class_weight = {1: len(examples) / (2 * failing), 0: len(examples) / (2 * (len(examples) - failing))}
    order = sorted(examples, key=lambda example: (sorted(example[0]), example[1]))
    shuffler = random.Random(seed)
    for epoch in range(EPOCHS):
        shuffler.shuffle(order)
        step = LEARNING_RATE / (1 + 0.2 * epoch)
        for features, label in order:
            score = max(-30.0, min(30.0, bias + sum(weights[f] for f in features)))
            gradient = (1.0 / (1.0 + math.exp(-score)) - label) * class_weight[label]
            for feature in features:
                weights[feature] -= step * (gradient + L2 * weights[feature])
            bias -= step * gradient
    return ToneModel(dict(weights), bias)


@dataclass
class HeldOut:
    """One corpus file scored by a model trained on all the others."""

    source: str
    caught: int
    failing: int
    flagged_good: int
    good: int


def cross_validate(category: str, threshold: float, sentences: list[Sentence]) -> list[HeldOut]:
    """Hold each blind batch out in turn: how the model does on notes written by people it never read."""
    results = []
    for source in sorted({s.source for s in sentences}):
        model = train(examples_for(category, [s for s in sentences if s.source != source]))
        highest: dict[str, float] = {}
        labels: dict[str, str] = {}
        for sentence in (s for s in sentences if s.source == source):
            labels[sentence.note_id] = sentence.label
            highest[sentence.note_id] = max(highest.get(sentence.note_id, 0.0), model.probability(set(sentence.features)))
        flagged = {note for note, p in highest.items() if p >= threshold}
        results.append(HeldOut(
            source,
            caught=sum(1 for note, label in labels.items() if label == category and note in flagged),
            failing=sum(1 for label in labels.values() if label == category),
            flagged_good=sum(1 for note, label in labels.items() if label == "pass" and note in flagged),
            good=sum(1 for label in labels.values() if label == "pass"),
        ))
    return results
