"""Retrain the tone models the learned_tone rules read (guardrails/tone/*.json) from evals/labelled.

Run it after labelled notes are added or the phrase rules change (they point at the failing
sentences): python scripts/train_tone_model.py. A test checks the shipped models are what this
script makes from the corpus as it is.
"""

from pathlib import Path

from followup.guardrails.tone_training import (
    TONE_CATEGORIES,
    corpus_sentences,
    examples_for,
    train,
)
from followup.resources import data_dir


def main() -> None:
    sentences = corpus_sentences()
    for category in TONE_CATEGORIES:
        examples = examples_for(category, sentences)
        model = train(examples)
        target: Path = data_dir("guardrails") / "tone" / f"{category}.json"
        failing = sum(label for _, label in examples)
        target.write_text(model.to_json(
            about=f"Learned tone model for {category}: made by scripts/train_tone_model.py from evals/labelled; "
                  "do not edit by hand.",
            sentences=len(examples), failing_sentences=failing) + "\n", encoding="utf-8")
        print(f"{target}: {len(model.weights)} weights from {len(examples)} sentences ({failing} failing)")


if __name__ == "__main__":
    main()
