"""Regenerating a draft with tweaks, and the commands around versions: history, show, diff, sent.

Offline tests run the command line in-process (CliRunner) with the history in a temporary
FOLLOWUP_HOME and no OPENAI_* variables. The language-model tests talk HTTP to the local
``tests/fake_openai_server.py`` (never the network), or replay a vcrpy cassette of such an
exchange with no server at all.

The fake model's tweaked note (:data:`TWEAKED_DANA`) was WRITTEN BY HAND; so was the
cassette ``tests/cassettes/regenerate/dana_tweak.yaml`` that records it. Re-record it with
``python tests/test_regenerate.py``. The cassette sits in a subfolder so that
``test_recorded_exchanges.test_every_scenario_has_a_cassette`` (which lists the top level
of ``tests/cassettes/``) keeps to its own scenarios.
"""

from __future__ import annotations

import email
import email.policy
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # when run as a script to re-record the cassette
    sys.path.insert(0, str(TESTS))

from fake_openai_server import FakeOpenAIServer

from followup import history as history_module
from followup.cli import app
from followup.history import History
from followup.notes import count_words
from cli_helpers import assert_one_line_error
from cli_helpers import invoke as cli
from conftest import EXAMPLE

ROOT = TESTS.parent
DRAFT_KEYS = {"to", "email", "version", "subject", "body", "passed", "attempts", "violations", "model", "fallback"}  # design.md
FORMAL_CLOSINGS = {"Sincerely,", "Kind regards,", "Respectfully,"}
WARM_CLOSINGS = {"Warm regards,", "Best regards,", "All the best,"}
CANDIDATE = "Jordan Rivera"

# Dana's facts (examples/interview.yaml): version 1 offline cites her first topic and her shared
# interest, so her second topic is absent and the coding club is present.
DANA_ABSENT_FACT = "how the SRE team splits project work and interrupts"
DANA_PRESENT_FACT = "coding club"


# --- fixtures and helpers ------------------------------------------------------------------------



@pytest.fixture
def facts_file(tmp_path: Path) -> Path:
    """The example facts with an interview that ended an hour ago: the send-by line is shown."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    ended = datetime.now(UTC).astimezone() - timedelta(hours=1)
    data["interview"]["ended_at"] = ended.replace(microsecond=0).isoformat()
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path




def write(facts: Path, *extra: object) -> str:
    result = cli("write", facts, "--json", *extra)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["run_id"])


def regenerate(*args: object):  # type: ignore[no-untyped-def]
    return cli("regenerate", *args)


def rows(home: Path, run_id: str, name: str = "Dana Whitfield") -> dict[int, dict[str, Any]]:
    """The saved drafts of one interviewer by version, read through the History API."""
    store = History(home / "history.db")
    try:
        return {r["version"]: r for r in store.drafts(run_id) if r["interviewer"] == name}
    finally:
        store.close()




def greeting(body: str) -> str:
    return body.splitlines()[0]


def closing(body: str) -> str:
    lines = body.splitlines()
    return lines[lines.index(CANDIDATE) - 1]


# --- versions and the version tree --------------------------------------------------------------


def test_regenerate_saves_version_2_with_parent_1(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file)
    result = regenerate("--to", "Dana Whitfield", "--tweak", "shorter")
    assert result.exit_code == 0, result.output
    assert "version 2" in result.stdout
    assert f"saved as version 2 of Dana Whitfield in run {run_id}" in result.stderr
    dana = rows(home, run_id)
    assert sorted(dana) == [1, 2]
    assert dana[1]["parent_version"] is None
    assert dana[2]["parent_version"] == 1
    assert json.loads(dana[2]["tweaks_json"]) == ["shorter"]
    assert dana[2]["body"] != dana[1]["body"]
    assert dana[2]["body"] in result.stdout
    assert dana[2]["model"] == "offline" and dana[2]["passed"] == 1
    # The other interviewers are untouched.
    assert sorted(rows(home, run_id, "Priya Raman")) == [1]
    assert sorted(rows(home, run_id, "Marcus Chen")) == [1]


def test_regenerate_builds_on_the_latest_version(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert regenerate("--to", "dana", "--tweak", "more formal").exit_code == 0
    assert regenerate("--to", "dana", "--tweak", "shorter").exit_code == 0
    dana = rows(home, run_id)
    assert dana[3]["parent_version"] == 2
    assert greeting(dana[3]["body"]) == "Dear Dana Whitfield,"  # v3 kept v2's formality
    assert count_words(dana[3]["body"]) < count_words(dana[2]["body"])


def test_history_is_a_tree(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    for tweak in ("shorter", "longer"):
        assert regenerate("--to", "dana", "--tweak", tweak).exit_code == 0
    result = regenerate("--to", "dana", "--from-version", "2", "--tweak", "more formal", "--no-diff")
    assert result.exit_code == 0, result.output
    dana = rows(home, run_id)
    assert sorted(dana) == [1, 2, 3, 4]
    assert [dana[v]["parent_version"] for v in (1, 2, 3, 4)] == [None, 1, 2, 2]
    # Version 4 is version 2 (shorter) made formal; version 3's "longer" is not in its chain.
    assert greeting(dana[4]["body"]) == "Dear Dana Whitfield,"
    assert count_words(dana[4]["body"]) < count_words(dana[3]["body"])
    store = History(home / "history.db")
    try:
        assert store.tweak_chain(run_id, "Dana Whitfield", 4) == ["shorter", "more formal"]
        assert store.tweak_chain(run_id, "Dana Whitfield", 3) == ["shorter", "longer"]
    finally:
        store.close()
    shown = cli("show", run_id, "--to", "dana", "--version", "4")
    assert shown.exit_code == 0, shown.output
    assert "Dana Whitfield v4 tweaks: shorter -> more formal" in shown.stdout
    # And from the root: version 5, parent 1.
    assert regenerate("--to", "dana", "--from-version", "1", "--tweak", "more formal").exit_code == 0
    assert rows(home, run_id)[5]["parent_version"] == 1


def test_from_version_that_does_not_exist(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert_one_line_error(regenerate("--to", "dana", "--from-version", "7", "--tweak", "shorter"), "version 7")
    assert sorted(rows(home, run_id)) == [1]


# --- the offline tweaks -----------------------------------------------------------------------------


def _v1_and_v2(home: Path, facts: Path, tweak: str, *write_args: str) -> tuple[str, str]:
    run_id = write(facts, "--to", "dana", *write_args)
    result = regenerate("--to", "dana", "--tweak", tweak)
    assert result.exit_code == 0, result.output
    dana = rows(home, run_id)
    assert sorted(dana) == [1, 2] and dana[2]["passed"] == 1
    return dana[1]["body"], dana[2]["body"]


@pytest.mark.parametrize("tweak", ["shorter", "make it shorter", "more concise", "Trim it."])
def test_shorter_tweaks_cut_words(home: Path, facts_file: Path, tweak: str) -> None:
    before, after = _v1_and_v2(home, facts_file, tweak)
    assert count_words(after) < count_words(before)
    assert after.startswith(("H", "D"))  # still a greeting
    assert CANDIDATE in after


@pytest.mark.parametrize("tweak", ["longer", "expand it"])
def test_longer_adds_words(home: Path, facts_file: Path, tweak: str) -> None:
    before, after = _v1_and_v2(home, facts_file, tweak)
    assert count_words(after) > count_words(before)


def test_more_formal_uses_full_name_and_formal_closing(home: Path, facts_file: Path) -> None:
    before, after = _v1_and_v2(home, facts_file, "more formal")
    assert greeting(before) != "Dear Dana Whitfield,"
    assert closing(before) not in FORMAL_CLOSINGS
    assert greeting(after) == "Dear Dana Whitfield,"
    assert closing(after) in FORMAL_CLOSINGS


def test_warmer_turns_a_formal_note_back(home: Path, facts_file: Path) -> None:
    before, after = _v1_and_v2(home, facts_file, "warmer", "--tone", "formal")
    assert greeting(before) == "Dear Dana Whitfield,"
    assert closing(before) in FORMAL_CLOSINGS
    assert greeting(after) in {"Dear Dana,", "Hello Dana,", "Hi Dana,"}
    assert closing(after) in WARM_CLOSINGS


@pytest.mark.parametrize("tweak", ["mention how the team splits project work",
                                   "Please also mention the split between project work and interrupts."])
def test_mention_brings_in_an_absent_fact(home: Path, facts_file: Path, tweak: str) -> None:
    before, after = _v1_and_v2(home, facts_file, tweak)
    assert DANA_ABSENT_FACT not in before
    assert DANA_ABSENT_FACT in after


@pytest.mark.parametrize("tweak", ["don't mention the coding club", "do not mention mentoring at the coding club",
                                   "leave out the coding club"])
def test_dont_mention_removes_a_present_fact(home: Path, facts_file: Path, tweak: str) -> None:
    before, after = _v1_and_v2(home, facts_file, tweak)
    assert DANA_PRESENT_FACT in before
    assert DANA_PRESENT_FACT not in after


@pytest.mark.parametrize("tweak", ["make it funnier", "use bullet points", "sound more excited"])
def test_tweak_the_offline_composer_cannot_apply(home: Path, facts_file: Path, tweak: str) -> None:
    run_id = write(facts_file, "--to", "dana")
    result = regenerate("--to", "dana", "--tweak", tweak)
    line = assert_one_line_error(result, "language model")
    assert tweak in line
    assert result.stdout == ""
    assert sorted(rows(home, run_id)) == [1]  # no version was saved


@pytest.mark.parametrize("tweak", ["mention the Chicago Marathon",  # Marcus's fact, not Dana's
                                   "mention our chat about quantum computing"])
def test_mention_of_something_not_in_her_facts(home: Path, facts_file: Path, tweak: str) -> None:
    run_id = write(facts_file)
    line = assert_one_line_error(regenerate("--to", "dana", "--tweak", tweak), "facts")
    assert "Dana Whitfield" in line
    assert sorted(rows(home, run_id)) == [1]


def test_a_tweak_that_changes_nothing_is_refused_not_saved(home: Path, facts_file: Path) -> None:
    """Leaving out what the note already leaves out is no silent no-op: exit 2, no new version."""
    run_id = write(facts_file, "--to", "dana")
    assert regenerate("--to", "dana", "--tweak", "don't mention the coding club").exit_code == 0
    assert_one_line_error(regenerate("--to", "dana", "--tweak", "don't mention the coding club"), "nothing changed")
    assert sorted(rows(home, run_id)) == [1, 2]


def test_add_more_detail_reads_as_longer(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert regenerate("--to", "dana", "--tweak", "add more detail").exit_code == 0
    versions = rows(home, run_id)
    assert count_words(versions[2]["body"]) > count_words(versions[1]["body"])


def test_one_bad_tweak_among_good_ones_saves_nothing(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    result = regenerate("--to", "dana", "--tweak", "shorter", "--tweak", "make it funnier")
    assert_one_line_error(result, "language model", "make it funnier")
    assert sorted(rows(home, run_id)) == [1]


def test_repeated_tweaks_all_apply(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    result = regenerate("--to", "dana", "--tweak", "more formal", "--tweak", "don't mention the coding club")
    assert result.exit_code == 0, result.output
    v2 = rows(home, run_id)[2]
    assert json.loads(v2["tweaks_json"]) == ["more formal", "don't mention the coding club"]
    assert greeting(v2["body"]) == "Dear Dana Whitfield,"
    assert DANA_PRESENT_FACT not in v2["body"]


def test_blank_tweak_is_a_usage_error(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert_one_line_error(regenerate("--to", "dana", "--tweak", "   "), "--tweak")
    assert sorted(rows(home, run_id)) == [1]


def test_regenerate_without_runs_or_with_unknown_interviewer(facts_file: Path) -> None:
    assert_one_line_error(regenerate("--to", "dana", "--tweak", "shorter"), "no runs")
    write(facts_file)
    assert_one_line_error(regenerate("--to", "Zed Nobody", "--tweak", "shorter"), "Zed Nobody", "Dana Whitfield")


# --- output of regenerate: diff and JSON -------------------------------------------------------------


def test_regenerate_prints_a_word_diff_against_the_parent(home: Path, facts_file: Path) -> None:
    write(facts_file, "--to", "dana")
    result = regenerate("--to", "dana", "--tweak", "don't mention the coding club")
    assert result.exit_code == 0, result.output
    assert "--- changes from version 1 to version 2" in result.stdout
    diff = result.stdout.split("--- changes from version 1 to version 2", 1)[1]
    assert "[-" in diff and "-]" in diff
    removed = "".join(part.split("-]")[0] for part in diff.split("[-")[1:])
    assert DANA_PRESENT_FACT in removed


def test_no_diff_omits_it(home: Path, facts_file: Path) -> None:
    write(facts_file, "--to", "dana")
    result = regenerate("--to", "dana", "--tweak", "more formal", "--no-diff")
    assert result.exit_code == 0, result.output
    assert "Dear Dana Whitfield," in result.stdout
    assert "changes from version" not in result.stdout
    assert "[-" not in result.stdout and "{+" not in result.stdout


def test_regenerate_json_has_the_design_shape(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    result = regenerate("--to", "dana", "--tweak", "shorter", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)  # nothing but JSON on stdout: no diff
    assert set(payload) == {"run_id", "send_by", "drafts"}
    assert payload["run_id"] == run_id
    assert payload["send_by"] is not None
    [draft] = payload["drafts"]
    assert set(draft) == DRAFT_KEYS
    assert draft["to"] == "Dana Whitfield" and draft["version"] == 2
    assert draft["email"] == "dana@northwind.example"
    assert draft["model"] == "offline" and draft["passed"] is True
    v2 = rows(home, run_id)[2]
    assert (draft["subject"], draft["body"]) == (v2["subject"], v2["body"])


# --- history, show, diff ---------------------------------------------------------------------------------


def test_history_lists_runs_newest_first_with_versions_and_sent(home: Path, facts_file: Path) -> None:
    first = write(facts_file)
    second = write(facts_file, "--to", "priya")
    assert regenerate("--run", first, "--to", "dana", "--tweak", "shorter").exit_code == 0
    assert cli("sent", first, "--to", "dana").exit_code == 0
    result = cli("history", "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert [r["id"] for r in listing] == [second, first]
    old = listing[1]
    assert old["company"] == "Northwind Robotics" and old["role"] == "Senior Site Reliability Engineer"
    versions = {(d["to"], d["version"]): d for d in old["drafts"]}
    assert set(versions) == {("Dana Whitfield", 1), ("Dana Whitfield", 2), ("Priya Raman", 1), ("Marcus Chen", 1)}
    assert versions[("Dana Whitfield", 2)]["sent_at"] is not None
    assert all(d["sent_at"] is None for key, d in versions.items() if key != ("Dana Whitfield", 2))
    assert all(d["passed"] is True for d in old["drafts"])
    assert [d["to"] for d in listing[0]["drafts"]] == ["Priya Raman"]
    text = cli("history").stdout
    assert text.index(second) < text.index(first)
    dana_line = next(line for line in text.splitlines() if "Dana Whitfield" in line)
    assert "2 versions" in dana_line and "v2 sent" in dana_line


def test_diff_command_shows_two_versions(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert regenerate("--to", "dana", "--tweak", "mention how the team splits project work").exit_code == 0
    result = cli("diff", run_id, "--to", "dana", "1", "2")
    assert result.exit_code == 0, result.output
    assert "{+" in result.stdout and "+}" in result.stdout
    added = "".join(part.split("+}")[0] for part in result.stdout.split("{+")[1:])
    assert "splits project work" in added
    assert "Hello Dana," in result.stdout or "Dear Dana," in result.stdout or "Hi Dana," in result.stdout
    same = cli("diff", run_id, "--to", "dana", "1", "1")
    assert same.exit_code == 0 and "[-" not in same.stdout and "{+" not in same.stdout
    assert_one_line_error(cli("diff", run_id, "--to", "dana", "1", "9"), "version 9")


def test_show_a_version_with_violations_and_tweaks(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert regenerate("--to", "dana", "--tweak", "more formal").exit_code == 0
    v1 = rows(home, run_id)[1]
    shown = cli("show", run_id, "--to", "dana", "--version", "1")
    assert shown.exit_code == 0, shown.output
    assert v1["body"] in shown.stdout and "version 1" in shown.stdout
    assert "tweaks:" not in shown.stdout  # version 1 has none
    latest = cli("show", run_id, "--to", "dana")
    assert "version 2" in latest.stdout and "Dana Whitfield v2 tweaks: more formal" in latest.stdout
    payload = json.loads(cli("show", run_id, "--to", "dana", "--version", "1", "--json").stdout)
    assert [(d["version"], d["body"]) for d in payload["drafts"]] == [(1, v1["body"])]
    assert all(set(d) == DRAFT_KEYS for d in payload["drafts"])


# --- sent and export -----------------------------------------------------------------------------------


def test_sent_hides_the_send_by_line(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert "send by" in cli("show", run_id).stdout
    result = cli("sent", run_id, "--to", "dana")
    assert result.exit_code == 0, result.output
    assert "version 1" in result.stdout and "Dana Whitfield" in result.stdout
    shown = cli("show", run_id)
    assert shown.exit_code == 0
    assert "send by" not in shown.stdout
    assert "Dana Whitfield v1 sent at" in shown.stdout
    assert rows(home, run_id)[1]["sent_at"] is not None


def test_send_by_line_stays_until_every_interviewer_is_sent(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file)
    assert cli("sent", run_id, "--to", "dana").exit_code == 0
    assert cli("sent", run_id, "--to", "priya").exit_code == 0
    assert "send by" in cli("show", run_id).stdout  # Marcus's note is not sent yet


def test_send_by_line_goes_when_all_are_sent_after_a_regenerate(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file)
    assert regenerate("--to", "dana", "--tweak", "shorter").exit_code == 0
    for name in ("dana", "priya", "marcus"):
        assert cli("sent", run_id, "--to", name).exit_code == 0
    assert "send by" not in cli("show", run_id).stdout


def test_sent_records_the_chosen_version(home: Path, facts_file: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert regenerate("--to", "dana", "--tweak", "shorter").exit_code == 0
    result = cli("sent", run_id, "--to", "dana", "--version", "1")
    assert result.exit_code == 0, result.output
    assert "version 1" in result.stdout
    dana = rows(home, run_id)
    assert dana[1]["sent_at"] is not None and dana[2]["sent_at"] is None
    datetime.fromisoformat(dana[1]["sent_at"])  # a real timestamp
    assert_one_line_error(cli("sent", run_id, "--to", "dana", "--version", "5"), "version 5")


def test_show_out_exports_a_chosen_version(home: Path, facts_file: Path, tmp_path: Path) -> None:
    run_id = write(facts_file, "--to", "dana")
    assert regenerate("--to", "dana", "--tweak", "more formal").exit_code == 0
    dana = rows(home, run_id)
    out = tmp_path / "export"
    result = cli("show", run_id, "--to", "dana", "--version", "1", "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"dana-whitfield.md", "dana-whitfield.eml"}
    md = (out / "dana-whitfield.md").read_text(encoding="utf-8")
    assert dana[1]["body"] in md and dana[1]["subject"] in md
    assert dana[2]["body"] not in md
    message = email.message_from_bytes((out / "dana-whitfield.eml").read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "dana@northwind.example"
    assert message["From"].addresses[0].addr_spec == "jordan.rivera@example.com"
    assert message["Subject"] == dana[1]["subject"]
    assert message.get_content().strip() == dana[1]["body"].strip()
    # Exporting version 2 next to it does not overwrite version 1.
    assert cli("show", run_id, "--to", "dana", "--version", "2", "--out", out).exit_code == 0
    assert dana[2]["body"] in (out / "dana-whitfield-2.md").read_text(encoding="utf-8")
    assert (out / "dana-whitfield.md").read_text(encoding="utf-8") == md


# --- run ids --------------------------------------------------------------------------------------------


def test_run_ids_can_be_abbreviated(home: Path, facts_file: Path) -> None:
    old = write(facts_file, "--to", "dana")
    new = write(facts_file, "--to", "dana")
    assert old[:4] != new[:4]  # random ids; a clash would make the prefixes ambiguous
    result = regenerate("--run", old[:4], "--to", "dana", "--tweak", "shorter")
    assert result.exit_code == 0, result.output
    assert sorted(rows(home, old)) == [1, 2]
    assert sorted(rows(home, new)) == [1]  # not the latest run
    assert cli("diff", old[:4], "--to", "dana", "1", "2").exit_code == 0
    assert cli("sent", old[:3], "--to", "dana").exit_code == 0
    assert rows(home, old)[2]["sent_at"] is not None
    shown = json.loads(cli("show", old[:5], "--json").stdout)
    assert shown["run_id"] == old


def test_ambiguous_and_unknown_run_prefix(home: Path, facts_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["abc12345", "abc67890"])
    monkeypatch.setattr(history_module, "new_run_id", lambda: next(ids))
    write(facts_file, "--to", "dana")
    write(facts_file, "--to", "dana")
    for command in (("show", "abc"), ("diff", "abc", "--to", "dana", "1", "1"), ("sent", "abc", "--to", "dana"),
                    ("regenerate", "--run", "abc", "--to", "dana", "--tweak", "shorter")):
        assert_one_line_error(cli(*command), "ambiguous", "abc12345", "abc67890")
    assert_one_line_error(cli("show", "zzz"), "zzz")
    assert cli("show", "abc6", "--json").exit_code == 0
    assert sorted(rows(home, "abc12345")) == [1] and sorted(rows(home, "abc67890")) == [1]


# --- a language model's tweak, through the local fake server -----------------------------------------------

MODEL = "test-model"
API_KEY = "sk-test-SECRET-regenerate-0042"
TWEAK = "mention the on-call rotation"
TWEAK_MARK = "The candidate asks for these changes"

# Written by hand: what the fake model answers to the tweak request for Dana.
TWEAKED_DANA = {
    "subject": "Thank you, Dana: following up on on-call",
    "body": (
        "Dear Dana,\n\n"
        "Thank you for taking the time to speak with me about the Senior Site Reliability Engineer role at "
        "Northwind Robotics. Our conversation about cutting on-call pages by 40% with better alert routing has "
        "stayed with me, because a quieter on-call rotation is what lets an SRE team do its best project work.\n\n"
        "I was also glad we talked about how the SRE team splits project work and interrupts. It connects with my "
        "own background: five years running Kubernetes in production.\n\n"
        "I remain very interested in the role and would welcome the chance to help the team at Northwind Robotics. "
        "Thank you again for your time.\n\n"
        "Best regards,\nJordan Rivera"
    ),
}


def fake_model(request: dict[str, Any]) -> str:
    """good_note for a first draft; the hand-written TWEAKED_DANA for a tweak request."""
    from test_openai_model import good_note

    users = [m["content"] for m in request["messages"] if m.get("role") == "user"]
    if users and TWEAK_MARK in users[-1]:
        return json.dumps(TWEAKED_DANA)
    return good_note(request)


@pytest.fixture
def server(endpoint: Callable[..., FakeOpenAIServer]) -> FakeOpenAIServer:
    return endpoint(fake_model, API_KEY)


def chat_requests(server: FakeOpenAIServer) -> list[dict[str, Any]]:
    return [r["json"] for r in server.requests if r["path"] == "/v1/chat/completions"]


def write_and_tweak(*regenerate_args: str) -> tuple[str, Any]:
    """Write Dana's note with the model, then regenerate it with the on-call tweak."""
    written = cli("write", EXAMPLE, "--to", "dana", "--model", MODEL, "--json")
    assert written.exit_code == 0, written.output
    run_id = json.loads(written.stdout)["run_id"]
    result = regenerate("--to", "dana", "--tweak", TWEAK, *regenerate_args)
    assert result.exit_code == 0, result.output
    return run_id, result


def test_model_tweak_through_the_fake_server(home: Path, server: FakeOpenAIServer) -> None:
    run_id, result = write_and_tweak("--model", MODEL, "--json")
    [first, tweak] = chat_requests(server)
    v1 = rows(home, run_id)[1]
    assert v1["model"] == MODEL
    assert v1["body"] == json.loads(fake_model(first))["body"]

    # The tweak request carries the previous draft, the tweak and the facts, under the same rules.
    assert tweak["model"] == MODEL
    system = [m["content"] for m in tweak["messages"] if m["role"] == "system"]
    user = [m["content"] for m in tweak["messages"] if m["role"] == "user"][-1]
    assert system and "Dana Whitfield" in system[0]
    assert v1["body"] in user and f"Subject: {v1['subject']}" in user
    assert f"- {TWEAK}" in user
    assert "<facts>" in user and "cutting on-call pages by 40%" in user
    assert "never licenses inventing facts" in user
    assert v1["body"] not in json.dumps(first)  # the first request had no draft to tweak

    # The saved version 2 is exactly the server's reply.
    dana = rows(home, run_id)
    assert sorted(dana) == [1, 2]
    assert (dana[2]["subject"], dana[2]["body"]) == (TWEAKED_DANA["subject"], TWEAKED_DANA["body"])
    assert dana[2]["parent_version"] == 1 and dana[2]["model"] == MODEL and dana[2]["passed"] == 1
    assert json.loads(dana[2]["tweaks_json"]) == [TWEAK]
    store = History(home / "history.db")
    try:
        [attempt] = store.attempts(dana[2]["id"])
    finally:
        store.close()
    assert attempt["purpose"] == "tweak"
    assert json.loads(attempt["raw_response"]) == TWEAKED_DANA
    payload = json.loads(result.stdout)
    assert payload["drafts"][0]["body"] == TWEAKED_DANA["body"] and payload["drafts"][0]["version"] == 2


def test_model_tweak_defaults_to_the_runs_model(home: Path, server: FakeOpenAIServer) -> None:
    run_id, result = write_and_tweak()
    assert len(chat_requests(server)) == 2
    assert chat_requests(server)[1]["model"] == MODEL
    assert rows(home, run_id)[2]["model"] == MODEL
    assert "{+" in result.stdout or "[-" in result.stdout  # the diff against version 1


def test_regenerate_model_can_differ_from_the_runs(home: Path, server: FakeOpenAIServer) -> None:
    written = cli("write", EXAMPLE, "--to", "dana", "--model", MODEL, "--json")
    run_id = json.loads(written.stdout)["run_id"]
    result = regenerate("--to", "dana", "--tweak", "more formal", "--model", "offline")
    assert result.exit_code == 0, result.output
    assert len(chat_requests(server)) == 1  # only the first draft went to the server
    v2 = rows(home, run_id)[2]
    assert v2["model"] == "offline" and v2["parent_version"] == 1
    assert greeting(v2["body"]) == "Dear Dana Whitfield,"


def test_a_free_text_tweak_goes_to_the_model(home: Path, server: FakeOpenAIServer) -> None:
    """What the offline composer refuses ("make it funnier"), a language model is asked."""
    written = cli("write", EXAMPLE, "--to", "dana", "--model", MODEL, "--json")
    run_id = json.loads(written.stdout)["run_id"]
    assert regenerate("--to", "dana", "--tweak", "make it funnier").exit_code == 0
    assert "- make it funnier" in chat_requests(server)[1]["messages"][-1]["content"]
    assert rows(home, run_id)[2]["body"] == TWEAKED_DANA["body"]


# --- the same exchange, recorded with vcrpy and replayed without a server ------------------------------

CASSETTE = "regenerate/dana_tweak.yaml"
DEAD_URL = "http://127.0.0.1:9/v1"  # nothing listens there
CASSETTE_NOTE = (
    "# written by hand: the model answers in this cassette were written by hand\n"
    "# (good_note in tests/test_openai_model.py, TWEAKED_DANA in tests/test_regenerate.py) and served\n"
    "# by the local tests/fake_openai_server.py; vcrpy recorded the real HTTP exchange with it.\n"
    "# No language model produced them. Regenerate: python tests/test_regenerate.py\n"
)


def record_tweak_cassette(folder: Path) -> Path:
    """Record `write --to dana` and `regenerate --tweak` against a fresh fake server into folder/CASSETTE."""
    from record_cassettes import make_vcr

    recorder = make_vcr("all")
    recorder.cassette_library_dir = str(folder)
    path = folder / CASSETTE
    path.unlink(missing_ok=True)
    with FakeOpenAIServer() as srv:
        srv.default = fake_model
        env = {"OPENAI_BASE_URL": srv.base_url, "OPENAI_API_KEY": API_KEY}
        with recorder.use_cassette(CASSETTE):
            for args in (("write", EXAMPLE, "--to", "dana", "--model", MODEL, "--json"),
                         ("regenerate", "--to", "dana", "--tweak", TWEAK, "--json")):
                result = CliRunner(env=env).invoke(app, [str(a) for a in args])
                assert result.exit_code == 0, result.output
    path.write_text(CASSETTE_NOTE + path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def cassette_exchanges(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]


def test_replay_the_recorded_tweak_without_a_server(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from record_cassettes import make_vcr

    monkeypatch.setenv("OPENAI_BASE_URL", DEAD_URL)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-replay-key")
    with make_vcr().use_cassette(CASSETTE) as cassette:
        run_id, result = write_and_tweak("--json")
        assert cassette.play_count == 2 and cassette.all_played
    dana = rows(home, run_id)
    assert (dana[2]["subject"], dana[2]["body"]) == (TWEAKED_DANA["subject"], TWEAKED_DANA["body"])
    assert dana[2]["parent_version"] == 1 and dana[2]["model"] == MODEL
    assert json.loads(result.stdout)["drafts"][0]["version"] == 2


def test_the_tweak_cassette_is_marked_and_holds_no_secret() -> None:
    path = TESTS / "cassettes" / CASSETTE
    text = path.read_text(encoding="utf-8")
    assert text.startswith(CASSETTE_NOTE)
    assert API_KEY not in text and "sk-" not in text
    assert "authorization" not in text.lower() and "bearer" not in text.lower()
    exchanges = cassette_exchanges(path)
    assert len(exchanges) == 2
    tweak_body = json.loads(exchanges[1]["request"]["body"])
    assert TWEAK in tweak_body["messages"][-1]["content"]
    assert all(x["request"]["uri"].startswith("http://127.0.0.1:") for x in exchanges)


def test_recording_the_tweak_again_gives_the_same_exchange(tmp_path: Path) -> None:
    fresh = record_tweak_cassette(tmp_path / "cassettes")
    old, new = cassette_exchanges(TESTS / "cassettes" / CASSETTE), cassette_exchanges(fresh)
    assert len(old) == len(new) == 2
    for before, after in zip(old, new):
        assert json.loads(before["request"]["body"]) == json.loads(after["request"]["body"])
        answers = [json.loads(x["response"]["body"]["string"])["choices"][0]["message"]["content"]
                   for x in (before, after)]
        assert answers[0] == answers[1]


if __name__ == "__main__":
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["FOLLOWUP_HOME"] = scratch
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "FOLLOWUP_MODEL"):
            os.environ.pop(name, None)
        print(f"recorded {record_tweak_cassette(TESTS / 'cassettes').relative_to(ROOT)}")


def test_a_titled_interviewer_is_found_by_first_name(home: Path, tmp_path: Path) -> None:
    """'--to Mei' finds 'Dr. Mei Lin' in regenerate, show and sent, as it does in write."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["interviewers"][0]["name"] = "Dr. Mei Lin"
    path = tmp_path / "titled.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    run_id = write(path, "--to", "Mei")
    assert regenerate("--to", "mei", "--tweak", "shorter").exit_code == 0
    assert sorted(rows(home, run_id, "Dr. Mei Lin")) == [1, 2]
    assert cli("show", run_id, "--to", "Mei").exit_code == 0
    assert cli("sent", run_id, "--to", "Mei").exit_code == 0
