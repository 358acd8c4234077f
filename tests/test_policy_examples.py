"""Every rule's own examples from the policy file: the notes it must flag and those it must let through.

A rule added to ``guardrails/policy.yaml`` with ``examples`` is tested here with no code. An example
that is a string is a sentence put in place of the last paragraph's first sentence of the good note
of ``test_guardrails`` (to Dana Whitfield, of ``examples/interview.yaml``); a mapping may instead
replace another part of it, give a whole ``body`` or ``subject``, check the note ``hours_after`` the
interview or as ``pasted`` into ``check``, add ``clarify`` points to Dana's facts, or set the ``interview_format``. A panel rule (near copies) compares the example, sent to
the second interviewer, with the good note to the first.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from followup.guardrails import check_note, check_panel, load_policy
from followup.guardrails.engine import PANEL_REGISTRY
from followup.guardrails.policy import ExampleNote, RulePolicy
from followup.notes import Note

from test_guardrails import ANCHOR, AT_INTERVIEW, FACTS, GOOD_BODY, GOOD_SUBJECT

POLICY = load_policy()


def example_note(example: str | ExampleNote) -> tuple[Note, ExampleNote]:
    spec = ExampleNote(sentence=example) if isinstance(example, str) else example
    body = spec.body
    if body is None:
        replace = spec.replace or ANCHOR
        assert replace in GOOD_BODY, f"{replace!r} is not part of the good note"
        body = GOOD_BODY.replace(replace, spec.sentence if spec.sentence is not None else replace, 1)
    subject = spec.subject if spec.subject is not None else GOOD_SUBJECT
    return Note(subject=subject, body=body), spec


def fired(rule_policy: RulePolicy, example: str | ExampleNote) -> bool:
    """Whether the rule reports the example, at any severity (warnings such as ``late`` included)."""
    note, spec = example_note(example)
    if rule_policy.check in PANEL_REGISTRY:
        first, second = FACTS.interviewers[0].name, FACTS.interviewers[1].name
        found = check_panel({first: Note(subject=GOOD_SUBJECT, body=GOOD_BODY), second: note}, policy=POLICY)[second]
    else:
        now = AT_INTERVIEW + timedelta(hours=spec.hours_after)
        facts = FACTS
        if spec.clarify:
            dana = FACTS.interviewers[0]
            dana = dana.model_copy(update={"clarify": [*dana.clarify, *spec.clarify]})
            facts = FACTS.model_copy(update={"interviewers": [dana, *FACTS.interviewers[1:]]})
        if spec.interview_format:
            facts = facts.model_copy(update={"interview": facts.interview.model_copy(update={"format": spec.interview_format})})
        found = check_note(note, facts, facts.interviewers[0], policy=POLICY, now=now, pasted=spec.pasted).violations
    return any(v.rule == rule_policy.id for v in found)


CASES = [pytest.param(rule_policy, side, example, id=f"{rule_policy.id}-{side}-{index}")
         for rule_policy in POLICY.rules
         for side, examples in (("flag", rule_policy.examples.flag), ("pass", rule_policy.examples.pass_))
         for index, example in enumerate(examples)]


@pytest.mark.parametrize(("rule_policy", "side", "example"), CASES)
def test_policy_example(rule_policy: RulePolicy, side: str, example: str | ExampleNote) -> None:
    assert fired(rule_policy, example) == (side == "flag"), f"{rule_policy.id} should {side} {example!r}"


@pytest.mark.parametrize("rule_policy", POLICY.rules, ids=lambda r: r.id)
def test_every_shipped_rule_has_examples_of_both_sides(rule_policy: RulePolicy) -> None:
    assert rule_policy.examples.flag and rule_policy.examples.pass_
