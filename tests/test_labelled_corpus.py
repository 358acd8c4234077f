"""The guardrails against the labelled notes in evals/labelled/: recall per category and false positives."""

from __future__ import annotations


import yaml

from followup.evals import score_labelled
from conftest import REPO_ROOT

THRESHOLDS = yaml.safe_load((REPO_ROOT / "evals" / "thresholds.yaml").read_text())["guardrails"]


def test_corpus_is_big_and_balanced_enough() -> None:
    score = score_labelled(REPO_ROOT / "evals" / "labelled")
    failing = sum(score.total.values())
    assert score.passing + failing >= 80
    assert 0.3 <= score.passing / (score.passing + failing) <= 0.5
    assert set(score.categories) == {"professionalism", "positivity", "specificity", "grounding", "structure"}


def test_recall_per_category_and_false_positive_rate_meet_the_thresholds() -> None:
    score = score_labelled(REPO_ROOT / "evals" / "labelled")
    misses = "\n".join(f"{m.id} ({m.label}/{m.rule}): found {m.found}" for m in score.misses)
    for category in score.categories:
        assert score.recall(category) >= THRESHOLDS["min_recall"], f"{category} recall too low:\n{misses}"
    assert score.false_positive_rate <= THRESHOLDS["max_false_positive_rate"], f"false positives:\n{misses}"
