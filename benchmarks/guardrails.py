"""How long the guardrails take: per note over every labelled note, and on notes of 1k to 40k words.

Run: python benchmarks/guardrails.py   (targets: well under 2 ms per note on the project's 2-core
machine, and time that grows linearly with the note's length: each doubling about doubles it)
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
from followup.notes import Note, count_words  # noqa: E402

ROUNDS = 20
LONG_NOTE_WORDS = (1_000, 5_000, 20_000, 40_000)


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
    long_notes(cases, policy)


def long_notes(cases: list, policy) -> None:  # type: ignore[type-arg]
    """Notes made of the labelled notes' own sentences, and of capitalised words (the case that was quadratic)."""
    note, facts, person = cases[0]
    prose = " ".join(n.body.replace("\n", " ") for n, _, _ in cases)
    capitalised = " ".join(f"Word{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}" for i in range(676))
    for kind, filler in (("prose", prose), ("capitalised words", capitalised)):
        print(f"{kind}:")
        previous = None
        for words in LONG_NOTE_WORDS:
            body = _note_of(filler, words, note.body)
            start = time.perf_counter()
            check_note(Note(subject=note.subject, body=body), facts, person, policy=policy)
            seconds = time.perf_counter() - start
            ratio = f", x{seconds / previous[1]:.1f} for x{words / previous[0]:.0f} the words" if previous else ""
            print(f"  {count_words(body):>6} words: {seconds * 1000:8.1f} ms{ratio}")
            previous = (words, seconds)


def _note_of(filler: str, words: int, around: str) -> str:
    """``around`` (a real note) with its middle padded to about ``words`` words of ``filler``."""
    pieces = filler.split()
    padding = " ".join(pieces[i % len(pieces)] for i in range(words))
    greeting, _, rest = around.partition("\n")
    return f"{greeting}\n{padding}\n{rest}"


if __name__ == "__main__":
    main()
