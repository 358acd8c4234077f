"""Each guardrail rule, from both sides: notes it must flag and notes it must let through.

Every case edits one sentence of a known-good note (the offline composer's note to Dana
Whitfield), so a failing case breaks only the rule under test.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from followup.facts import load_facts
from followup.guardrails import check_note, check_panel, load_policy
from followup.guardrails.autofix import autofix
from followup.guardrails.policy import PolicyError
from followup.notes import Note
from conftest import EXAMPLE

FACTS = load_facts(EXAMPLE)
DANA = FACTS.interviewers[0]
AT_INTERVIEW = FACTS.interview.ended_at

GOOD_BODY = """Dear Dana,

Thank you for meeting with me about the Senior Site Reliability Engineer role at Northwind Robotics. I especially enjoyed our conversation about cutting on-call pages by 40% with better alert routing. It connects directly to my own background: five years running Kubernetes in production.

It was a pleasure to discover that we both mentor at a coding club for teens.

I realize I did not mention my Terraform state migration work. I would be glad to tell you more about it.

I am very interested in the role and in contributing to the team. Thank you again for your time.

Best regards,
Jordan Rivera"""
GOOD_SUBJECT = "Thank you for the Senior Site Reliability Engineer interview"
ANCHOR = "I am very interested in the role and in contributing to the team."


def with_sentence(sentence: str, *, replace: str = ANCHOR) -> Note:
    """The good note with one sentence swapped in."""
    assert replace in GOOD_BODY
    return Note(subject=GOOD_SUBJECT, body=GOOD_BODY.replace(replace, sentence))


def rules_fired(note: Note, *, now: datetime | None = AT_INTERVIEW, errors_only: bool = True) -> set[str]:
    result = check_note(note, FACTS, DANA, now=now)
    return {v.rule for v in result.violations if v.severity == "error" or not errors_only}


def test_the_good_note_passes_every_rule() -> None:
    result = check_note(Note(subject=GOOD_SUBJECT, body=GOOD_BODY), FACTS, DANA, now=AT_INTERVIEW)
    assert result.violations == []
    assert result.passed


# (rule, sentences that must trip it, sentences that must not)
SENTENCE_CASES = [
    ("profanity", ["The alerting setup you described is damn impressive.", "Honestly, our last pager rotation was shit."],
     ["I am keen to help the team assess the alerting setup.", "I enjoyed the class on shell scripting you mentioned."]),
    ("slang", ["I'm gonna be thinking about that alert routing for a while.", "Tbh the role sounds like a great match.",
               "Let me know if u need anything else from me."],
     ["I am going to keep thinking about alert routing.", "I used the R language for reporting."]),
    ("emoji", ["I am very interested in the role 🙂", "Thanks again for the chat :)", "Looking forward to it ;-)"],
     ["The meeting ended at 16:30.", "See the dashboard at https://example.com/x for the SLO graphs."]),
    ("exclamation", ["I am very interested in the role!!", "I loved it! I am very interested! Truly!"],
     ["I am very interested in the role!"]),
    ("shouting", ["I am SO EXCITED about the role.", "I am REALLY interested in the role."],
     ["I am very interested in the SRE role and the AWS migration.", "The ICU and HIPAA work sounds interesting."]),
    ("over_familiar", ["Thanks again, buddy.", "Cheers, mate, for the great chat.", "You rock, dude."],
     ["I would welcome the chance to contribute to the team."]),
    ("romantic", ["I felt a real connection with you and can't stop thinking about you.",
                  "I would love to grab a drink with you sometime.", "Your smile made my day."],
     ["I am excited about the roadmap.", "I am flexible on the start date for the role."]),
    ("personal_remark", ["You looked lovely in that blue jacket.", "Your kids in the desk photo are adorable.",
                         "You look young to be an engineering manager."],
     ["The team photo from the offsite showed a close-knit group."]),
    ("compensation", ["I would like to discuss the salary range soon.", "The free lunches and stock options sound great.",
                      "Could you share the bonus structure for the role?"],
     ["I will pay attention to the alert routing details.", "Smaller on-call teams have real benefits for focus."]),
    ("employer_criticism", ["My current employer is a toxic mess, so this role would be a relief.",
                            "My previous manager never listened to anyone on the team."],
     ["My current team runs about two hundred services on Kubernetes."]),
    ("gushing", ["You are the most brilliant engineer I have ever met.", "You are a genius and a true rock star.",
                 "It was an amazing, incredible, fantastic, outstanding day."],
     ["I appreciated how clearly you explained the on-call changes.", "It was a wonderful conversation."]),
    ("dwelling", ["I know I completely blanked on your scaling question.", "I really messed up the design exercise."],
     ["In further consideration of your question about alert routing, I would add one point."]),
    ("grovelling", ["I am so sorry for rambling, and please forgive my long answers.",
                    "Sorry again for the long answers; my apologies for taking your time, and sorry for the delay."],
     ["I was sorry to miss the team lunch."]),
    ("self_deprecation", ["I know I'm not the strongest candidate for the role.", "I am probably not qualified for this, but I am keen."],
     ["I am confident my experience fits the role."]),
    ("nerves", ["I was so nervous that I rushed some answers.", "My nerves got the better of me in the morning."],
     ["I was glad to hear the on-call load has dropped."]),
    ("desperation", ["I really need this job, so please hire me.", "This role is my last hope after months of searching."],
     ["I would welcome the chance to contribute to the team."]),
    ("pressure", ["I expect to hear back from you by Friday.", "When can I start?",
                  "I have another offer, so I need an answer by Monday."],
     ["I look forward to hearing about next steps.", "I am flexible about a start date."]),
    ("placeholder", ["I am very interested in the role at [Company Name].", "I would bring XX years of experience.",
                     "I am very interested in the {role} role."],
     ["I am very interested in the role."]),
    ("invented_fact", ["As Sarah mentioned, the team is growing.", "My 12 years at Google taught me a lot about paging.",
                       "I once cut costs by 73% on a similar project."],
     ["Cutting pages by 40% is a goal I share.", "Please pass my thanks to Priya and Marcus as well."]),
]


@pytest.mark.parametrize(("rule", "sentence"), [(r, s) for r, bad, _ in SENTENCE_CASES for s in bad])
def test_rule_flags_a_bad_sentence(rule: str, sentence: str) -> None:
    assert rule in rules_fired(with_sentence(sentence))


@pytest.mark.parametrize(("rule", "sentence"), [(r, s) for r, _, good in SENTENCE_CASES for s in good])
def test_rule_lets_an_innocent_sentence_through(rule: str, sentence: str) -> None:
    assert rules_fired(with_sentence(sentence)) == set()


def test_a_single_thank_you_exclamation_passes() -> None:
    assert rules_fired(with_sentence("Thank you again for your time!", replace="Thank you again for your time.")) == set()


@pytest.mark.parametrize("greeting", ["Dear Hiring Manager,", "Hi there,", "To whom it may concern,"])
def test_greeting_that_does_not_name_the_interviewer_fails(greeting: str) -> None:
    assert "greeting_name" in rules_fired(with_sentence(greeting, replace="Dear Dana,"))


@pytest.mark.parametrize("greeting", ["Dear Dana,", "Hello Dana,", "Dear Ms. Whitfield,", "Dear Dana Whitfield,"])
def test_greeting_by_name_passes(greeting: str) -> None:
    assert rules_fired(with_sentence(greeting, replace="Dear Dana,")) == set()


@pytest.mark.parametrize("greeting", ["Dear Priya,", "Dear Sarah,"])
def test_greeting_to_someone_else_is_a_wrong_recipient(greeting: str) -> None:
    fired = rules_fired(with_sentence(greeting, replace="Dear Dana,"))
    assert "wrong_recipient" in fired
    assert "greeting_name" not in fired


GENERIC_REFERENCE_BODY = GOOD_BODY.replace(
    "I especially enjoyed our conversation about cutting on-call pages by 40% with better alert routing. ", ""
).replace("It was a pleasure to discover that we both mentor at a coding club for teens.",
          "It was a pleasure to learn more about the team.")


def test_note_citing_nothing_from_this_interviewer_fails() -> None:
    assert "no_reference" in rules_fired(Note(subject=GOOD_SUBJECT, body=GENERIC_REFERENCE_BODY))


@pytest.mark.parametrize("reference", [
    "I keep coming back to your plan to route alerts better so on-call gets paged 40% less.",
    "Your plans for autoscaling Spark on Kubernetes were fascinating.",  # Priya's topic: not Dana's
])
def test_reference_matching_survives_paraphrase_but_stays_per_interviewer(reference: str) -> None:
    body = GENERIC_REFERENCE_BODY.replace("It was a pleasure to learn more about the team.", reference)
    fired = rules_fired(Note(subject=GOOD_SUBJECT, body=body))
    cites_dana = "alerts" in reference
    assert ("no_reference" in fired) is not cites_dana


def test_paraphrased_topic_of_another_panel_member_cites_for_them() -> None:
    priya = FACTS.interviewers[1]
    body = GOOD_BODY.replace("Dear Dana,", "Dear Priya,").replace(
        "I especially enjoyed our conversation about cutting on-call pages by 40% with better alert routing.",
        "Your plans for autoscaling Spark on Kubernetes were fascinating.",
    ).replace("It was a pleasure to discover that we both mentor at a coding club for teens.", "").replace(
        "I realize I did not mention my Terraform state migration work. I would be glad to tell you more about it.", "")
    result = check_note(Note(subject=GOOD_SUBJECT, body=body), FACTS, priya, now=AT_INTERVIEW)
    assert "no_reference" not in {v.rule for v in result.violations}


def test_company_and_role_missing_fails_and_either_one_passes() -> None:
    neither = GOOD_BODY.replace("about the Senior Site Reliability Engineer role at Northwind Robotics", "today")
    assert "company_role" in rules_fired(Note(subject="Thank you", body=neither))
    only_company = GOOD_BODY.replace("the Senior Site Reliability Engineer role at ", "")
    assert "company_role" not in rules_fired(Note(subject="Thank you", body=only_company))
    only_role = GOOD_BODY.replace(" at Northwind Robotics", "")
    assert "company_role" not in rules_fired(Note(subject="Thank you", body=only_role))


def test_structure_rules() -> None:
    no_greeting = GOOD_BODY.replace("Dear Dana,\n\n", "")
    assert "no_greeting" in rules_fired(Note(subject=GOOD_SUBJECT, body=no_greeting))
    no_thanks = GOOD_BODY.replace("Thank you for meeting with me", "I met with you").replace(
        " Thank you again for your time.", "")
    assert "no_thanks" in rules_fired(Note(subject=GOOD_SUBJECT, body=no_thanks))
    no_signoff = GOOD_BODY.replace("\n\nBest regards,\nJordan Rivera", "")
    assert "no_signoff" in rules_fired(Note(subject=GOOD_SUBJECT, body=no_signoff))
    assert "subject" in rules_fired(Note(subject="", body=GOOD_BODY))


def test_length_limits_are_errors_outside_40_350_and_warnings_outside_80_220() -> None:
    short = "Dear Dana,\n\nThank you for the interview for the SRE role at Northwind Robotics.\n\nBest regards,\nJordan Rivera"
    assert "length" in rules_fired(Note(subject=GOOD_SUBJECT, body=short))
    padding = " I am also glad we talked about cutting on-call pages with better alert routing." * 30
    long_body = GOOD_BODY.replace(ANCHOR, ANCHOR + padding)
    assert "length" in rules_fired(Note(subject=GOOD_SUBJECT, body=long_body))
    medium = GOOD_BODY.replace(ANCHOR, ANCHOR + padding[: len(padding) // 3].replace(". I am", ".\n\nI am"))  # paragraphs, not a wall
    result = check_note(Note(subject=GOOD_SUBJECT, body=medium), FACTS, DANA, now=AT_INTERVIEW)
    assert {v.rule: v.severity for v in result.violations}.get("length_range") == "warning"
    assert result.passed


def test_long_subject_is_a_warning_only() -> None:
    result = check_note(Note(subject="Thank you " * 10, body=GOOD_BODY), FACTS, DANA, now=AT_INTERVIEW)
    assert [(v.rule, v.severity) for v in result.violations] == [("subject_length", "warning")]
    assert result.passed


def test_stock_phrases_warn_but_do_not_fail() -> None:
    note = with_sentence("I hope this email finds you well, and do not hesitate to reach out.")
    result = check_note(note, FACTS, DANA, now=AT_INTERVIEW)
    assert {v.rule for v in result.violations} == {"stock_phrase"}
    assert all(v.severity == "warning" for v in result.violations)
    assert result.passed


def test_timeliness_warns_after_24_hours_only() -> None:
    note = Note(subject=GOOD_SUBJECT, body=GOOD_BODY)
    assert "late" not in rules_fired(note, now=AT_INTERVIEW + timedelta(hours=23), errors_only=False)
    late = check_note(note, FACTS, DANA, now=AT_INTERVIEW + timedelta(hours=30))
    assert [(v.rule, v.severity) for v in late.violations] == [("late", "warning")]


def test_rules_needing_facts_are_skipped_and_named_without_them() -> None:
    result = check_note(Note(subject=GOOD_SUBJECT, body=GOOD_BODY))
    assert result.passed
    assert {"greeting_name", "no_reference", "invented_fact", "company_role"} <= set(result.skipped)
    emoji = check_note(with_sentence("Great chat 🙂"))
    assert "emoji" in {v.rule for v in emoji.violations}


def test_violations_carry_a_span_and_excerpt_of_the_offending_text() -> None:
    note = with_sentence("I am SO excited about the role.")
    violation = next(v for v in check_note(note, FACTS, DANA, now=AT_INTERVIEW).violations if v.rule == "shouting")
    assert violation.category == "professionalism"
    assert note.body[violation.start:violation.end] == "SO"
    assert violation.excerpt == "SO"


def test_near_copies_in_a_panel_are_flagged_and_distinct_notes_are_not() -> None:
    dana = Note(subject=GOOD_SUBJECT, body=GOOD_BODY)
    copy = Note(subject=GOOD_SUBJECT, body=GOOD_BODY.replace("Dana", "Priya"))
    found = check_panel({"Dana Whitfield": dana, "Priya Raman": copy})
    assert [v.rule for v in found["Priya Raman"]] == ["near_copy"]
    different = Note(subject="Thanks, Priya", body="Dear Priya,\n\nThank you for the time you spent on Spark "
                     "autoscaling and telemetry capacity with me. The robot telemetry pipeline sounds like a great "
                     "problem.\n\nKind regards,\nJordan Rivera")
    assert check_panel({"Dana Whitfield": dana, "Priya Raman": different}) == {"Dana Whitfield": [], "Priya Raman": []}


def test_autofix_repairs_mechanical_faults_and_the_result_passes() -> None:
    note = with_sentence("I am very interested in the role!!! 🎉")
    assert {"exclamation", "emoji"} <= rules_fired(note)
    fixed, changed = autofix(note)
    assert changed
    assert rules_fired(fixed) == set()
    assert autofix(fixed) == (fixed, False)


def test_a_user_policy_can_add_banned_phrases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = load_policy()
    text = Path(shipped.source).read_text(encoding="utf-8").replace(
        "phrases: [i hope this email finds you well,", "phrases: [circle back, i hope this email finds you well,")
    custom = tmp_path / "policy.yaml"
    custom.write_text(text.replace("severity: warning\n    message: This stock phrase",
                                   "severity: error\n    message: This stock phrase"), encoding="utf-8")
    note = with_sentence("I would be glad to circle back on the alert routing.")
    assert rules_fired(note) == set()
    monkeypatch.setenv("FOLLOWUP_GUARDRAILS", str(custom))
    result = check_note(note, FACTS, DANA, now=AT_INTERVIEW)
    assert [v.rule for v in result.violations if v.severity == "error"] == ["stock_phrase"]


def test_a_broken_policy_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("rules:\n  - id: x\n    check: nonsense\n    category: structure\n    severity: error\n    message: m\n")
    with pytest.raises(PolicyError, match="unknown check 'nonsense'"):
        load_policy(bad)
    bad.write_text("rules:\n  - id: x\n    check: phrases\n    category: structure\n    severity: error\n"
                   "    message: m\n    phrases: ['re:(unclosed']\n")
    with pytest.raises(PolicyError, match="bad pattern"):
        load_policy(bad)
