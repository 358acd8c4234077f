"""The learned tone rule (negative_tone): both sides in sentences written for
these tests (not from the labelled corpus they were trained on), the shipped models being what the
training script makes of the corpus, a broken model file, and the offline composer's repair by
leaving a misread sentence out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cli_helpers import assert_one_line_error
from test_guardrails import ANCHOR, GOOD_BODY, rules_fired, with_sentence

from followup.guardrails import check_note, load_policy
from followup.guardrails.tone import load_model
from followup.guardrails.tone_training import (
    TONE_CATEGORIES,
    corpus_sentences,
    examples_for,
    train,
)
from followup.models.offline import leave_out_flagged
from followup.notes import Note
from followup.resources import data_dir

TONE_CASES = [
    ("negative_tone", [
        "My landlord needs an answer on the lease by Monday, so I would be grateful to hear where I stand before then.",
        "I have already sketched out the rota for my crew for the first month.",
        "I am so sorry for how long my answers ran; I was all over the place.",
    ], [
        "I would welcome hearing about next steps whenever the team is ready.",
        "I realize I did not mention my Terraform state migration work.",
        "I was sorry to hear the offsite was cancelled.",
    ]),
]


@pytest.mark.parametrize(("rule", "sentence"), [(r, s) for r, bad, _ in TONE_CASES for s in bad])
def test_a_learned_rule_reads_the_intent_in_new_words(rule: str, sentence: str) -> None:
    assert rule in rules_fired(with_sentence(sentence))


@pytest.mark.parametrize(("rule", "sentence"), [(r, s) for r, _, good in TONE_CASES for s in good])
def test_a_learned_rule_lets_a_good_sentence_through(rule: str, sentence: str) -> None:
    assert rule not in rules_fired(with_sentence(sentence))


def test_the_flagged_span_is_the_sentence() -> None:
    sentence = "I have already sketched out the rota for my crew for the first month."
    note = with_sentence(sentence)
    found = [v for v in check_note(note).violations if v.rule == "negative_tone"]
    assert [note.body[v.start:v.end] for v in found] == [sentence]


def test_the_shipped_models_are_what_the_corpus_trains() -> None:
    """Retrained from evals/labelled as it is, each model matches the shipped file: nobody edited the
    weights by hand, and nobody added labelled notes without retraining (scripts/train_tone_model.py)."""
    sentences = corpus_sentences()
    for category in TONE_CATEGORIES:
        retrained = train(examples_for(category, sentences))
        shipped = load_model(str(data_dir("guardrails") / "tone" / f"{category}.json"))
        assert abs(retrained.bias - shipped.bias) < 1e-3
        strong = {f: w for f, w in retrained.weights.items() if abs(w) >= 0.01}
        assert strong, category
        assert max(abs(w - shipped.weights.get(f, 0.0)) for f, w in strong.items()) < 1e-3, category


def test_a_broken_model_file_is_one_line_naming_it(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    policy = yaml.safe_load((data_dir("guardrails") / "policy.yaml").read_text(encoding="utf-8"))
    for entry in policy["rules"]:
        if entry["check"] == "learned_tone":
            entry["model"] = "broken.json"
    (tmp_path / "policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    note = tmp_path / "note.txt"
    note.write_text(GOOD_BODY, encoding="utf-8")
    result = cli("check", str(note), "--policy", str(tmp_path / "policy.yaml"))
    assert_one_line_error(result, "broken.json", "not a tone model")


def test_leaving_out_a_flagged_sentence_keeps_the_rest() -> None:
    sentence = "I have already sketched out the rota for my crew for the first month."
    note = with_sentence(sentence)
    flagged = [v for v in check_note(note).violations if v.rule == "negative_tone"]
    repaired = leave_out_flagged(note, flagged)
    assert sentence not in repaired.body
    assert " ".join(repaired.body.split()) == " ".join(GOOD_BODY.replace(ANCHOR, "").split())
    assert "negative_tone" not in rules_fired(repaired)


def test_a_flagged_word_drops_only_its_own_sentence() -> None:
    """A flagged word takes its sentence out, never the greeting: slang "r" must not take "Dear Dr." with it."""
    note = Note(subject="Thanks", body="Dear Dr. Whitfield,\n\nThank you for the tour. Thanks r the coffee too.\n\n"
                                       "Best regards,\nJordan")
    flagged = [v for v in check_note(note).violations if v.rule == "slang"]
    assert flagged
    assert leave_out_flagged(note, flagged).body == "Dear Dr. Whitfield,\n\nThank you for the tour.\n\nBest regards,\nJordan"


def test_the_composer_repairs_by_leaving_a_misread_sentence_out(tmp_path: Path, example: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """A rule that misreads one of the composer's sentences: re-asked, the composer drops it, and the
    note passes on the second attempt instead of failing the same way three times."""
    first = json.loads(cli("write", str(example), "--to", "Dana Whitfield", "--json").stdout)["drafts"][0]
    sentences = [s for s in first["body"].split(". ") if "I realize" in s]
    assert sentences, first["body"]
    misread = "I realize" + sentences[0].split("I realize", 1)[1] + "."  # a whole sentence, as the learned rules flag
    policy = yaml.safe_load((data_dir("guardrails") / "policy.yaml").read_text(encoding="utf-8"))
    policy["rules"].append({"id": "misreads_a_sentence", "check": "phrases", "category": "positivity",
                            "severity": "error", "message": "Leave this out.", "phrases": [misread]})
    (tmp_path / "policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    result = cli("write", str(example), "--to", "Dana Whitfield", "--json", "--policy", str(tmp_path / "policy.yaml"))
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)["drafts"][0]
    assert draft["passed"] and draft["attempts"] == 2
    assert misread in first["body"] and misread not in draft["body"]
    assert len(draft["body"].split()) < len(first["body"].split())


def test_the_policy_has_a_learned_rule_for_each_trained_model() -> None:
    learned = {r.id: r for r in load_policy().rules if r.check == "learned_tone"}
    assert set(learned) == {"negative_tone"}
    assert {r.category for r in learned.values()} == set(TONE_CATEGORIES)
