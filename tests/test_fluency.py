"""The fluency guardrail rules: jotted facts pasted into sentences, both sides of every rule."""

from __future__ import annotations

import pytest

from followup.guardrails import check_note
from followup.notes import Note

FLUENCY_RULES = {"pasted_fragment", "doubled_lead_in", "jotting_shorthand", "sentence_case"}


def _note(sentence: str) -> Note:
    return Note(subject="Thank you", body=f"Dear Linda,\n\nThank you for your time today. {sentence}\n\n"
                                          "Best regards,\nMaria Santos")


def _fluency_errors(sentence: str) -> set[str]:
    found = check_note(_note(sentence)).violations
    return {v.rule for v in found if v.rule in FLUENCY_RULES and v.severity == "error"}


# Sentences as the offline composer used to write them from hurried facts (issue 13), and the like.
BROKEN = [
    ("Our discussion about we talked about my experience with CRRT was a highlight of the day.", "pasted_fragment"),
    ("I keep thinking about what you shared about you want someone who can mentor the new grads.", "pasted_fragment"),
    ("I keep thinking about what you shared about how I handle a short-staffed night.", "pasted_fragment"),
    ("It was great to hear your perspective on asked me about using data to group students.", "pasted_fragment"),
    ("I was glad we also had time to talk about she asked how I handle parents.", "pasted_fragment"),
    ("I also appreciated hearing about discussed the sepsis bundle audit.", "pasted_fragment"),
    ("In further consideration of your question, I would add that I want to add that I use SBAR.", "doubled_lead_in"),
    ("Our discussion about we talked about the bid was useful.", "doubled_lead_in"),
    ("I realize I did not mention that I forgot to mention my CCRN.", "doubled_lead_in"),
    ("It is close to the work I know best: good w/ anxious + difficult patients.", "jotting_shorthand"),
    ("I bring 6 yrs of ICU experience to the team.", "jotting_shorthand"),
    ("I have trained ppl on the new system.", "jotting_shorthand"),
    ("I realize I did not mention note to self mention the skills fair.", "jotting_shorthand"),
    ("I enjoyed our talk. friday works well for me.", "sentence_case"),
    ("I enjoyed our talk!\n\nself scheduling was a highlight of the day.", "sentence_case"),
]


@pytest.mark.parametrize(("sentence", "rule"), BROKEN)
def test_broken_sentences_are_errors(sentence: str, rule: str) -> None:
    assert rule in _fluency_errors(sentence), sentence


def test_a_broken_note_fails_with_a_fluency_category() -> None:
    result = check_note(_note(BROKEN[0][0]))
    assert not result.passed
    found = next(v for v in result.violations if v.rule == "pasted_fragment")
    assert found.category == "structure" and found.excerpt == "about we talked"


# Sentences a naive rule might flag.
FINE = [
    "I enjoyed our conversation about how I handle a short-staffed night.",
    "Your question about how I would run a crew of four stayed with me.",
    "It was good to talk with you and the team about the new wing.",
    "I would bring what I learned to you and your team.",
    "I was glad to hear about you and your move from Boston.",
    "Thank you for explaining what you want from the role.",
    "I realize I did not mention my CCRN certification.",
    "I would also like to add that I use SBAR and escalate through the chain of command.",
    "We met at 9 a.m. and the tour followed.",
    "I use tools such as e.g. checklists daily.",  # an abbreviation does not end a sentence
    "My iPhone photos of the site are ready. eBay was my first client.",
    "I have used C++ and Python with my team, and I can work weekends.",
    "Dr. Iyer and I spoke about sepsis bundles.",
    "I look forward to hearing from you. 2027 will be a busy year for the unit.",
    "Like you, I trained in Lyon.",
    "Like I said, the unit's residency program stood out.",
    "The hour with you was the best part of the day, and the talks with you had real depth.",
]


@pytest.mark.parametrize("sentence", FINE)
def test_fine_sentences_pass(sentence: str) -> None:
    assert _fluency_errors(sentence) == set(), sentence


def test_greeting_and_signature_are_not_sentences() -> None:
    note = Note(subject="thanks", body="dear linda,\n\nThank you for the time today; I enjoyed it.\n\n"
                                       "best,\nmaria santos")
    assert not {v.rule for v in check_note(note).violations} & FLUENCY_RULES
