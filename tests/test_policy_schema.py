"""The policy file is typed: a wrong key, category or type is one line naming the file, rule and key
(exit 2); rules share one vocabulary; a rule's fix removes what it flags; limits are read once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, invoke, isolate
from conftest import REPO_ROOT
from test_guardrails import AT_INTERVIEW, DANA, EXAMPLE, FACTS, with_sentence

from followup.facts import load_facts
from followup.guardrails import check_note, load_policy
from followup.guardrails.autofix import autofix
from followup.models.offline import Style, compose
from followup.notes import Note
from followup.output import deadline_line
from followup.prompts import draft_messages

SHIPPED = Path(load_policy().source).read_text(encoding="utf-8")
NOTE = "Dear Dana,\n\nThank you for your time.\n\nBest regards,\nJordan Rivera\n"


def edited_policy(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SHIPPED
    path = tmp_path / "my-policy.yaml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "needles"), [
    ("    max_counted: 2\n", "    max_countd: 2\n", ["rules.gushing", "unknown option 'max_countd'"]),
    ("    category: professionalism\n", "    category: profesionalism\n",
     ["rules.profanity.category", "'profesionalism' is not one of", "'professionalism'"]),
    ("    max_counted: 2\n", "    max_counted: two\n", ["rules.gushing.max_counted", "integer", "'two'"]),
    ("    severity: warning\n", "    severity: warn\n", ["rules.stock_phrase.severity", "'warn'"]),
    ("    pasted_severity: warning  # a note", "    pasted_severity: maybe  # a note", ["rules.company_role.pasted_severity", "'maybe'"]),
    ("  max_words: 220", "  max_wrds: 220", ["limits", "unknown option 'max_wrds'"]),
    ("initiatives: [program,", "initiatives: [yes,", ["rules.invented_fact.initiatives", "put it in quotes"]),
    ("    check: shouting\n", "    check: shouting\n    allow: [SRE]\n", ["rules.shouting", "unknown option 'allow'"]),
    ('together: ["employer + negative"]', 'together: ["employer + negativ"]', ["rules.employer_criticism"]),
    ("  acronyms: [", "  acronym: [", ["vocabulary", "unknown option 'acronym'"]),
    ("\nrules:\n", "\nrulez: []\nrules:\n", ["unknown key 'rulez'"]),
    ('      flag: ["The alerting setup you described is damn impressive."]', '      flag: [{sentense: "damn"}]',
     ["rules.profanity.examples.flag.0", "unknown option 'sentense'"]),
])
def test_a_mistake_in_the_policy_is_one_line_naming_file_rule_and_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, needles: list[str]) -> None:
    isolate(tmp_path, monkeypatch)
    policy = edited_policy(tmp_path, old, new)
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    assert_one_line_error(invoke("check", note, "--policy", policy), "my-policy.yaml", *needles)


def test_the_shared_vocabulary_does_not_depend_on_the_shouting_rule(tmp_path: Path) -> None:
    note = with_sentence("I have helped teams meet GDPR and HIPAA rules.")
    off = load_policy(edited_policy(tmp_path, "    check: shouting\n", "    check: shouting\n    enabled: false\n"))
    assert off.rule("shouting") is None
    for policy in (load_policy(), off):
        assert "invented_fact" not in {v.rule for v in check_note(note, FACTS, DANA, policy=policy, now=AT_INTERVIEW).violations}
    assert "invented_fact" in {v.rule for v in check_note(with_sentence("I have helped teams meet ZQXW rules."),
                                                            FACTS, DANA, now=AT_INTERVIEW).violations}


@pytest.mark.parametrize("mark", ["⭐", "🎉", "✅", "⬆️"])
def test_what_the_emoji_rule_flags_its_fix_removes(mark: str) -> None:
    note = with_sentence(f"I am very interested in the role {mark}")
    assert "emoji" in {v.rule for v in check_note(note, FACTS, DANA, now=AT_INTERVIEW).violations}
    fixed, changed = autofix(note)
    assert changed and mark not in fixed.body
    assert "emoji" not in {v.rule for v in check_note(fixed, FACTS, DANA, now=AT_INTERVIEW).violations}


def test_a_disabled_rule_makes_no_fix(tmp_path: Path) -> None:
    off = load_policy(edited_policy(tmp_path, "    check: emoji\n", "    check: emoji\n    enabled: false\n"))
    note = with_sentence("I am very interested in the role ⭐")
    assert autofix(note, off) == (note, False)


def test_limits_and_vocabulary_a_user_policy_leaves_out_come_from_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "short.yaml"
    path.write_text("limits:\n  send_within_hours: 48\nrules: []\n", encoding="utf-8")
    policy = load_policy(path)
    assert policy.limits.send_within_hours == 48
    assert policy.limits.max_words == load_policy().limits.max_words
    assert policy.vocabulary == load_policy().vocabulary
    own = tmp_path / "own-vocabulary.yaml"  # (policies are cached by path)
    own.write_text("vocabulary:\n  acronyms: [GDPR]\nrules: []\n", encoding="utf-8")
    assert load_policy(own).vocabulary.acronyms == ["GDPR"]


def test_prompts_composer_and_deadline_read_the_policy_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    changed = SHIPPED.replace("  max_words: 220", "  max_words: 190").replace(
        "  send_within_hours: 24", "  send_within_hours: 36").replace("  max_subject_chars: 78", "  max_subject_chars: 30")
    path = tmp_path / "policy.yaml"
    path.write_text(changed, encoding="utf-8")
    usual_subject = compose(FACTS, DANA, Style()).subject
    assert len(usual_subject) > 30
    system = draft_messages(FACTS, DANA, load_policy(path).note_limits)[0]["content"]
    assert "190" in system and "220" not in system
    assert load_policy().send_by(load_facts(EXAMPLE)) == AT_INTERVIEW + timedelta(hours=24)
    monkeypatch.setenv("FOLLOWUP_GUARDRAILS", str(path))
    assert load_policy().send_by(load_facts(EXAMPLE)) == AT_INTERVIEW + timedelta(hours=36)
    assert deadline_line(FACTS, now=AT_INTERVIEW + timedelta(hours=30)).endswith("6 h left")
    assert deadline_line(FACTS, now=AT_INTERVIEW + timedelta(hours=40)).startswith("36 h have passed")
    late = check_note(Note(subject="x", body=NOTE), FACTS, DANA, now=AT_INTERVIEW + timedelta(hours=30))
    assert "late" not in {v.rule for v in late.violations}
    assert compose(FACTS, DANA, Style()).subject == "Thank you for your time"  # the short fallback


def test_the_send_by_deadline_follows_the_policy_given_with_policy(tmp_path: Path) -> None:
    """--policy FILE, not only FOLLOWUP_GUARDRAILS, sets send_within_hours for the deadline write reports."""
    import json

    import yaml

    shipped = yaml.safe_load((REPO_ROOT / "guardrails" / "policy.yaml").read_text(encoding="utf-8"))
    shipped["limits"]["send_within_hours"] = 36
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump(shipped, sort_keys=False, allow_unicode=True), encoding="utf-8")
    shown = invoke("write", EXAMPLE, "--json", "--policy", mine)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["send_by"] == (AT_INTERVIEW + timedelta(hours=36)).isoformat()
