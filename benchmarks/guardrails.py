"""How long the guardrails take per note, over every labelled note and every offline draft.

Run: python benchmarks/guardrails.py   (target: well under 2 ms per note on the project's 2-core machine)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from followup.evals import load_labelled  # noqa: E402
from followup.facts import find_interviewer  # noqa: E402
from followup.guardrails import check_note, load_policy  # noqa: E402
from followup.notes import Note  # noqa: E402

ROUNDS = 20


def main() -> None:
    policy = load_policy()
    cases = [
        (Note(subject=n.subject, body=n.body), facts, find_interviewer(facts, n.to))
        for n, facts in load_labelled(ROOT / "evals" / "labelled")
    ]
    for note, facts, person in cases:  # warm caches (stemmer, compiled patterns)
        check_note(note, facts, person, policy=policy)
    per_note = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for note, facts, person in cases:
            check_note(note, facts, person, policy=policy)
        per_note.append((time.perf_counter() - start) / len(cases) * 1000)
    rules = len([r for r in policy.rules])
    median = statistics.median(per_note)
    print(f"notes checked: {len(cases)} x {ROUNDS} rounds, {rules} rules")
    print(f"per note: median {median:.3f} ms, best {min(per_note):.3f} ms, worst {max(per_note):.3f} ms")
    print(f"per rule per note: {median / rules * 1000:.1f} µs")
    print("target: < 2 ms per note:", "met" if median < 2 else "NOT met")


if __name__ == "__main__":
    main()
