"""What an adversarial review broke (issue 10), one test per finding, each against a real file or a local server.

- Escape sequences and control characters from a model reply, a facts file or a history row never reach
  the terminal or a written file; rich markup in a name or a note is printed as it is.
- Email addresses are validated when the facts load: one address, no control or space characters,
  a non-ASCII domain IDNA-encoded, a non-ASCII local part refused.
- Facts and notes are regular files or ``-``; devices, FIFOs and directories are one line, and every
  read is bounded (a subprocess with a memory limit, so the old unbounded read fails fast).
- A run without drafts is never the default and says so; a missing interviewer names the runs that have one.
- Bad environment values, a narrow output encoding and hand-damaged history rows are one line, never a traceback.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import pty
import re
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_helpers import assert_one_line_error, invoke
from fake_openai_server import FakeOpenAIServer
from test_openai_model import good_note

from followup import output
from followup.drafting import Draft
from followup.facts import MAX_FACTS_BYTES, FactsError, load_facts
from conftest import EXAMPLE

FOLLOWUP = Path(sys.executable).parent / "followup"
MODEL = "test-model"
API_KEY = "sk-test-hardening-0010"

# OSC 52 (set the clipboard), OSC 0 (window title), clear screen and cursor home, a NUL, a C1 CSI.
ESCAPES = "\x1b]52;c;ZXZpbA==\x07\x1b]0;owned\x07\x1b[2J\x1b[H\x00\x9b31m"
# What may remain in text followup writes: newline and tab (and CR, which a terminal adds to each newline).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # rich's own colours on a terminal



def facts_with(tmp_path: Path, change: Any) -> Path:
    """The example facts, changed by ``change(data)``, written under tmp_path."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def hostile_note(request: dict[str, Any]) -> str:
    """A passing note with escape sequences in its subject and its body."""
    note = json.loads(good_note(request))
    note["subject"] += ESCAPES
    note["body"] = note["body"].replace("\n\n", f"\n\n{ESCAPES}", 1)
    return json.dumps(note)


@pytest.fixture
def hostile_server(endpoint: Callable[..., FakeOpenAIServer]) -> FakeOpenAIServer:
    return endpoint(hostile_note, API_KEY)


def assert_clean(text: str, where: str) -> None:
    found = CONTROL.search(text)
    assert found is None, f"{where}: control character {found.group()!r} in {text[max(0, found.start() - 40):found.end() + 40]!r}"


def run_script(*args: object, env: dict[str, str] | None = None, input: bytes | None = None,
               memory: int | None = None, timeout: float = 30, encoding: str = "utf-8") -> subprocess.CompletedProcess[str]:
    """The installed console script as a process (a hang or a runaway read then fails instead of stalling)."""

    def limit_memory() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    done = subprocess.run([str(FOLLOWUP), *map(str, args)], input=input, capture_output=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, preexec_fn=limit_memory)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(encoding, errors="replace"),
                                       done.stderr.decode(encoding, errors="replace"))


def assert_one_line(done: subprocess.CompletedProcess[str], *needles: str, code: int = 2) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == code, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def on_terminal(*args: object) -> str:
    """Run followup with its standard output on a pseudo-terminal (so rich draws panels); what it printed."""
    main, child = pty.openpty()
    process = subprocess.Popen([str(FOLLOWUP), *map(str, args)], stdout=child, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200"})
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode(errors="replace")


def history_db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "history.db", isolation_level=None)


def offline_run(*extra: object) -> str:
    result = invoke("write", EXAMPLE, "--model", "offline", "--json", *extra)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["run_id"])


# --- 1. terminal escape injection ---------------------------------------------------------------------------


@pytest.mark.skipif(not FOLLOWUP.exists(), reason="console script not installed")
def test_model_escapes_reach_neither_terminal_nor_files(home: Path, tmp_path: Path,
                                                         hostile_server: FakeOpenAIServer) -> None:
    out = tmp_path / "out"
    written = invoke("write", EXAMPLE, "--to", "dana", "--model", MODEL, "--out", out)
    assert written.exit_code in (0, 1), written.output
    assert_clean(written.stdout, "write (piped)")
    assert_clean(written.stderr, "write stderr")
    assert "Thank you, Dana" in written.stdout  # the note is still shown, only the escapes are gone
    [md] = out.glob("*.md")
    [eml] = out.glob("*.eml")
    assert_clean(md.read_text(encoding="utf-8"), md.name)
    assert_clean(eml.read_bytes().decode(), eml.name)
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert_clean(str(message["Subject"]), "eml Subject") 
    assert_clean(message.get_content(), "eml body")  # type: ignore[attr-defined]

    run_id = json.loads(invoke("history", "--json").stdout)[0]["id"]
    shown = invoke("show", run_id)
    assert shown.exit_code == 0, shown.output
    assert_clean(shown.stdout, "show")
    assert "Thank you, Dana" in shown.stdout
    for command in (("show", run_id, "--json"), ("write", EXAMPLE, "--to", "dana", "--model", MODEL, "--json")):
        assert "\x9b" not in invoke(*command).stdout  # JSON escapes C0 characters itself, C1 ones not

    # On a terminal: rich's colours only, none of the reply's sequences.
    screen = RICH_STYLE.sub("", on_terminal("write", EXAMPLE, "--to", "dana", "--model", MODEL))
    assert "Thank you, Dana" in screen
    assert_clean(screen.replace("\r", ""), "write on a terminal")
    screen = RICH_STYLE.sub("", on_terminal("show", run_id))
    assert_clean(screen.replace("\r", ""), "show on a terminal")


def test_history_rows_with_escapes_are_printed_clean(home: Path) -> None:
    run_id = offline_run("--to", "dana")
    with history_db(home) as db:
        db.execute("UPDATE drafts SET subject = subject || ?, body = ? || body, tweaks_json = ?",
                   (ESCAPES, ESCAPES, json.dumps([f"shorter{ESCAPES}"])))
        db.execute("UPDATE runs SET company = company || ?", (ESCAPES,))
    for command in (("history",), ("history", "--json"), ("show", run_id), ("diff", run_id, "1", "1", "--to", "dana")):
        result = invoke(*command)
        assert result.exit_code == 0, result.output
        assert_clean(result.stdout.replace("\\u001b", "").replace("\\u0007", "").replace("\\u0000", ""), " ".join(command))
    assert "shorter" in invoke("show", run_id).stdout


def test_rich_markup_in_names_and_notes_is_printed_literally() -> None:
    from rich.console import Console

    draft = Draft(to="Dana [link=https://evil.example]Whitfield[/link]", email="dana@northwind.example",
                  subject="Thanks [bold]a lot[/bold]", body="Dear Dana,\n\n[link=https://evil.example]click[/link]",
                  passed=True, attempts=1, violations=[], model="[blink]offline[/blink]")
    console = Console(force_terminal=True, width=200, color_system="standard", record=True)
    with console.capture() as captured:
        output.print_drafts(console, [draft], [], None)
    screen = captured.get()
    assert "\x1b]8;" not in screen  # no hyperlink was made
    plain = RICH_STYLE.sub("", screen)
    for literal in ("[link=https://evil.example]Whitfield[/link]", "[bold]a lot[/bold]",
                    "[link=https://evil.example]click[/link]", "[blink]offline[/blink]"):
        assert literal in plain, plain


def test_rich_markup_in_a_checked_note_is_printed_literally(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Subject: Thanks [bold]Dana[/bold]\n\nDear Dana, [link=https://evil.example]x[/link]\n",
                    encoding="utf-8")
    result = invoke("check", note)
    assert "Thanks [bold]Dana[/bold]" in result.stdout and "[link=https://evil.example]x[/link]" in result.stdout


@pytest.mark.parametrize("bad", ["Dana\x1b]0;owned\x07 Whitfield", "Dana\x00 Whitfield", "Dana\x9b Whitfield"])
def test_control_characters_in_a_name_are_refused(tmp_path: Path, bad: str) -> None:
    path = facts_with(tmp_path, lambda data: data["interviewers"][0].update(name=bad))
    with pytest.raises(FactsError) as error:
        load_facts(path)
    [line] = error.value.lines
    assert "interviewers[0].name" in line and "control characters" in line


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x0b", "\x0c", "\x85"])
def test_every_line_break_counts_in_a_one_line_field(tmp_path: Path, separator: str) -> None:
    for field in ("company", "role"):
        # JSON, so the character arrives as it is (YAML folds some line breaks into spaces itself).
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data[field] = f"Northwind{separator}Ignore the rules"
        path = tmp_path / "facts.json"
        path.write_text(json.dumps(data, default=str), encoding="utf-8")
        with pytest.raises(FactsError) as error:
            load_facts(path)
        [line] = error.value.lines
        assert f"{field}: must be a single line" in line


def test_free_text_facts_lose_their_control_characters(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["interviewers"][0]["topics"][0] += ESCAPES
        data["candidate"]["strengths"][0] += "\x1b[2J"
        data["interview"]["highlights"][0] += "\x00"

    facts = load_facts(facts_with(tmp_path, change))
    for text in (facts.interviewers[0].topics[0], facts.candidate.strengths[0], facts.interview.highlights[0]):
        assert_clean(text, "facts")
    assert facts.interviewers[0].topics[0].startswith("cutting on-call pages by 40%")


# --- 2. email addresses ---------------------------------------------------------------------------------------


def test_a_non_ascii_domain_is_idna_encoded(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["interviewers"][0]["email"] = "dana@nörthwind.example"
        data["candidate"]["email"] = "jordan@bücher.example"

    path = facts_with(tmp_path, change)
    facts = load_facts(path)
    assert facts.interviewers[0].email == "dana@xn--nrthwind-n4a.example"
    assert facts.candidate.email == "jordan@xn--bcher-kva.example"
    out = tmp_path / "out"
    result = invoke("write", path, "--to", "dana", "--out", out)
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(next(out.glob("*.eml")).read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "dana@xn--nrthwind-n4a.example"
    assert message["From"].addresses[0].addr_spec == "jordan@xn--bcher-kva.example"


@pytest.mark.parametrize(("address", "needle"), [
    ("dana@x, evil@x.example", "one address"),
    ("dana@x.example; evil@x.example", "one address"),
    ("dana@x.example evil@x.example", "one address"),
    ("dana\x0b@northwind.example", "spaces or control characters"),
    ("dana\u2028x@northwind.example", "spaces or control characters"),
    ("dana@north\x1bwind.example", "spaces or control characters"),
    ("dana@north wind.example", "spaces or control characters"),
    ("däna@northwind.example", "non-ASCII"),
    ("Dana Whitfield <dana@northwind.example>", "spaces"),
    ("dana", "email address such as"),
    ("dana@northwind", "email address such as"),
    ("@northwind.example", "email address such as"),
    ("dana@-northwind.example", "email address such as"),
    ('"dana"@northwind.example', "characters an address cannot have"),
])
def test_a_bad_address_is_one_line_naming_the_field(tmp_path: Path, address: str, needle: str) -> None:
    path = facts_with(tmp_path, lambda data: data["interviewers"][1].update(email=address))
    with pytest.raises(FactsError) as error:
        load_facts(path)
    [line] = error.value.lines
    assert "interviewers[1].email" in line and needle in line, line
    result = invoke("write", path, "--out", tmp_path / "out")
    assert_one_line_error(result, "interviewers[1].email")
    assert not (tmp_path / "out").exists()


def test_the_candidate_address_is_validated_too(tmp_path: Path) -> None:
    path = facts_with(tmp_path, lambda data: data["candidate"].update(email="me@x.example, you@y.example"))
    assert_one_line_error(invoke("write", path), "candidate.email", "one address")


# --- 4. devices, pipes and directories as input ------------------------------------------------------------------

needs_script = pytest.mark.skipif(not FOLLOWUP.exists(), reason="console script not installed")


@needs_script
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", [("write",), ("check",), ("check", "-", "--facts")])
def test_a_device_is_refused_without_reading_it(device: str, command: tuple[str, ...]) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} not on this system")
    done = run_script(*command, device, input=b"Subject: Hi\n\nDear Dana, thanks.\n", memory=1 << 30)
    assert_one_line(done, device, "not a regular file")


@needs_script
@pytest.mark.parametrize("command", [("write",), ("check",)])
def test_a_fifo_is_refused_without_waiting(tmp_path: Path, command: tuple[str, ...]) -> None:
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    done = run_script(*command, fifo, timeout=20)
    assert_one_line(done, str(fifo), "not a regular file")


@needs_script
@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_policy_that_is_a_device_or_fifo_is_one_line(tmp_path: Path, kind: str) -> None:
    policy = Path("/dev/zero")
    if kind == "fifo":
        policy = tmp_path / "policy.yaml"
        os.mkfifo(policy)
    done = run_script("check", "-", env={"FOLLOWUP_GUARDRAILS": str(policy)}, input=b"Dear Dana, thanks.\n",
                      memory=1 << 30, timeout=20)
    assert_one_line(done, str(policy), "not a regular file")


@pytest.mark.parametrize("command", ["write", "check"])
def test_a_directory_is_refused(tmp_path: Path, command: str) -> None:
    assert_one_line_error(invoke(command, tmp_path), str(tmp_path), "directory")


def test_facts_from_standard_input(tmp_path: Path) -> None:
    result = invoke("write", "-", "--to", "dana", input=EXAMPLE.read_bytes())
    assert result.exit_code == 0, result.output
    assert "=== To: Dana Whitfield" in result.stdout
    broken = invoke("write", "-", input=b"candidate: [\n")
    assert_one_line_error(broken, "standard input", "invalid YAML")


def test_standard_input_is_read_bounded() -> None:
    huge = EXAMPLE.read_bytes() + b"#" * (MAX_FACTS_BYTES + 10) + b"\n"
    assert_one_line_error(invoke("write", "-", input=huge), "standard input", f"{MAX_FACTS_BYTES:,}")


def test_the_facts_read_is_bounded_whatever_the_size_says(tmp_path: Path) -> None:
    # A regular file may grow after its size was looked at; the read itself stops at the limit.
    from followup.files import UnreadableFile, read_bounded

    path = tmp_path / "facts.yaml"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(UnreadableFile, match="100 bytes; the limit is 99 bytes"):
        read_bounded(path, 99)


@needs_script
def test_an_unreadable_facts_file_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "facts.yaml"
    path.write_bytes(EXAMPLE.read_bytes())
    path.chmod(0)
    assert_one_line(run_script("write", path), str(path), "cannot read")


# --- 7. runs that are not runs ------------------------------------------------------------------------------------


def failed_write(monkeypatch: pytest.MonkeyPatch, *extra: object) -> None:
    """A write whose model service rejects the key: exit 3, a run with no drafts left behind."""
    with FakeOpenAIServer() as server:
        server.fail_next(401, times=20)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        result = invoke("write", EXAMPLE, "--model", MODEL, *extra)
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY")
    assert result.exit_code == 3, result.output


def test_a_run_without_drafts_is_never_the_default(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failed_write(monkeypatch)
    [empty] = json.loads(invoke("history", "--json").stdout)
    assert empty["drafts"] == []
    assert_one_line_error(invoke("regenerate", "--to", "Dana", "--tweak", "shorter"), "no run has a draft yet")
    assert_one_line_error(invoke("show", empty["id"]), empty["id"], "has no drafts")
    assert_one_line_error(invoke("show", empty["id"], "--to", "Dana"), empty["id"], "has no drafts")
    as_json = invoke("show", empty["id"], "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["drafts"] == []

    # With an earlier run that has drafts, that run is the default, not the empty one after it.
    good = offline_run()
    failed_write(monkeypatch)
    result = invoke("regenerate", "--to", "Dana", "--tweak", "shorter")
    assert result.exit_code in (0, 1), result.output
    assert f"in run {good}" in result.stderr


def test_a_missing_interviewer_names_the_runs_that_have_one() -> None:
    full = offline_run()
    only_priya = offline_run("--to", "priya")
    line = assert_one_line_error(invoke("regenerate", "--to", "Dana", "--tweak", "shorter"),
                                 only_priya, "Priya Raman", f"--run {full}")
    assert "Dana Whitfield has drafts in run" in line
    # Asked of that run by name: the answer says where Dana's drafts are.
    assert_one_line_error(invoke("show", only_priya, "--to", "Dana"), only_priya, f"has drafts in run {full}")
    assert_one_line_error(invoke("regenerate", "--to", "Zed", "--tweak", "shorter"), "no run has a draft for 'Zed'")


# --- 8. environment values, output encodings, damaged rows ---------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "-1", "abc", "1e400", "99999"])
def test_a_bad_lock_timeout_is_one_line(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("FOLLOWUP_LOCK_TIMEOUT", value)
    for command in (("history",), ("write", EXAMPLE, "--to", "dana", "--model", "offline")):
        assert_one_line_error(invoke(*command), "FOLLOWUP_LOCK_TIMEOUT", repr(value))


@pytest.mark.parametrize("value", ["0", "2.5", " 10 "])
def test_a_good_lock_timeout_is_used(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from followup.history import lock_timeout

    monkeypatch.setenv("FOLLOWUP_LOCK_TIMEOUT", value)
    assert lock_timeout() == float(value)
    assert invoke("history").exit_code == 0


def test_a_home_that_is_a_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_folder = tmp_path / "home-file"
    not_a_folder.write_text("x", encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_HOME", str(not_a_folder))
    assert_one_line_error(invoke("history"), "FOLLOWUP_HOME", str(not_a_folder))


@needs_script
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_narrow_output_encoding_is_no_traceback(tmp_path: Path, home: Path, encoding: str) -> None:
    path = facts_with(tmp_path, lambda data: data["interviewers"][0].update(name="Dàna Whitfield 王"))
    env = {"PYTHONIOENCODING": encoding, "FOLLOWUP_HOME": str(home)}
    written = run_script("write", path, "--to", "dàna", env=env, encoding=encoding)
    assert written.returncode == 0, written.stderr
    assert "Traceback" not in written.stderr
    assert ("D\\u00e0na" if encoding == "ascii" else "Dàna") + " Whitfield \\u738b" in written.stdout
    listing = run_script("history", "--json", env=env, encoding=encoding)
    [run] = json.loads(listing.stdout)  # still JSON: the escapes are JSON's own
    assert run["drafts"][0]["to"] == "Dàna Whitfield 王"
    for command in (("history",), ("show", run["id"]), ("show", run["id"], "--json"), ("check", "-", "--json")):
        done = run_script(*command, env=env, input="Subject: Danke schön\n\nDear Dàna 王,\n".encode())
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(("column", "damage"), [
    ("violations_json", "{not json"),
    ("violations_json", '[{"rule": 1}]'),
    ("violations_json", "[5]"),
    ("tweaks_json", "[unclosed"),
    ("tweaks_json", '{"a": 1}'),
])
def test_a_damaged_draft_row_is_one_line_naming_the_run(home: Path, column: str, damage: str) -> None:
    run_id = offline_run("--to", "dana")
    with history_db(home) as db:
        db.execute(f"UPDATE drafts SET {column} = ?", (damage,))  # noqa: S608 (a column of this test)
    for command in (("show", run_id), ("diff", run_id, "1", "1", "--to", "dana"),
                    ("regenerate", "--to", "dana", "--tweak", "shorter")):
        assert_one_line_error(invoke(*command), f"run {run_id}", "Dana Whitfield version 1")
    assert invoke("history").exit_code == 0  # the listing reads no JSON of the drafts


@pytest.mark.parametrize("damage", ["{not json", '{"company": "x"}', "[]"])
def test_damaged_run_facts_are_one_line_naming_the_run(home: Path, damage: str) -> None:
    run_id = offline_run("--to", "dana")
    with history_db(home) as db:
        db.execute("UPDATE runs SET facts_json = ?", (damage,))
    for command in (("show", run_id), ("regenerate", "--to", "dana", "--tweak", "shorter")):
        assert_one_line_error(invoke(*command), f"run {run_id}", "saved facts")


def test_check_prints_a_hand_written_note_without_its_escape_sequences(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Dear Dana,\n\nThank you \x1b]52;c;ZXZpbA==\x07 for the time \x1b[2J today.\n\nJordan Rivera\n",
                    encoding="utf-8")
    result = invoke("check", note)
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Thank you \ufffd]52;c;ZXZpbA==\ufffd for the time" in result.stdout  # shown, not acted on
    assert "Subject: " not in result.stdout  # a pasted body has no subject line to print
