"""Scoring the guardrails on labelled notes: per-category recall and the false-positive rate.

A labelled note says whether it must pass or which category it must fail. A failing note is
caught when the guardrails report an error of its category; a passing note is a false
positive when the guardrails report any error at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .facts import Facts, find_interviewer, load_facts
from .guardrails import Policy, check_note, errors_in
from .notes import Note

LABELLED_DIR = Path("evals") / "labelled"


class LabelledNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    facts: str
    to: str
    label: str  # "pass" or the category the note must fail
    rule: str | None = None
    why: str = ""
    subject: str
    body: str


@dataclass
class Miss:
    id: str
    label: str
    rule: str | None
    found: list[str]  # "category/rule" of the errors reported


@dataclass
class LabelledScore:
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    caught: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    passing: int = 0
    false_positives: int = 0
    misses: list[Miss] = field(default_factory=list)

    def recall(self, category: str) -> float:
        return self.caught[category] / self.total[category] if self.total[category] else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / self.passing if self.passing else 0.0

    @property
    def categories(self) -> list[str]:
        return sorted(self.total)


def load_labelled(folder: Path = LABELLED_DIR) -> list[tuple[LabelledNote, Facts]]:
    from .yamlfile import load_yaml

    entries = [entry for file in sorted(folder.glob("notes*.yaml"))
               for entry in load_yaml(file.read_text(encoding="utf-8"))]
    cache: dict[str, Facts] = {}
    loaded = []
    for entry in entries:
        note = LabelledNote.model_validate(entry)
        if note.facts not in cache:
            cache[note.facts] = load_facts(folder / "facts" / note.facts)
        loaded.append((note, cache[note.facts]))
    return loaded


def score_labelled(folder: Path = LABELLED_DIR, policy: Policy | None = None) -> LabelledScore:
    """Run the guardrails over every labelled note and count what they catch and wrongly flag."""
    score = LabelledScore()
    for labelled, facts in load_labelled(folder):
        interviewer = find_interviewer(facts, labelled.to)
        # Timeliness depends on today's date, not on the note: check as of the interview's end.
        now = facts.interview.ended_at
        result = check_note(Note(subject=labelled.subject, body=labelled.body), facts, interviewer, policy=policy, now=now)
        errors = errors_in(result.violations)
        found = [f"{v.category}/{v.rule}" for v in errors]
        if labelled.label == "pass":
            score.passing += 1
            if errors:
                score.false_positives += 1
                score.misses.append(Miss(labelled.id, labelled.label, None, found))
            continue
        score.total[labelled.label] += 1
        if any(v.category == labelled.label for v in errors):
            score.caught[labelled.label] += 1
        else:
            score.misses.append(Miss(labelled.id, labelled.label, labelled.rule, found))
    return score
