"""How the learned tone models do on notes they never saw: each labelled file held out in turn.

Run: python benchmarks/tone_cv.py   (a few minutes: two models trained per file held out)

For each file of evals/labelled, the models are trained on all the others and score the held-out
file's notes; a note is flagged when one of its sentences reaches the threshold. The learned model
alone is measured here, without the phrase rules, at the policy's threshold and one below it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from followup.guardrails import load_policy
from followup.guardrails.tone_training import (
    TONE_CATEGORIES,
    corpus_sentences,
    cross_validate,
)


def main() -> None:
    sentences = corpus_sentences()
    thresholds = {r.category: r.threshold for r in load_policy().rules if r.check == "learned_tone"}  # type: ignore[attr-defined]
    for category in TONE_CATEGORIES:
        for threshold in (thresholds[category], round(thresholds[category] - 0.05, 2)):
            held_out = cross_validate(category, threshold, sentences)
            caught, failing = sum(h.caught for h in held_out), sum(h.failing for h in held_out)
            flagged, good = sum(h.flagged_good for h in held_out), sum(h.good for h in held_out)
            print(f"{category} at {threshold}: caught {caught} of {failing} failing notes ({caught / failing:.2f}), "
                  f"flagged {flagged} of {good} good notes")
            for h in held_out:
                print(f"  {h.source:<14} caught {h.caught:>2}/{h.failing:<2}  good flagged {h.flagged_good}/{h.good}")


if __name__ == "__main__":
    main()
