"""Every note cites something of its interviewer's own conversation, in a frame that fits the kind of
item: a question they asked, who they want for the role, the subject of a regret; never pay, benefits
or remarks about the day. Facts invented for these tests; each kind has both sides.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from followup.facts import Facts
from followup.guardrails import check_note
from followup.models.fact_reader import read_fact
from followup.models.offline import Style, compose

from cli_helpers import invoke, isolate
from conftest import REPO_ROOT

TONES = ("warm", "formal", "concise")
FACTS_FILES = sorted([*(REPO_ROOT / "tests" / "hurried_facts").glob("*.yaml"), *(REPO_ROOT / "evals" / "facts").glob("*.yaml"),
                      *(REPO_ROOT / "evals" / "labelled" / "facts").rglob("*.yaml")])


def _facts(*interviewers: dict[str, object], strengths: tuple[str, ...] = ("6 yrs on the night desk",)) -> Facts:
    return Facts.model_validate({
        "candidate": {"name": "Noor Haddad", "email": "noor@example.com", "strengths": list(strengths)},
        "company": "Harbor Gazette", "role": "Copy Editor",
        "interview": {"format": "onsite", "highlights": ["they're launching a weekend edition in May"]},
        "interviewers": list(interviewers)})


# A panel where each interviewer's only citable item is of one kind, and a colleague's topics
# share the words of the easy citations ("edit", "test"), as in a real newsroom panel.
PANEL = _facts(
    {"name": "Ines Park", "title": "Managing Editor",
     "topics": ["she asked how I'd handle a reporter who fights every edit", "discussed headline A/B testing"]},
    {"name": "Tom Brandt", "title": "Copy Chief",
     "topics": ["went over the edit test, I missed a dangling modifier ugh",
                "he wants someone who can mentor the new grads on the desk"]},
    {"name": "Ruth Okafor", "title": "Night Editor",
     "topics": ["she asked if I can work weekends", "asked if i'm ok with the late shift"]},
    {"name": "Sam Lee", "title": "Standards Editor",
     "topics": ["I bombed the style quiz", "benefits + pay range, approx what I expected", "parking was a nightmare"]},
    {"name": "Vera Chu", "title": "Features Editor",
     "topics": ["discussed pay, starts approx $24/hr", "the long-form workshop, I rambled way too much"]},
)


def _note(facts: Facts, name: str, tone: str) -> str:
    person = next(p for p in facts.interviewers if p.name == name)
    note = compose(facts, person, Style(tone=tone))
    errors = [(v.rule, v.excerpt) for v in check_note(note, facts, person).violations if v.severity == "error"]
    assert errors == [], f"{name} / {tone}:\n{note.body}"
    return note.body


@pytest.mark.parametrize("tone", TONES)
def test_a_want_is_cited_when_the_other_topic_only_shares_a_colleagues_words(tone: str) -> None:
    body = _note(PANEL, "Tom Brandt", tone)
    assert "someone who can mentor the new graduates on the desk" in body
    assert "dangling" not in body and "missed" not in body


@pytest.mark.parametrize("tone", TONES)
def test_only_questions_are_cited_as_their_questions(tone: str) -> None:
    body = _note(PANEL, "Ruth Okafor", tone)
    assert re.search(r"(?:asked|asking|question about) whether I can work weekends", body), body
    assert "about if " not in body and " if I " not in body


@pytest.mark.parametrize("tone", TONES)
def test_a_regret_is_cited_by_its_subject_and_pay_never(tone: str) -> None:
    body = _note(PANEL, "Sam Lee", tone).lower()
    assert "style quiz" in body
    for word in ("bombed", "pay", "benefits", "expected", "parking", "nightmare"):
        assert word not in body, f"{word!r} in:\n{body}"
    body = _note(PANEL, "Vera Chu", tone).lower()
    assert "long-form workshop" in body
    for word in ("rambled", "pay", "$24", "starts"):
        assert word not in body, f"{word!r} in:\n{body}"


@pytest.mark.parametrize("tone", TONES)
def test_no_citable_item_no_citation_and_the_rule_says_so(tone: str) -> None:
    """The other side: an interviewer with nothing but pay and remarks gets none of it cited, and
    no_reference reports the note rather than the composer pasting pay talk to pass it."""
    facts = _facts({"name": "Lena Roth", "topics": ["discussed pay + benefits, approx 3 weeks PTO",
                                                    "parking was a nightmare", "she was running late"]})
    person = facts.interviewers[0]
    note = compose(facts, person, Style(tone=tone))
    for word in ("pay", "benefits", "pto", "parking", "late"):
        assert word not in note.body.lower()
    assert "no_reference" in {v.rule for v in check_note(note, facts, person).violations}


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("topic", ["went over caseload, evenings tuesday + thursday till 8",
                                   "discussed 504 plans and how the counselors split them"])
def test_a_lone_topic_is_said_in_a_phrasing_the_guardrails_count(topic: str, tone: str) -> None:
    """"caseload" alone is one word of six: the note echoes how it was jotted ("we went over caseload")."""
    facts = _facts({"name": "Omar Said", "topics": [topic]})
    _note(facts, "Omar Said", tone)


@pytest.mark.parametrize(("item", "kind", "text"), [
    ("she asked if I can work weekends", "question", "whether I can work weekends"),
    ("asked if i'm ok with nights", "question", "whether I am OK with nights"),
    ("he wants someone who can own benefits open enrollment", "want", "someone who can own benefits open enrollment"),
    ("they're looking for someone with Spanish", "want", "someone with Spanish"),
    ("I bombed the case study", "exercise", "the case study"),
    ("fumbled the question on conflict resolution", "question", "conflict resolution"),
    ("the take-home, I rambled way too much", "exercise", "the take-home"),
    ("went over the edit test, I missed a dangling modifier ugh", "topic", "the edit test"),
    ("the case study - messed up the pricing part", "exercise", "the case study"),
    ("the edit test, so embarrassing", "exercise", "the edit test"),
    ("we talked about the roadmap, I rambled", "topic", "the roadmap"),
    ("discussed 504 plans and how the counselors split them", "topic", "504 plans and how the counselors split them"),
    ("froze during the whiteboard exercise lol", "exercise", "the whiteboard exercise"),
    ("hes looking for someone to own the QBR deck", "want", "someone to own the QBR deck"),
    ("they want someone who's done go-lives", "want", "someone who has done go-lives"),
])
def test_each_kind_is_read_for_what_it_is(item: str, kind: str, text: str) -> None:
    assert [(f.kind, f.text) for f in read_fact(item, "topics")] == [(kind, text)]


@pytest.mark.parametrize("item", [
    "he asked if I had questions",  # every interview ends so: nothing of theirs to cite
    "she said they need someone by april",  # a date, not who they want
    "discussed benefits", "benefits + pay range, approx what I expected",
    "I rambled so much ugh", "totally blanked, so embarrassing", "we talked about turnover, which is bad",
    "tasted my crudo, said needs more acid lol", "he was firm they're separate",
])
def test_what_is_not_a_question_want_or_subject_is_not_read_as_one(item: str) -> None:
    kinds = {f.kind for f in read_fact(item, "topics")}
    assert not kinds & {"question", "want", "topic"}, (item, read_fact(item, "topics"))


@pytest.mark.parametrize("path", FACTS_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_facts_file_writes_offline_with_exit_0(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    result = invoke("write", "--model", "offline", path)
    assert result.exit_code == 0, result.output
    assert "FAILED" not in result.output
