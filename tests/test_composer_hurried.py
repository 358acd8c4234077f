"""The offline composer on facts jotted the way hurried candidates jot them (tests/hurried_facts/).

Each file was written for these tests in the style of issue 13: sentences in first and third
person, lead-ins, shorthand, lower case, corrections and notes to self, across several fields.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from followup.facts import Facts, Interviewer, load_facts
from followup.guardrails import check_note, check_panel
from followup.models.fact_reader import left_out_notices, read_fact
from followup.models.frames import FRAMES
from followup.models.offline import LONG_SENTENCE_WORDS, Style, compose, long_sentences, style_for
from followup.notes import Note, count_words
from conftest import REPO_ROOT

HURRIED = sorted((Path(__file__).resolve().parent / "hurried_facts").glob("*.yaml"))
TIDY = [REPO_ROOT / "examples" / "interview.yaml", *sorted((REPO_ROOT / "evals" / "labelled" / "facts").glob("*.yaml"))]
TONES = ("warm", "formal", "concise")
# What a jotted fact brings with it when it is pasted rather than read.
PASTED = re.compile(r"\b(?:we talked about|asked me about|she asked|he asked|talked it|note to self|lol|"
                    r"haha|w/|yrs|hrs|ppl|mgmt|b/c|approx|esp\.|incl\.|I regret|should've|wish I'd|I want to add)\b"
                    r"|!!| \+ |\bshe\b|\bhe\b", re.I)
CASES = [pytest.param(path, person.name, id=f"{path.stem}-{person.name.split()[-1]}")
         for path in HURRIED for person in load_facts(path).interviewers]


def _notes(facts: Facts, tone: str) -> dict[str, Note]:
    return {p.name: compose(facts, p, Style(tone=tone)) for p in facts.interviewers}


def _person(facts: Facts, name: str) -> Interviewer:
    return next(p for p in facts.interviewers if p.name == name)


def _message(note: Note) -> str:
    """The body without its greeting and signature."""
    return "\n\n".join(note.body.split("\n\n")[1:-1])


def _sentences(note: Note) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", _message(note)) if s.strip()]


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(("path", "name"), CASES)
def test_hurried_notes_pass_every_guardrail(path: Path, name: str, tone: str) -> None:
    facts = load_facts(path)
    person = _person(facts, name)
    note = compose(facts, person, Style(tone=tone))
    errors = [(v.rule, v.excerpt) for v in check_note(note, facts, person).violations if v.severity == "error"]
    assert errors == [], f"{path.name} / {name} / {tone}:\n{note.body}"


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(("path", "name"), CASES)
def test_facts_are_read_not_pasted(path: Path, name: str, tone: str) -> None:
    facts = load_facts(path)
    note = compose(facts, _person(facts, name), Style(tone=tone))
    found = PASTED.search(_message(note))
    assert found is None, f"{found.group()!r} in:\n{note.body}"
    for sentence in _sentences(note):
        assert sentence[0].isupper() or sentence[0].isdigit(), sentence


@pytest.mark.parametrize(("path", "name"), CASES)
def test_a_fact_that_cannot_be_read_is_left_out(path: Path, name: str) -> None:
    facts = load_facts(path)
    person = _person(facts, name)
    note = compose(facts, person, Style())
    for field in ("topics", "shared_interests", "clarify"):
        for item in getattr(person, field):
            if read_fact(item, field)[0].kind == "unusable":
                words = re.findall(r"[a-z]{5,}", item.lower())
                assert not all(w in note.body.lower() for w in words), f"{item!r} pasted into:\n{note.body}"


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("path", [*HURRIED, *TIDY], ids=lambda p: p.stem)
def test_no_long_sentence_recurs_across_a_panel(path: Path, tone: str) -> None:
    facts = load_facts(path)
    notes = _notes(facts, tone)
    for (a, first), (b, second) in itertools.combinations(notes.items(), 2):
        shared = long_sentences(first.body) & long_sentences(second.body)
        assert not shared, f"{a} / {b}: {shared}"
    assert all(not v for v in check_panel(notes).values())


@pytest.mark.parametrize("path", [*HURRIED, *TIDY], ids=lambda p: p.stem)
def test_concise_is_concise(path: Path) -> None:
    facts = load_facts(path)
    for name, note in _notes(facts, "concise").items():
        assert 60 <= count_words(note.body) <= 110, f"{name}: {count_words(note.body)} words\n{note.body}"


def test_a_sentence_of_ten_words_counts_as_long() -> None:
    assert LONG_SENTENCE_WORDS == 10
    assert long_sentences("Dear Ana,\n\nOne two three four five six seven eight nine ten.") == {
        "one two three four five six seven eight nine ten"}
    assert long_sentences("One two three four five six seven eight nine.") == set()


def test_greetings_follow_tone_and_title_across_a_panel() -> None:
    facts = load_facts(Path(__file__).resolve().parent / "hurried_facts" / "icu_nurse.yaml")
    greetings = {tone: [n.body.splitlines()[0] for n in _notes(facts, tone).values()] for tone in TONES}
    # Warm: first names for everyone or no one; the candidate wrote "Dr. Rajesh Iyer", so no one.
    assert greetings["warm"] == ["Dear Dr. Iyer,", "Dear Ms. Haverford,", "Dear Mr. Rivera,"]
    untitled = facts.model_copy(update={"interviewers": [facts.interviewers[0].model_copy(update={"name": "Rajesh Iyer"}),
                                                         *facts.interviewers[1:]]})
    assert [n.body.splitlines()[0] for n in _notes(untitled, "warm").values()] == ["Dear Rajesh,", "Dear Linda,", "Dear Tomás,"]
    # A "Dr." is "Dr. Iyer" in every tone but warm; the others by "Ms." or "Mr." where the candidate's own
    # jottings say "she" or "he" of them ("she asked how I handle ...", "he also speaks spanish").
    assert greetings["formal"] == ["Dear Dr. Iyer,", "Dear Ms. Haverford,", "Dear Mr. Rivera,"]
    assert greetings["concise"] == greetings["formal"]
    unsaid = facts.model_copy(update={"interviewers": [facts.interviewers[0], facts.interviewers[1].model_copy(
        update={"topics": ["handling a short-staffed night"]})]})
    assert compose(unsaid, unsaid.interviewers[1], Style(tone="formal")).body.startswith("Dear Linda Haverford,")  # no guess
    everyone_titled = facts.model_copy(update={"interviewers": facts.interviewers[:1]})
    assert compose(everyone_titled, everyone_titled.interviewers[0], Style(tone="formal")).body.startswith(
        "Dear Dr. Iyer,")


def test_a_surname_keeps_its_particles_and_a_lower_case_name_is_written_as_a_name() -> None:
    facts = Facts.model_validate({"candidate": {"name": "Andile Dube"}, "company": "Mowbray Hills", "role": "pharmacy technician",
                                  "tone": "formal", "interviewers": [
                                      {"name": "Dr. Johan van der Merwe", "topics": ["the TPN compounding room"]},
                                      {"name": "gary whitlock", "topics": ["he asked about the schedule 6 register"]}]})
    greetings = [compose(facts, person, Style(tone="formal")).body.splitlines()[0] for person in facts.interviewers]
    assert greetings == ["Dear Dr. van der Merwe,", "Dear Mr. Whitlock,"]


def test_titles_other_than_doctor() -> None:
    facts = load_facts(Path(__file__).resolve().parent / "hurried_facts" / "restaurant.yaml")
    chef = facts.interviewers[0]
    assert compose(facts, chef, Style()).body.startswith("Dear Antoine,")
    assert compose(facts, chef, Style(tone="formal")).body.startswith("Dear Chef Marchal,")
    alone = facts.model_copy(update={"interviewers": [chef]})
    assert compose(alone, chef, Style(tone="concise")).body.startswith("Dear Chef Marchal,")


def test_a_strength_is_said_beside_a_topic_only_when_they_share_meaning() -> None:
    facts = load_facts(Path(__file__).resolve().parent / "hurried_facts" / "icu_nurse.yaml")
    rajesh = facts.interviewers[0]  # topics: a conflict with a physician; my experience with CRRT
    body = compose(facts, rajesh, Style(length=1)).body
    crrt = next(p for p in body.split("\n\n") if "my experience with CRRT" in p)
    assert "CRRT certification" in crrt  # shares "CRRT": said right there
    conflict = next(p for p in body.split("\n\n") if "conflict with a physician" in p)
    assert "Spanish" not in conflict and "anxious" not in conflict


# --- tweaks change what they ask for and nothing else ----------------------------------------


@pytest.mark.parametrize(("path", "name"), CASES)
def test_shorter_only_takes_away(path: Path, name: str) -> None:
    facts = load_facts(path)
    person = _person(facts, name)
    before = compose(facts, person, Style(tone=facts.tone))
    after = compose(facts, person, style_for(facts, person, ["shorter"]))
    assert count_words(after.body) < count_words(before.body)
    assert after.subject == before.subject
    assert after.body.split("\n\n")[-1] == before.body.split("\n\n")[-1]  # the same sign-off and signature
    assert after.body.splitlines()[0] == before.body.splitlines()[0]
    # A strength said beside a topic the shorter note drops is said on its own instead, and of several
    # points to clarify, one is kept: those sentences may be reworded; no other sentence may be.
    reworded = [read_fact(s, "strengths")[0].text for s in facts.candidate.strengths]
    reworded += [f.text for c in person.clarify for f in read_fact(c, "clarify")]
    tails = FRAMES["clarify.missing.tail"] + FRAMES["clarify.missing.tail.formal"]
    new = {s for s in _sentences(after)
           if s not in _sentences(before) and s not in tails and not any(t in s for t in reworded)}
    assert not new, f"{before.body}\n---\n{after.body}"


@pytest.mark.parametrize(("path", "name"), CASES)
def test_mention_adds_and_keeps_the_rest(path: Path, name: str) -> None:
    facts = load_facts(path)
    person = _person(facts, name)
    before = compose(facts, person, Style(tone=facts.tone))
    absent = [t for t in person.topics if read_fact(t, "topics")[0].kind != "unusable"
              and read_fact(t, "topics")[0].text not in before.body]
    if not absent:
        pytest.skip("every usable topic is already in the note")
    after = compose(facts, person, style_for(facts, person, [f"mention {absent[0]}"]))
    assert read_fact(absent[0], "topics")[0].text in after.body
    assert set(_sentences(before)) <= set(_sentences(after)), f"{before.body}\n---\n{after.body}"


def test_write_names_what_it_left_out_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli_helpers import invoke, isolate

    isolate(tmp_path, monkeypatch)
    path = tmp_path / "facts.yaml"
    path.write_text(
        "candidate: {name: Maria Santos}\ncompany: St. Brigid\nrole: ICU Nurse\n"
        "interviewers:\n  - name: Linda Haverford\n    topics: [we talked about the residency program, "
        "parking was a nightmare lol]\n",
        encoding="utf-8",
    )
    result = invoke("write", path)
    assert result.exit_code == 0, result.output
    notices = [line for line in result.stderr.splitlines() if "left out" in line]
    assert len(notices) == 1 and notices[0].startswith("followup: note: interviewers[0].topics[1]: left out")
    assert "the residency program" in result.stdout and "parking" not in result.stdout


def test_names_jotted_in_lower_case_are_written_as_names() -> None:
    facts = Facts.model_validate({
        "candidate": {"name": "maria lopez"}, "company": "harbor freight logistics", "role": "night shift dispatcher",
        "interviewers": [{"name": "kenji watanabe", "topics": ["we talked about the new routing software for like 10 min"]},
                         {"name": "Anna deVries", "topics": ["asked if I can work sundays, said yes"]}]})
    kenji, anna = (compose(facts, person, Style()) for person in facts.interviewers)
    assert kenji.body.startswith("Dear Kenji,")
    assert "Night Shift Dispatcher role at Harbor Freight Logistics" in kenji.body
    assert kenji.body.rstrip().endswith("Maria Lopez")
    assert anna.body.startswith("Dear Anna,")  # a name with any capital is kept as its owner wrote it
    assert "whether I can work Sundays" in anna.body and "that I can." in anna.body  # the yes, said back
    assert passes_all(facts, {"kenji watanabe": kenji, "Anna deVries": anna})


def passes_all(facts: Facts, notes: dict[str, Note]) -> bool:
    return all(not [v for v in check_note(note, facts, _person(facts, name)).violations if v.severity == "error"]
               for name, note in notes.items())


def test_hard_news_is_not_welcomed_and_the_opening_thanks_once() -> None:
    facts = Facts.model_validate({
        "candidate": {"name": "Maria Lopez"}, "company": "Harbor Freight", "role": "Dispatcher",
        "interviewers": [{"name": "Kenji Watanabe", "topics": ["he said they lost three dispatchers this year"]},
                         {"name": "Ana Ruiz", "topics": ["asked me about night coverage"]}]})
    for tone in TONES:
        for person in facts.interviewers:
            body = compose(facts, person, Style(tone=tone)).body
            assert not re.search(r"\b(glad|meant a lot|appreciated hearing)\b[^.]*\blost\b", body), body
            opening = re.split(r"(?<=[.!?])\s+", body.split("\n\n")[1])
            assert sum(bool(re.match(r"(Thank|Thanks)\b", s)) for s in opening[:2]) == 1, body


def test_a_subject_line_never_carries_a_full_name() -> None:
    for path in HURRIED:
        facts = load_facts(path)
        for tone in TONES:
            for person in facts.interviewers:
                subject = compose(facts, person, Style(tone=tone)).subject
                assert person.name not in subject, (path.name, tone, subject)


def test_a_rank_or_office_before_a_name_is_a_title_not_a_first_name() -> None:
    facts = Facts.model_validate({
        "candidate": {"name": "Maria Lopez"}, "company": "County 911", "role": "Dispatcher",
        "interviewers": [{"name": "Lt. Raymond Fischer", "topics": ["call triage"]},
                         {"name": "Director Paul Ngata", "topics": ["the CAD migration"]}]})
    lieutenant, director = facts.interviewers
    assert compose(facts, lieutenant, Style()).body.startswith("Dear Raymond,")
    assert compose(facts, director, Style(tone="formal")).body.startswith("Dear Director Ngata,")


@pytest.mark.parametrize(("name", "formal"), [
    ("Dott.ssa Elena Ferraris", "Dear Dott.ssa Ferraris,"),
    ("Mgr inż. Katarzyna Nowak", "Dear Mgr inż. Nowak,"),
    ("Prof. Dr. Anna Schmidt", "Dear Prof. Dr. Schmidt,"),
    ("Dra. Lucía Pérez", "Dear Dra. Pérez,"),
])
def test_titles_from_other_languages_stack_and_are_no_first_name(name: str, formal: str) -> None:
    facts = Facts.model_validate({
        "candidate": {"name": "Maria Lopez"}, "company": "Museo Egizio", "role": "Gift shop supervisor",
        "interviewers": [{"name": name, "topics": ["stock shrinkage in the gift shop"]}]})
    person = facts.interviewers[0]
    # Written with a title, the name is greeted with it in a warm note too (first names for everyone or no one).
    assert compose(facts, person, Style()).body.startswith(formal)
    note = compose(facts, person, Style(tone="formal"))
    assert note.body.startswith(formal)
    assert check_note(note, facts, person, now=facts.interview.ended_at).passed


def test_an_interviewer_who_talked_only_pay_gets_a_passing_note_and_a_notice() -> None:
    facts = Facts.model_validate({
        "candidate": {"name": "Ryan Fitzgerald"}, "company": "The Royal Melbourne Golf Club", "role": "Assistant greenkeeper",
        "interviewers": [{"name": "Rick Doyle", "topics": ["the sand belt soils"]},
                         {"name": "Sharon Lee", "topics": ["pay approx $68k + super, overtime in summer"]}]})
    sharon = facts.interviewers[1]
    note = compose(facts, sharon, Style())
    assert "$68k" not in note.body and check_note(note, facts, sharon).passed
    notices = left_out_notices(facts)
    assert any(n.startswith("interviewers[1]: nothing of your talk with Sharon Lee") for n in notices)
    assert any(n.startswith("interviewers[1].topics[0]:") and "pay, perks" in n for n in notices)
    assert not any(n.startswith("interviewers[0]") for n in notices)


@pytest.mark.parametrize(("role", "written"), [
    ("Climbing arborist", "Climbing Arborist"), ("ward clerk, band 2", "Ward Clerk (band 2)"), ("Ramp Agent, DXB", "Ramp Agent (DXB)"),
        ("Harvest Supervisor (apples, feb-may)", "Harvest Supervisor (apples, February–May)"),
    ("Dispatcher (day shift)", "Dispatcher (day shift)"), ("Senior iOS engineer", "Senior iOS Engineer"),
    ("Head of Podcasts", "Head of Podcasts"), ("staff chaplain (nights + weekends)", "Staff Chaplain (nights and weekends)"),
])
def test_a_role_is_written_as_a_title_up_to_what_follows_it(role: str, written: str) -> None:
    facts = Facts.model_validate({"candidate": {"name": "Ryan Fitzgerald"}, "company": "Royal Melbourne", "role": role,
                                  "interviewers": [{"name": "Rick Doyle", "topics": ["the sand belt soils"]}]})
    body = compose(facts, facts.interviewers[0], Style()).body
    assert written in body and (written == role or role not in body)
