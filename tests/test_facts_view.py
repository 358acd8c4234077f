"""One view of the facts (issue 11): every text with its field path, read by every consumer.

The decisive test adds a field to the facts model, as a new version of followup would
(``interview.next_steps``), and shows that a note citing it passes the grounding rules,
that a tweak can name it and that the prompt carries it, with no other code changed.
"""

from __future__ import annotations


from pydantic import Field

from followup.facts import FactText, Facts, FreeText, Interview, fact_texts, load_facts, texts_of
from followup.guardrails import check_note, errors_in
from followup.models.tweaks import matching_facts
from followup.notes import Note
from followup.prompts import facts_block
from conftest import EXAMPLE



class InterviewWithNextSteps(Interview):
    next_steps: list[FreeText] = Field(default_factory=list)


class FactsWithNextSteps(Facts):
    interview: InterviewWithNextSteps = Field(default_factory=InterviewWithNextSteps)


def facts_with_next_steps() -> Facts:
    data = load_facts(EXAMPLE).model_dump()
    data["interview"]["next_steps"] = ["a site visit to the Tacoma plant with Óscar Ibáñez in March"]
    return FactsWithNextSteps.model_validate(data)


NOTE = Note(subject="Thank you, Dana", body=(
    "Dear Dana,\n\nThank you for taking the time to talk with me about the Senior Site Reliability Engineer role "
    "at Northwind Robotics. Your account of cutting on-call pages by 40% with better alert routing stayed with me, "
    "and it matches how I have run Kubernetes in production for five years.\n\nI am looking forward to the site "
    "visit to the Tacoma plant with Óscar Ibáñez in March, and to seeing the fleet move from VMs to Kubernetes "
    "up close.\n\nBest regards,\nJordan Rivera"))


def test_every_text_has_its_field_path_and_owner() -> None:
    facts = load_facts(EXAMPLE)
    texts = fact_texts(facts)
    assert FactText("company", "company", "Northwind Robotics") in texts
    assert FactText("interviewers[1].topics[0]", "topics", "autoscaling the Spark clusters on Kubernetes", 1) in texts
    assert FactText("candidate.strengths[0]", "strengths", "five years running Kubernetes in production") in texts
    # Settings are not texts of the interview.
    assert not any(t.field in ("tone", "format", "ended_at") for t in texts)


def test_the_view_narrows_to_one_interviewer_and_to_content() -> None:
    facts = load_facts(EXAMPLE)
    priya = facts.interviewers[1]
    own = texts_of(facts, priya, content=True)
    assert {t.interviewer for t in own} == {None, 1}
    assert not any(t.field in ("name", "email", "company") for t in own)
    assert [t.text for t in texts_of(facts, priya, ("topics", "shared_interests"))] == priya.topics


def test_a_field_added_to_the_facts_is_grounded_everywhere() -> None:
    facts = facts_with_next_steps()
    dana = facts.interviewers[0]
    assert any(t.path == "interview.next_steps[0]" for t in fact_texts(facts))

    result = check_note(NOTE, facts, dana)
    assert not errors_in(result.violations), result.violations
    assert matching_facts("the Tacoma site visit", facts, dana) == ["a site visit to the Tacoma plant with Óscar Ibáñez in March"]
    assert "Tacoma plant" in facts_block(facts, dana)


def test_without_the_field_the_same_note_invents_its_names() -> None:
    """The other side: the rule does flag those names when no field holds them."""
    facts = load_facts(EXAMPLE)
    invented = {v.excerpt for v in errors_in(check_note(NOTE, facts, facts.interviewers[0]).violations)
                if v.rule == "invented_fact"}
    assert {"Tacoma", "Óscar Ibáñez"} & invented
