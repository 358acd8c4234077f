"""The command line, end to end, offline: no key, no endpoint, history in a temporary folder."""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
import yaml
from cli_helpers import assert_one_line_error
from cli_helpers import invoke as run
from conftest import EXAMPLE

import followup
from followup.cli import app
from followup.facts import load_facts
from followup.guardrails import load_policy
from followup.models.offline import Style, compose

EXAMPLE_FACTS = load_facts(EXAMPLE)
NAMES = [p.name for p in EXAMPLE_FACTS.interviewers]
DRAFT_KEYS = {"to", "email", "version", "subject", "body", "passed", "attempts", "violations", "model", "fallback"}  # design.md
VIOLATION_KEYS = {"rule", "category", "severity", "message", "excerpt"}
FOLLOWUP_BIN = Path(sys.executable).parent / "followup"


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything tries to open a model."""
    import followup.models as models

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was opened")

    monkeypatch.setattr(models, "open_model", refuse)




def write_json(*extra: str) -> dict:
    result = run("write", EXAMPLE, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)




# --- version and help ---------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"followup {followup.__version__}"


def test_help_lists_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("write", "check", "history", "show", "init", "schema"):
        assert command in result.stdout


COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout and command in result.stdout


def test_no_args_shows_help() -> None:
    result = run()
    assert "Usage" in result.output
    assert "Traceback" not in result.output


# --- write --------------------------------------------------------------------------------


def test_write_prints_every_note_and_offline_notice() -> None:
    result = run("write", EXAMPLE)
    assert result.exit_code == 0, result.output
    for person in EXAMPLE_FACTS.interviewers:
        assert f"To: {person.name}" in result.stdout
        assert person.first_name in result.stdout
    assert result.stdout.count("Subject: ") == len(NAMES)
    notices = [line for line in result.stderr.splitlines() if "offline" in line]
    assert len(notices) == 1
    assert "OPENAI_API_KEY" in notices[0]
    assert "offline" not in result.stdout.split("=== To:")[0]  # the notice is not mixed into the notes


def test_write_json_has_exactly_the_design_shape() -> None:
    payload = write_json()
    assert set(payload) == {"run_id", "send_by", "drafts"}
    assert isinstance(payload["run_id"], str) and payload["run_id"]
    assert payload["send_by"] == load_policy().send_by(EXAMPLE_FACTS).isoformat()
    assert [d["to"] for d in payload["drafts"]] == NAMES
    for draft, person in zip(payload["drafts"], EXAMPLE_FACTS.interviewers):
        assert set(draft) == DRAFT_KEYS
        assert draft["email"] == person.email
        assert draft["version"] == 1
        assert draft["passed"] is True
        assert draft["attempts"] >= 1
        assert draft["model"] == "offline"
        assert draft["subject"] and person.first_name in draft["body"]
        assert isinstance(draft["violations"], list)
        for violation in draft["violations"]:
            assert set(violation) == VIOLATION_KEYS
            assert violation["severity"] == "warning"


def test_write_json_stdout_is_only_json() -> None:
    result = run("write", EXAMPLE, "--json")
    json.loads(result.stdout)  # nothing else on stdout
    assert "followup:" not in result.stdout


def test_write_is_deterministic_offline() -> None:
    first, second = write_json(), write_json()
    assert first["run_id"] != second["run_id"]
    assert [(d["subject"], d["body"]) for d in first["drafts"]] == [(d["subject"], d["body"]) for d in second["drafts"]]


def test_write_to_is_case_insensitive() -> None:
    payload = write_json("--to", "priya RAMAN")
    assert [d["to"] for d in payload["drafts"]] == ["Priya Raman"]
    payload = write_json("--to", "MARCUS CHEN", "--to", "dana whitfield")
    assert sorted(d["to"] for d in payload["drafts"]) == ["Dana Whitfield", "Marcus Chen"]


def test_write_unknown_to() -> None:
    result = run("write", EXAMPLE, "--to", "Zed Nobody")
    assert_one_line_error(result, "Zed Nobody", *NAMES)
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("candidate:\n  name: A\ncompany: B\nrole: C\ninterviewers: []\n", "interviewers"),
        ("candidate: {name: A}\ncompany: B\nrole: C\ninterviewers:\n  - name: D\n    topcs: [x]\n", "topics"),
        ("company: [unclosed\n", "invalid YAML"),
        ("- a list\n", "mapping"),
        ("", "empty"),
    ],
)
def test_write_bad_facts(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    result = run("write", path)
    assert_one_line_error(result, str(path), needle)
    assert result.stdout == ""


@pytest.mark.parametrize("kind", ["missing", "directory", "binary"])
def test_write_unreadable_facts(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "facts.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\x00\x01\x02\xff")
    result = run("write", path)
    assert_one_line_error(result, str(path))


def test_write_bad_facts_makes_no_run(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("company: X\n")
    assert run("write", path).exit_code == 2
    assert json.loads(run("history", "--json").stdout) == []


def test_write_bad_tone_option() -> None:
    assert_one_line_error(run("write", EXAMPLE, "--tone", "chummy"), "--tone")


def test_tone_formal_changes_greeting() -> None:
    warm = {d["to"]: d["body"] for d in write_json()["drafts"]}
    formal = {d["to"]: d["body"] for d in write_json("--tone", "formal")["drafts"]}
    for name in NAMES:
        warm_greeting, formal_greeting = warm[name].splitlines()[0], formal[name].splitlines()[0]
        assert warm_greeting != formal_greeting
        assert formal_greeting == f"Dear {name},"


def test_dry_run_prints_prompts_and_calls_no_model(no_model: None) -> None:
    result = run("write", EXAMPLE, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for name in NAMES:
        assert name in out
    assert out.count("--- system") == len(NAMES)
    assert out.count("--- user") == len(NAMES)
    assert out.count("<facts>") >= len(NAMES)
    assert "Dana Whitfield" in out.split("<facts>", 1)[1]
    assert "cutting on-call pages" in out
    # Nothing was drafted or saved.
    assert json.loads(run("history", "--json").stdout) == []


def test_dry_run_with_to(no_model: None) -> None:
    result = run("write", EXAMPLE, "--dry-run", "--to", "priya raman")
    assert result.exit_code == 0
    assert result.stdout.count("--- system") == 1
    assert "Priya Raman" in result.stdout


def test_model_without_endpoint() -> None:
    result = run("write", EXAMPLE, "--model", "gpt-x")
    assert_one_line_error(result, "OPENAI_API_KEY", "gpt-x")
    assert json.loads(run("history", "--json").stdout) == []


# --- --out ----------------------------------------------------------------------------------


def test_out_writes_md_and_eml(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    result = run("write", EXAMPLE, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    drafts = {d["to"]: d for d in json.loads(result.stdout)["drafts"]}
    expected = set()
    for person in EXAMPLE_FACTS.interviewers:
        stem = person.name.lower().replace(" ", "-")
        expected.add(f"{stem}.md")
        if person.email:
            expected.add(f"{stem}.eml")
    assert {p.name for p in out.iterdir()} == expected
    assert not (out / "marcus-chen.eml").exists()  # no email known for Marcus
    for person in EXAMPLE_FACTS.interviewers:
        stem = person.name.lower().replace(" ", "-")
        md = (out / f"{stem}.md").read_text()
        assert drafts[person.name]["body"] in md
        assert drafts[person.name]["subject"] in md
        if not person.email:
            continue
        message = email.message_from_bytes((out / f"{stem}.eml").read_bytes(), policy=email.policy.default)
        for header in ("To", "Subject", "From", "Date"):
            assert message[header], header
        assert message["To"].addresses[0].addr_spec == person.email
        assert message["From"].addresses[0].addr_spec == EXAMPLE_FACTS.candidate.email
        assert message["Subject"] == drafts[person.name]["subject"]
        assert message["Date"].datetime is not None
        assert message.get_content().strip() == drafts[person.name]["body"].strip()


def test_out_twice_does_not_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    assert run("write", EXAMPLE, "--out", out).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run("write", EXAMPLE, "--out", out, "--tone", "formal").exit_code == 0
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    for name, data in first.items():
        assert after[name] == data  # untouched
    second = set(after) - set(first)
    assert second == {name.replace(".md", "-2.md").replace(".eml", "-2.eml") for name in first}
    assert b"Dear Dana Whitfield," in after["dana-whitfield-2.md"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left behind


# --- history and show ------------------------------------------------------------------------


def test_history_and_show_after_write(home: Path) -> None:
    payload = write_json()
    run_id = payload["run_id"]
    assert (home / "history.db").exists()
    listing = json.loads(run("history", "--json").stdout)
    assert [r["id"] for r in listing] == [run_id]
    assert listing[0]["company"] == EXAMPLE_FACTS.company
    assert sorted(d["to"] for d in listing[0]["drafts"]) == sorted(NAMES)
    result = run("show", run_id[:4], "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["run_id"] == run_id
    assert shown["send_by"] == payload["send_by"]
    key = lambda d: d["to"]  # noqa: E731
    assert sorted(shown["drafts"], key=key) == sorted(payload["drafts"], key=key)


def test_history_text_and_show_to(home: Path) -> None:
    run_id = write_json()["run_id"]
    text = run("history").stdout
    assert run_id in text and EXAMPLE_FACTS.company in text
    shown = json.loads(run("show", run_id, "--to", "DANA WHITFIELD", "--json").stdout)
    assert [d["to"] for d in shown["drafts"]] == ["Dana Whitfield"]


def test_history_empty() -> None:
    result = run("history", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_show_unknown_run() -> None:
    write_json()
    result = run("show", "zzzzzzzz")
    assert_one_line_error(result, "zzzzzzzz")


# --- init and schema -------------------------------------------------------------------------


def test_init_writes_loadable_file_and_refuses_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    result = run("init", path)
    assert result.exit_code == 0, result.output
    facts = load_facts(path)
    assert facts.interviewers
    path.write_text("# my own edits\n")
    again = run("init", path)
    assert_one_line_error(again, str(path))
    assert path.read_text() == "# my own edits\n"
    forced = run("init", path, "--force")
    assert forced.exit_code == 0
    assert load_facts(path).company == facts.company


def test_schema_is_json() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert {"candidate", "company", "role", "interviewers"} <= set(schema["properties"])


# --- check -----------------------------------------------------------------------------------


def _good_note(tmp_path: Path) -> Path:
    person = EXAMPLE_FACTS.interviewers[0]
    note = compose(EXAMPLE_FACTS, person, Style(tone=EXAMPLE_FACTS.tone))
    path = tmp_path / "note.txt"
    path.write_text(note.as_text(), encoding="utf-8")
    return path


def test_check_good_note(tmp_path: Path) -> None:
    path = _good_note(tmp_path)
    assert run("check", path).exit_code == 0
    result = run("check", path, "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["passed"] is True
    assert all(v["severity"] == "warning" for v in payload["violations"])
    with_facts = run("check", path, "--facts", EXAMPLE, "--to", "dana whitfield", "--json")
    assert with_facts.exit_code == 0, with_facts.output
    assert json.loads(with_facts.stdout)["passed"] is True


def test_check_note_with_emoji(tmp_path: Path) -> None:
    path = _good_note(tmp_path)
    text = path.read_text(encoding="utf-8").replace("Thank", "Thank \U0001F60A", 1)
    path.write_text(text, encoding="utf-8")
    result = run("check", path, "--json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"passed", "violations"}
    assert payload["passed"] is False
    assert payload["violations"]
    for violation in payload["violations"]:
        assert set(violation) == VIOLATION_KEYS
    emoji = [v for v in payload["violations"] if v["rule"] == "emoji"]
    assert emoji and emoji[0]["severity"] == "error" and emoji[0]["category"] == "professionalism"
    assert "\U0001F60A" in emoji[0]["excerpt"]
    assert run("check", path).exit_code == 1


def test_check_reads_stdin(tmp_path: Path) -> None:
    good = _good_note(tmp_path).read_text(encoding="utf-8")
    result = run("check", "-", "--json", input=good)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["passed"] is True
    bad = run("check", "-", "--json", input=good.replace("Thank", "Thank \U0001F389", 1))
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["passed"] is False


def test_check_empty_stdin() -> None:
    assert_one_line_error(run("check", "-", input=""), "empty")


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_check_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(content)
    assert_one_line_error(run("check", path), str(path), "empty")


def test_check_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    assert_one_line_error(run("check", path), str(path))


def test_check_unknown_to(tmp_path: Path) -> None:
    path = _good_note(tmp_path)
    assert_one_line_error(run("check", path, "--facts", EXAMPLE, "--to", "Zed Nobody"), "Zed Nobody")


# --- the installed script, in a real process ------------------------------------------------


def _process_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "FOLLOWUP_MODEL")}
    env["FOLLOWUP_HOME"] = str(home)
    return env


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_script_write_and_check_stdin(home: Path, tmp_path: Path) -> None:
    env = _process_env(home)
    done = subprocess.run([str(FOLLOWUP_BIN), "write", str(EXAMPLE), "--json"], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert len(payload["drafts"]) == len(NAMES)
    assert "offline" in done.stderr and "Traceback" not in done.stderr
    note = f"Subject: {payload['drafts'][0]['subject']}\n\n{payload['drafts'][0]['body']}\n"
    checked = subprocess.run([str(FOLLOWUP_BIN), "check", "-", "--json"], input=note, capture_output=True,
                             text=True, env=env, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["passed"] is True


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_script_bad_facts_no_traceback(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"candidate": {"name": "A"}, "company": "B", "role": "C", "interviewers": 3}))
    done = subprocess.run([str(FOLLOWUP_BIN), "write", str(path)], capture_output=True, text=True,
                          env=_process_env(home), stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "interviewers" in lines[0]


@pytest.mark.parametrize("command", ["check", "write", "--help"])
def test_commands_that_call_no_model_never_import_openai(tmp_path: Path, command: str) -> None:
    """`import openai` costs about a third of a second: only a model call may pay it."""
    note = tmp_path / "note.txt"
    note.write_text("Subject: Thanks\n\nDear Dana,\n\nThank you.\n\nBest,\nJordan Rivera\n", encoding="utf-8")
    args = {"check": ["check", str(note)], "write": ["write", str(EXAMPLE)], "--help": ["--help"]}[command]
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom followup.cli import app\n"
            "result = CliRunner().invoke(app, sys.argv[1:])\nprint('openai' in sys.modules, result.exit_code)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")} | {"FOLLOWUP_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60)
    imported, exit_code = done.stdout.split()
    assert imported == "False", done.stdout
    assert exit_code in {"0", "1"}, done.stdout + done.stderr
