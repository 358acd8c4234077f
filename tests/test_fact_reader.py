"""The fact reader: jotted facts read for what they are and tidied before the composer uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup.facts import load_facts
from followup.models.fact_reader import left_out_notices, read_candidate_facts, read_fact, read_interviewer_facts, tidy
from conftest import REPO_ROOT

TIDY_FACTS = [REPO_ROOT / "examples" / "interview.yaml", *sorted((REPO_ROOT / "evals" / "labelled" / "facts").glob("*.yaml"))]

READINGS = [
    # hurried batch 10, as its reader found them pasted: possessives, singular "they", asides, durations, shorthand
    ("chatted about his 30 yrs in boxes, started on a lever frame", "topics", "topic", "your 30 years in boxes"),
    ("we talked about their 60-min same-day vs the 4-hr economy service", "topics", "topic",
     "your 60-minute same-day versus the 4-hour economy service"),
    ("he asked how I'd handle someone upset they can't see records closed for 100 yrs", "topics", "question",
     "how I would handle someone upset they cannot see records closed for 100 years"),
    ("wish I'd asked how many techs per team (he said 3 I think)", "clarify", "unasked", "how many techs per team"),
    ("he wants someone who can help turn a 777 in approx 60 mins", "topics", "want", "someone who can help turn a 777 in about 60 minutes"),
    ("they're moving to crossflow next yr", "highlights", "highlight", "you are moving to crossflow next year"),
    ("CIP, yeast handling, DO measurement", "strengths", "strength_np", "CIP, yeast handling and DO measurement"),
    ("rode for 3 yrs myself so I know the streets", "strengths", "strength_clause", "I rode for 3 years myself so I know the streets"),
    ("Follows procedure, even when nobody is watching", "strengths", "strength_clause", "I follow procedure"),
    ("High Risk Work Licence", "strengths", "strength_np", "my High Risk Work Licence"),
    ("ex 999 call handler, used to pressure", "strengths", "strength_np", "my experience as a 999 call handler"),
    ("quick changes under 30 sec", "strengths", "strength_np", "experience with quick changes under 30 seconds"),
    ("dispensing ARV and TB regimens", "strengths", "strength_np", "experience dispensing ARV and TB regimens"),
    ("BLS certification (current)", "strengths", "strength_np", "my current BLS certification"),
    ("xhosa, afrikaans and English", "strengths", "strength_clause", "I speak Xhosa, Afrikaans and English"),
    # hurried batch 11, as its reader found them
    ("market runs on mon and tue", "topics", "topic", "market runs on Monday and Tuesday"),
    ("farmers markets tue/thu/sat + weddings", "topics", "topic", "farmers markets Tuesday/Thursday/Saturday and weddings"),
    ("on call rota 1 in 5 wknds", "topics", "topic", "on call rota 1 in 5 weekends"),
    ("good with nervous brides AND their mums", "strengths", "strength_adj", "good with nervous brides and their mums"),
    ("!! follow up on the night vision goggle course dates he mentioned", "clarify", "unasked",
     "the night vision goggle course dates you mentioned"),
    ("forgot to mention the moving truss work I did with Kinesys", "clarify", "missing", "the moving truss work I did with Kinesys"),
    ("we both support stockport county (nice guy)", "shared_interests", "interest", "we both support stockport county"),
    ("HETAS approved, NACS member", "strengths", "strength_np", "my HETAS approval and my NACS membership"),
    ("HGV class 2 (C)", "strengths", "strength_np", "my HGV class 2 (C) licence"),
    ("midwifery endorsement", "strengths", "strength_np", "my midwifery endorsement"),
    ("lithium battery banks and 200 W solar panels at remote sites", "topics", "topic",
     "lithium battery banks and 200 W solar panels at remote sites"),
    ("the hybrid bus fleet and its battery faults", "topics", "topic", "the hybrid bus fleet and its battery faults"),
    ("22 staff across 3 sites", "highlights", "highlight", "there are 22 staff across 3 sites"),
    # topics: lead-ins stripped, the interviewer's words said to them
    ("we talked about my experience with CRRT", "topics", "topic", "my experience with CRRT"),
    ("discussed the sepsis bundle audit!!", "topics", "topic", "the sepsis bundle audit"),
    ("self scheduling, talked it for like 5 min lol", "topics", "topic", "self scheduling"),
    ("talked about the paywall + subscriptions for like 10 min", "topics", "topic", "the paywall and subscriptions"),
    ("went over their safety program + toolbox talks every monday", "topics", "topic",
     "your safety program and toolbox talks every Monday"),
    ("how teachers use their common planning periods", "topics", "topic", "how teachers use their common planning periods"),
    ("asked me about handling a conflict with a physician", "topics", "question", "handling a conflict with a physician"),
    ("she asked how I'd handle a short-staffed night", "topics", "question", "how I would handle a short-staffed night"),
    ("asked me about a time I had to push back on a senior leader", "topics", "question",
     "a time I had to push back on a senior leader"),
    ("asked what a typical week looks like", "topics", "topic", "what a typical week looks like"),
    ("I asked about the training budget", "topics", "asked", "the training budget"),
    ("i asked how they measure adjuster performance", "topics", "asked", "how you measure adjuster performance"),
    ("i told her about my time at the county clinic", "topics", "topic_self", "my time at the county clinic"),
    ("I told her I closed 92% of files within 30 days last yr", "topics", "recap",
     "I closed 92% of files within 30 days last year"),
    ("she wants someone who can mentor the new grads", "topics", "want", "someone who can mentor the new graduates"),
    ("he said turnover is their biggest problem", "topics", "point", "turnover is your biggest problem"),
    ("mgmt reviews every file over 50k", "topics", "point", "management reviews every file over 50k"),
    ("approx 22 staff interpreters + 40 per diem", "topics", "point", "there are about 22 staff interpreters and 40 per diem"),
    ("did a stage, made the braised short rib", "topics", "moment", "I did a stage and made the braised short rib"),
    ("campus tour w/ a student guide was lovely", "topics", "enjoyed", "the campus tour with a student guide"),
    # shared interests
    ("he also speaks spanish", "shared_interests", "interest", "you also speak Spanish"),
    ("both coach little league", "shared_interests", "interest", "we both coach little league"),
    ("she's from porto, my mom is from braga!!", "shared_interests", "interest", "you are from Porto and my mom is from Braga"),
    # clarify: corrections, regrets, notes to self, additions
    ("I said I had four years of ICU experience, it is actually six", "clarify", "correction",
     "I have six years of ICU experience"),
    ("i said 10 yrs but its 12", "clarify", "correction", "I have 12 years of experience"),
    ("told her I worked at FreshMart since 2022, it was 2021", "clarify", "correction", "I have worked at FreshMart since 2021"),
    ("i said I cut deadhead miles 12%, it was like 15%", "clarify", "correction", "I cut deadhead miles 15%"),
    ("I regret not mentioning my CCRN", "clarify", "missing", "my CCRN"),
    ("note to self - mention the friday skills fair", "clarify", "missing", "the Friday skills fair"),
    ("forgot to say I can work sundays", "clarify", "missing", "that I can work Sundays"),
    ("should've brought up tagalog, I'm learning it", "clarify", "missing", "Tagalog"),
    ("wish I'd asked about the reporting structure", "clarify", "unasked", "the reporting structure"),
    ("I want to add that I use SBAR and escalate", "clarify", "addition", "I use SBAR and escalate"),
    ("didn't explain my Opera PMS experience well", "clarify", "explain", "my Opera PMS experience"),
    ("my answer on error budgets was rushed", "clarify", "followup", "error budgets"),
    ("my Terraform state migration work", "clarify", "more", "my Terraform state migration work"),
    # strengths
    ("good w/ anxious + difficult patients", "strengths", "strength_adj", "good with anxious and difficult patients"),
    ("12 yrs commercial + industrial wiring", "strengths", "strength_np", "12 years of commercial and industrial wiring experience"),
    ("cash handling 3 yrs at a grocery store", "strengths", "strength_np", "3 years of cash handling experience at a grocery store"),
    ("journeyman 12 yrs, foreman 4", "strengths", "strength_np", "12 years as a journeyman"),
    ("fluent italian + spanish, conversational portuguese", "strengths", "strength_adj",
     "fluent in Italian and Spanish, with conversational Portuguese"),
    ("speaks vietnamese + some cantonese", "strengths", "strength_clause", "I speak Vietnamese and some Cantonese"),
    ("ran a 120 cover kitchen", "strengths", "strength_clause", "I ran a 120 cover kitchen"),
    ("dry needling certified", "strengths", "strength_np", "my dry needling certification"),
    # strengths phrased so "I can also offer ..." fits them
    ("ex military police", "strengths", "strength_np", "my experience as military police"),
    ("OSHA 500 trainer", "strengths", "strength_np", "my experience as an OSHA 500 trainer"),
    ("laminated doughs", "strengths", "strength_np", "experience with laminated doughs"),
    ("e-discovery w/ Relativity", "strengths", "strength_np", "experience in e-discovery with Relativity"),
    ("bilingual classroom experience", "strengths", "strength_np", "bilingual classroom experience"),
    ("good w/ canva, capcut, meta business suite", "strengths", "strength_adj", "good with canva, capcut and meta business suite"),
    # corrections said with a hedge, or of a word rather than a number
    ("I said 20 guests but it was 12 walked, oops", "clarify", "correction", "it was 12 guests"),
    ("I said 3 years but its closer to 2 at the ER clinic", "clarify", "correction", "it is closer to 2 years at the ER clinic"),
    ("I said 80k views but I think it was 65k", "clarify", "correction", "it was 65k views"),
    ("said 10 yrs security but it's 12", "clarify", "correction", "it is 12 years of security experience"),
    ("told her tuesday, meant thursday", "clarify", "correction", "I meant Thursday"),
    # a note to self or a "should mention" is never a topic, wherever it was jotted
    ("should mention the safety award", "topics", "missing", "the safety award"),
    ("note to self: ask about parking", "topics", "unasked", "parking"),
    # two jottings in one item: the first is read
    ("overtime is by seniority. seniority based as well", "topics", "point", "overtime is by seniority"),
    # a yes-or-no question with the candidate's yes
    ("asked if I can work nights - yes", "topics", "question", "whether I can work nights"),
    ("we both ex navy seabees", "shared_interests", "interest", "we are both former navy seabees"),
    # highlights: about the company, not the candidate's day
    ("unit is opening 8 new beds in march", "highlights", "highlight", "the unit is opening 8 new beds in March"),
    ("they're short staffed on nights", "highlights", "highlight", "you are short staffed on nights"),
    ("approx 40 ppl on the claims team", "highlights", "highlight", "there are about 40 people on the claims team"),
    # read in the fifth batch of hurried facts
    ("I said I raised 2 puppies but it's actually 3 (forgot about rocket)", "clarify", "correction", "I raised 3 puppies"),
    ("told her I passed the cble in october, meant april", "clarify", "correction", "I passed the cble in April"),
    ("he's the it guy, asked what software I've used (cargowise, abi)", "topics", "question",
     "what software I have used (cargowise, abi)"),
    ("msc meteorology, univ of bergen", "strengths", "strength_np", "my MSc in meteorology from the University of Bergen"),
    ("the rental fleet, 80 bikes", "topics", "topic", "the rental fleet of 80 bikes"),
    ("asked me thru the case, icing at bodø, I think I did ok (?)", "topics", "moment",
     "you walked me through the case on icing at bodø"),
    ("7 yrs, colour specialist", "strengths", "strength_np", "7 years as a colour specialist"),
    ("the nhs trust audit", "topics", "topic", "the NHS trust audit"),
    ("5 km run, 3 kg", "topics", "topic", "5 km run (3 kg)"),
    ("asked how I'd tell a client their dog isn't working out", "topics", "question",
     "how I would tell a client their dog is not working out"),
    ("talked shift handovers, he hates bad ones (fair)", "topics", "topic", "shift handovers"),
    ("the water rates thing", "topics", "topic", "the water rates"),
]


@pytest.mark.parametrize(("item", "field", "kind", "text"), READINGS)
def test_reads_what_the_item_is(item: str, field: str, kind: str, text: str) -> None:
    read = read_fact(item, field)[0]
    assert (read.kind, read.text) == (kind, text)
    assert read.source == item


def test_a_correction_keeps_the_figure_first_given() -> None:
    assert read_fact("I said 4 years but it's actually 6", "clarify")[0].wrong == "4"
    assert read_fact("i said I cut deadhead miles 12%, it was like 15%", "clarify")[0].wrong == "12%"


@pytest.mark.parametrize(("item", "answer"), [
    ("she asked if I can work weekends, said yes except sunday mornings", "I can, except Sunday mornings"),
    ("asked if I'm ok with nights - yes", "I am"),
    ("asked if I have a CDL, yes", "I do"),
    ("asked if I can work weekends, said no", ""),  # a no is not repeated back
    ("asked if I can travel, said yes but she seemed unsure", ""),  # nor an answer that says more than a yes
])
def test_a_yes_to_their_question_is_kept_as_the_answer(item: str, answer: str) -> None:
    read = read_fact(item, "topics")[0]
    assert (read.kind, read.added) == ("question", answer)


def test_a_correction_it_cannot_make_out_is_left_out_not_pasted() -> None:
    assert [f.kind for f in read_fact("I said 20 but it was more, roughly, like it depends", "clarify")] == ["unusable"]


def test_a_topic_with_a_point_after_its_comma_gives_both() -> None:
    found = read_fact("staff retention, she said they lost 3 cooks this year", "topics")
    assert [(f.kind, f.text) for f in found] == [("topic", "staff retention"), ("point", "you lost 3 cooks this year")]


UNUSABLE = [
    ("saw the donor floor", "highlights"), ("short written calculations test first", "highlights"),
    ("3 on the panel", "highlights"), ("4 of them on the panel", "highlights"), ("3 ppl + they offered a beer", "highlights"),
    ("workshop smells amazing lol", "highlights"), ("autumn is mad busy", "highlights"), ("2 part interview", "highlights"),
    ("commission", "topics"), ("free livery for one horse on site", "topics"), ("van home at night, fuel card", "topics"),
    ("6am start", "highlights"), ("4 on 4 off nights rota", "highlights"), ("4 day week", "highlights"),
    ("they'll get back by friday", "highlights"), ("about 9k items a month at this branch", "highlights"),
    ("forgot to ask about tuition reimbursement", "clarify"),
    ("parking was a nightmare", "highlights"),
    ("security line took 20 min lol", "highlights"),
    ("newsroom is way quieter than I expected", "highlights"),
    ("panel interview 4 ppl in a tiny conference room", "highlights"),
    ("camera kept freezing sorry", "clarify"),
    ("nice office lol", "clarify"),
    ("discussed pay + benefits, approx 3 weeks PTO", "topics"),
    ("wish I'd asked about the bonus structure", "clarify"),
    ("she seemed really into the food pantry thing like", "topics"),
    ("dog barked the whole call lol", "topics"),
    ("note to self: send references by wednesday", "clarify"),
    ("messed up the sauce temp, want to say I know it should be 165", "clarify"),
    ("told her 2020, it was 2022 midterms actually", "clarify"),
    ("very friendly, made me feel at ease", "topics"),
    ("she was great lol", "topics"),
    ("cat walked across my keyboard mid answer lol", "clarify"),
    ("asked him abt remote - no lol", "topics"),
    ("2 ppl, approx 45 min, in the back of the workshop", "highlights"),
    ("hr will call re next round", "highlights"),
    ("cwb certified all position", "strengths"),
    # hurried batch 8: the decision date, and remarks about a person, are no topics
    ("they'll let people know within 2 weeks", "highlights"),
    ("quiet but nice guy", "topics"),
    ("bit weird", "topics"),
]


@pytest.mark.parametrize(("item", "field"), UNUSABLE)
def test_what_cannot_be_woven_in_is_unusable(item: str, field: str) -> None:
    assert [f.kind for f in read_fact(item, field)] == ["unusable"]


TIDYING = [
    ("friday skills fair in march", "Friday skills fair in March"),
    ("the bunker rakes lol, nice guy", "the bunker rakes, nice guy"),  # a filler word takes no comma with it
    ("I may ask in may", "I may ask in May"),
    ("we march on", "we march on"),
    ("spanish + tagalog", "Spanish and Tagalog"),
    ("ordering on tuesdays", "ordering on Tuesdays"),
    ("good w/ kids, 6 yrs, 3 hrs a day, 40 ppl", "good with kids, 6 years, 3 hours a day, 40 people"),
    ("b/c mgmt wants it lol!!", "because management wants it"),
    ("supporting ELL students, e.g. sentence frames", "supporting ELL students (for example, sentence frames)"),
    ("esp. during overbooking", "especially during overbooking"),
    ("Olive & Thyme", "Olive & Thyme"),
    ("AP style :) and CI/CD", "AP style and CI/CD"),
    ("we both lived in busan for a while", "we both lived in Busan for a while"),
    ("both worked in retail", "both worked in retail"),
    ("a pt refused therapy, 30 pts a day", "a patient refused therapy, 30 patients a day"),
    ("grew followers 300% at last org", "grew followers 300% at my last organization"),
    ("list of ~40 bottles, like 40ish wines", "list of about 40 bottles, about 40 wines"),
    ("wrote 4 SOPs at current job", "wrote 4 SOPs at my current job"),
    ("BS chemistry, 40+ drivers, 12 patients/day", "BS in chemistry, over 40 drivers, 12 patients a day"),
    ("legal docs, ops, 65 wpm, jokes/puns, and/or, 24/7", "legal documents, operations, 65 words per minute, jokes and puns, and/or, 24/7"),
    # hurried batch 8
    ("season starts late nov, supervisors in by nov 10", "season starts late November, supervisors in by November 10"),
    ("oct 12 start, a novel idea", "October 12 start, a novel idea"),
    ("GlobalG.A.P. + the supermarket audits", "GlobalG.A.P. and the supermarket audits"),
    ("30 cans/min", "30 cans a minute"),
    ("I'd settled 120 loans", "I had settled 120 loans"),
    ("IMO Level 2, imo", "IMO Level 2"),
]


@pytest.mark.parametrize(("item", "clause"), [("Managed a team of 8", "I managed a team of 8"),
                                               ("Ran the Oslo depot", "I ran the Oslo depot")])
def test_a_strength_that_starts_with_a_capitalised_verb_reads_mid_sentence(item: str, clause: str) -> None:
    assert read_fact(item, "strengths")[0].text == clause


CORRECTIONS_STATED = [
    ("my oil spill response training is IMO Level 2, not Level 3", "my oil spill response training is IMO Level 2", "Level 3"),
    ("I built 22 marionettes for Don Quixote, not 25", "I built 22 marionettes for Don Quixote", "25"),
    ("forgot to mention: I have my food safe level 1 too", None, None),
]


@pytest.mark.parametrize(("item", "right", "wrong"), CORRECTIONS_STATED)
def test_a_clarification_stated_with_not_is_a_correction(item: str, right: str | None, wrong: str | None) -> None:
    [fact] = read_fact(item, "clarify")
    if right is None:  # "forgot to mention: X" is the missing point X, not a correction
        assert (fact.kind, fact.text) == ("missing", "that I have my food safe level 1 too")
    else:
        assert (fact.kind, fact.text, fact.wrong) == ("correction", right, wrong)


@pytest.mark.parametrize(("raw", "clean"), TIDYING)
def test_tidy(raw: str, clean: str) -> None:
    assert tidy(raw) == clean


@pytest.mark.parametrize("path", TIDY_FACTS, ids=lambda p: p.stem)
def test_tidy_facts_are_all_usable_and_cited_as_written(path: Path) -> None:
    """Facts written as tidy phrases (the shipped example, the labelled facts) pass through unchanged."""
    facts = load_facts(path)
    assert left_out_notices(facts) == []
    for index in range(len(facts.interviewers)):
        for field, items in read_interviewer_facts(facts, index).items():
            for fact in items:
                if field != "clarify" and fact.kind in ("topic", "interest"):
                    assert fact.text.lower() == fact.source.lower().rstrip("."), fact
    assert all(f.kind != "unusable" for items in read_candidate_facts(facts).values() for f in items)


def test_left_out_notice_names_the_field_and_how_to_phrase_it(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(
        "candidate: {name: Maria Santos}\ncompany: St. Brigid\nrole: ICU Nurse\n"
        "interviewers:\n  - name: Linda Haverford\n    topics: [the residency program, parking was a nightmare lol]\n"
        "    clarify: [camera kept freezing sorry]\n",
        encoding="utf-8",
    )
    notices = left_out_notices(load_facts(path))
    assert len(notices) == 2
    assert notices[0].startswith("interviewers[0].topics[1]: left out")
    assert "parking was a nightmare lol" in notices[0] and "write it as" in notices[0]
    assert notices[1].startswith("interviewers[0].clarify[0]: left out")
    assert left_out_notices(load_facts(path), []) == []  # only the chosen interviewers' items
