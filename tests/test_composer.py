"""Properties of the offline composer over the example and the labelled facts files."""

from __future__ import annotations

import difflib
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from followup.facts import Facts, Interviewer, load_facts
from followup.guardrails import check_note, check_panel
from followup.models import DraftRequest
from followup.models.offline import OfflineComposer, Style, compose, role_case
from followup.notes import Note, count_words
from conftest import REPO_ROOT

FACTS_FILES = [REPO_ROOT / "examples" / "interview.yaml", *sorted((REPO_ROOT / "evals" / "labelled" / "facts").glob("*.yaml"))]
TONES = ("warm", "formal", "concise")

# Words of a clarify point that report a fumble; a positive note adds, it does not repeat these.
SELF_CRITICISM = re.compile(
    r"\b(too (brief|short|general|vague|long)|vague|skipped|blank\w*|fumbl\w*|stumbl\w*|botch\w*|messed up|"
    r"wrong|mistake\w*|forgot|poor(ly)?|weak|rushed|incomplete|unclear|rambl\w*)\b",
    re.I,
)
POSITIVE_ADDITION = re.compile(r"I realize I did not \w+|In further consideration of", re.I)


def _load(path: Path) -> Facts:
    return load_facts(path)


CASES = [
    pytest.param(path, person.name, id=f"{path.stem}-{person.name.split()[0]}")
    for path in FACTS_FILES
    for person in _load(path).interviewers
]
PANELS = [pytest.param(path, id=path.stem) for path in FACTS_FILES if len(_load(path).interviewers) > 1]


def _person(facts: Facts, name: str) -> Interviewer:
    return next(p for p in facts.interviewers if p.name == name)


def _note(path: Path, name: str, tone: str | None = None) -> tuple[Facts, Interviewer, Note]:
    facts = _load(path)
    person = _person(facts, name)
    return facts, person, compose(facts, person, Style(tone=tone or facts.tone))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".!;").lower()


def _paragraphs(note: Note) -> list[str]:
    return [p for p in note.body.split("\n\n") if p.strip()]


def _greeting(note: Note) -> str:
    return note.body.strip().splitlines()[0]


def _signoff(note: Note) -> str:
    return _paragraphs(note)[-1].splitlines()[0]


def _without_names(text: str, facts: Facts) -> str:
    for person in facts.interviewers:
        text = text.replace(person.name, "NAME")
    for person in facts.interviewers:
        text = re.sub(rf"\b{re.escape(person.first_name)}\b", "NAME", text)
    return text


def _first_reference_template(note: Note, person: Interviewer) -> str:
    """The first sentence citing one of the interviewer's facts, with the fact itself blanked out."""
    body = note.body.lower()
    hits = []
    for fact in person.topics + person.shared_interests:
        at = body.find(_norm(fact))
        if at >= 0:
            hits.append((at, _norm(fact)))
    assert hits, f"no fact of {person.name} cited"
    at, fact = min(hits)
    start = max(body.rfind(". ", 0, at), body.rfind("\n", 0, at)) + 1
    end = body.find(".", at + len(fact))
    sentence = body[start: end if end >= 0 else len(body)].strip()
    return sentence.replace(fact, "<fact>")


# --- one note -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "name"), CASES)
def test_deterministic(path: Path, name: str) -> None:
    facts, person, first = _note(path, name)
    again = compose(_load(path), _person(_load(path), name), Style(tone=facts.tone))
    assert first == again
    reply = OfflineComposer().complete(DraftRequest(facts, person, []))
    assert reply.note == first
    assert json.loads(reply.raw) == first.model_dump()


def test_deterministic_across_processes() -> None:
    script = (
        "import json,sys\n"
        "from followup.facts import load_facts\n"
        "from followup.models.offline import compose, Style\n"
        "out = []\n"
        "for f in sys.argv[1:]:\n"
        "    facts = load_facts(f)\n"
        "    out += [compose(facts, p, Style(tone=facts.tone)).model_dump() for p in facts.interviewers]\n"
        "print(json.dumps(out))\n"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, *map(str, FACTS_FILES)], capture_output=True, text=True,
                              env=env, timeout=60, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) == len(CASES)


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(("path", "name"), CASES)
def test_note_shape(path: Path, name: str, tone: str) -> None:
    facts, person, note = _note(path, name, tone)
    greeting = _greeting(note)
    assert person.first_name in greeting or person.name in greeting
    assert greeting.rstrip().endswith(",")
    for other in facts.interviewers:
        if other.name != person.name:
            assert other.first_name not in greeting
    signoff_block = _paragraphs(note)[-1]
    assert facts.candidate.name in signoff_block
    assert facts.company in note.body
    assert role_case(facts.role) in note.body  # as titles are written: "Data Analyst (Merchandising)"
    words = count_words(note.body)
    assert 80 <= words <= 220, f"{words} words"
    assert note.subject.strip()
    assert len(note.subject) <= 78
    assert "\n" not in note.subject


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(("path", "name"), CASES)
def test_cites_that_interviewers_own_facts(path: Path, name: str, tone: str) -> None:
    facts, person, note = _note(path, name, tone)
    body = _norm(note.body)
    own = [_norm(fact) for fact in person.topics + person.shared_interests]
    assert own, "fixture has an interviewer with nothing to cite"
    assert any(fact in body for fact in own)
    # ... and nothing that belongs only to another interviewer of the panel.
    for other in facts.interviewers:
        if other.name == person.name:
            continue
        for fact in other.topics + other.shared_interests + other.clarify:
            if _norm(fact) not in own:
                assert _norm(fact) not in body, f"cites {other.name}'s {fact!r}"


CLARIFY_CASES = [c for c in CASES if _person(_load(c.values[0]), c.values[1]).clarify]


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(("path", "name"), CLARIFY_CASES)
def test_clarify_point_is_a_positive_addition(path: Path, name: str, tone: str) -> None:
    facts, person, note = _note(path, name, tone)
    point = person.clarify[0]
    assert POSITIVE_ADDITION.search(note.body), f"no positive addition for {point!r} in:\n{note.body}"
    # The subject of the point is there.
    content = [w for w in re.findall(r"[A-Za-z][A-Za-z/\-]{4,}", point)
               if w.lower() not in {"mention", "answer", "about", "explain", "general", "brief", "skipped"}]
    assert any(w.lower() in note.body.lower() for w in content)


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(("path", "name"), CLARIFY_CASES)
def test_clarify_does_not_dwell_on_the_fumble(path: Path, name: str, tone: str) -> None:
    facts, person, note = _note(path, name, tone)
    for point in person.clarify:
        # "my answer on X was too brief": the note may take up X, never the verdict on the answer.
        verdict = re.search(r"\b(?:was|were)\b.*$", point)
        if verdict:
            assert verdict.group().lower() not in note.body.lower(), f"repeats {verdict.group()!r}:\n{note.body}"
    found = SELF_CRITICISM.search(note.body)
    assert found is None, f"repeats the fumble ({found.group()!r}):\n{note.body}"


def test_clarify_absent_means_no_addition() -> None:
    facts = _load(FACTS_FILES[0])
    person = next(p for p in facts.interviewers if not p.clarify)
    note = compose(facts, person, Style())
    assert not POSITIVE_ADDITION.search(note.body)
    with_point = person.model_copy(update={"clarify": ["I did not mention my on-call handbook"]})
    added = compose(facts.model_copy(update={"interviewers": [with_point]}), with_point, Style())
    assert "I realize I did not mention my on-call handbook" in added.body


# --- tones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "name"), CASES)
def test_tones_are_visibly_different(path: Path, name: str) -> None:
    facts = _load(path)
    person = _person(facts, name)
    notes = {tone: compose(facts, person, Style(tone=tone)) for tone in TONES}
    for a, b in itertools.combinations(TONES, 2):
        assert notes[a].body != notes[b].body
        assert (_greeting(notes[a]), _signoff(notes[a])) != (_greeting(notes[b]), _signoff(notes[b])), (a, b)
    assert person.name in _greeting(notes["formal"])  # formal: full name
    assert count_words(notes["concise"].body) < count_words(notes["warm"].body)


# --- panels ---------------------------------------------------------------------------------


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("path", PANELS)
def test_panel_notes_differ_in_more_than_the_name(path: Path, tone: str) -> None:
    facts = _load(path)
    notes = {p.name: compose(facts, p, Style(tone=tone)) for p in facts.interviewers}
    bodies = {name: _without_names(note.body, facts) for name, note in notes.items()}
    for a, b in itertools.combinations(facts.interviewers, 2):
        ratio = difflib.SequenceMatcher(None, bodies[a.name], bodies[b.name]).ratio()
        assert ratio < 0.8, f"{a.name} / {b.name}: {ratio:.2f}"
        assert _first_reference_template(notes[a.name], a) is not None
    found = check_panel(notes)
    assert all(not v for v in found.values()), found


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("path", PANELS)
def test_panel_first_reference_sentences_differ(path: Path, tone: str) -> None:
    """Not one sentence pattern for the whole panel with only the topic swapped in."""
    facts = _load(path)
    templates = {
        p.name: _first_reference_template(compose(facts, p, Style(tone=tone)), p) for p in facts.interviewers
    }
    assert len(set(templates.values())) >= 2, templates


# --- guardrails -----------------------------------------------------------------------------


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(("path", "name"), CASES)
def test_offline_note_passes_guardrails(path: Path, name: str, tone: str) -> None:
    facts, person, note = _note(path, name, tone)
    result = check_note(note, facts, person)
    errors = [(v.rule, v.excerpt) for v in result.violations if v.severity == "error"]
    assert errors == [], f"{path.name} / {name} / {tone}: {errors}"
    assert result.passed
