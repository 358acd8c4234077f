"""No API key leaks: every command, run as a real process with a recognisable fake key set,
and every file followup writes, scanned for it.

The key is ``sk-test-CANARY-0123456789abcdef``; the scans look for its distinctive middle
(``CANARY-0123456789abcdef``) too, so a key shown half-masked still counts as a leak. The
model commands talk to the local ``tests/fake_openai_server.py`` on 127.0.0.1 (some of its
error replies echo the key back, as real services do); nothing touches the network.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_faults import Fault, FaultServer, everyone
from test_openai_model import closed_port
from conftest import REPO_ROOT

EXAMPLE = "examples/interview.yaml"
FOLLOWUP = Path(sys.executable).parent / "followup"
KEY = "sk-test-CANARY-0123456789abcdef"
NEEDLES = [KEY, "CANARY-0123456789abcdef", "CANARY"]
MODEL = "test-model"
ECHO = f"Incorrect API key provided: {KEY}. Request had Authorization: Bearer {KEY}"
COMMANDS = ["write", "regenerate", "check", "history", "show", "diff", "sent", "eval", "init", "schema"]

pytestmark = pytest.mark.skipif(not FOLLOWUP.exists(), reason="console script not installed")


@dataclass
class Ran:
    label: str
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Session:
    home: Path
    work: Path
    runs: dict[str, Ran]
    requests: list[dict[str, Any]]  # every request the local servers saw
    run_id: str
    body: str  # a draft body, to show the file scans see the stored data


def _env(home: Path, base_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env.update(OPENAI_API_KEY=KEY, FOLLOWUP_HOME=str(home))
    if base_url:
        env["OPENAI_BASE_URL"] = base_url
    return env


def _run(label: str, args: tuple[str, ...], env: dict[str, str]) -> Ran:
    done = subprocess.run([str(FOLLOWUP), *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, check=False)
    return Ran(label, args, done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    work = tmp_path_factory.mktemp("secrets")
    home = work / "home"
    short_note = work / "short.txt"
    short_note.write_text("Subject: Thank you, Dana\n\nDear Dana,\n\nThank you for your time.\n\nJordan Rivera\n")
    evals_copy = work / "evals"
    shutil.copytree(REPO_ROOT / "evals", evals_copy)
    runs: dict[str, Ran] = {}
    with FaultServer(lambda name, n: None) as good, \
            FaultServer(everyone(Fault(401, ECHO))) as rejected, \
            FaultServer(everyone(Fault(400, ECHO))) as bad_request, \
            FaultServer(everyone(Fault(500, ECHO, headers={"Retry-After": "0"}))) as broken, \
            ThreadPoolExecutor(max_workers=6) as pool:
        env, env_401 = _env(home, good.base_url), _env(home, rejected.base_url)
        env_400, env_500 = _env(home, bad_request.base_url), _env(home, broken.base_url)
        env_refused = _env(home, f"http://127.0.0.1:{closed_port()}/v1")
        env_no_endpoint = {k: v for k, v in env.items() if k != "OPENAI_BASE_URL"}

        def phase(jobs: dict[str, tuple[tuple[str, ...], dict[str, str]]]) -> None:
            runs.update(pool.map(lambda item: (item[0], _run(item[0], *item[1])), jobs.items()))

        first = _run("write-model-json", ("write", EXAMPLE, "--json", "--model", MODEL), env)
        runs[first.label] = first
        assert first.returncode == 0, first.stderr
        payload = json.loads(first.stdout)
        run_id = payload["run_id"]
        dana = payload["drafts"][0]
        note = work / "note.txt"
        note.write_text(f"Subject: {dana['subject']}\n\n{dana['body']}\n", encoding="utf-8")
        # Hold the database open, so that its -wal and -shm files stay on disk to be scanned too.
        holder = sqlite3.connect(home / "history.db")
        holder.execute("SELECT COUNT(*) FROM drafts").fetchone()
        try:
            phase({
                "help": (("--help",), env),
                "version": (("--version",), env),
                **{f"{c}-help": ((c, "--help"), env) for c in COMMANDS},
                "write-offline": (("write", EXAMPLE, "--model", "offline", "--json"), env),
                "write-default-model": (("write", EXAMPLE, "--to", "dana"), env),
                "write-model-text": (("write", EXAMPLE, "--model", MODEL), env),
                "write-out": (("write", EXAMPLE, "--model", MODEL, "--out", str(work / "out"), "--json"), env),
                "write-dry-run": (("write", EXAMPLE, "--dry-run"), env),
                "write-401": (("write", EXAMPLE, "--json", "--model", MODEL), env_401),
                "write-400": (("write", EXAMPLE, "--json", "--model", MODEL), env_400),
                "write-500": (("write", EXAMPLE, "--json", "--model", MODEL, "--timeout", "2"), env_500),
                "write-refused": (("write", EXAMPLE, "--json", "--model", MODEL, "--timeout", "2"), env_refused),
                "write-missing-facts": (("write", "no-such-facts.yaml"), env),
                "write-bad-tone": (("write", EXAMPLE, "--tone", "rude"), env),
                "check": (("check", str(note)), env),
                "check-facts-json": (("check", str(note), "--facts", EXAMPLE, "--to", "dana", "--json"), env),
                "check-short": (("check", str(short_note), "--facts", EXAMPLE, "--to", "dana"), env),
                "check-missing": (("check", str(work / "no-note.txt")), env),
                "eval": (("eval",), env),
                "eval-record": (("eval", "--record", "--dir", str(evals_copy), "--case", "science_teacher_all_good"),
                                env),
                "eval-record-no-endpoint": (("eval", "--record", "--dir", str(evals_copy), "--case", "x"),
                                            env_no_endpoint),
                "init": (("init", str(work / "new.yaml")), env),
                "schema": (("schema",), env),
            })
            runs["init-again"] = _run("init-again", ("init", str(work / "new.yaml")), env)
            runs["regenerate"] = _run("regenerate", ("regenerate", "--run", run_id, "--to", "dana", "--tweak",
                                                     "more formal", "--json"), env)
            phase({
                "regenerate-401": (("regenerate", "--run", run_id, "--to", "dana", "--tweak", "shorter"), env_401),
                "regenerate-unknown": (("regenerate", "--to", "nobody", "--tweak", "shorter"), env),
                "history": (("history",), env),
                "history-json": (("history", "--json"), env),
                "show": (("show", run_id), env),
                "show-json": (("show", run_id, "--json"), env),
                "show-out": (("show", run_id, "--out", str(work / "out-show")), env),
                "show-unknown": (("show", "zzzzzzzz"), env),
                "diff": (("diff", run_id, "1", "2", "--to", "dana"), env),
                "diff-unknown-version": (("diff", run_id, "1", "9", "--to", "dana"), env),
            })
            runs["sent"] = _run("sent", ("sent", run_id, "--to", "dana"), env)
            yield Session(home, work, runs, good.requests + rejected.requests + bad_request.requests
                          + broken.requests, run_id, payload["drafts"][0]["body"])
        finally:
            holder.close()


EXPECTED_EXIT = {
    "check-short": 1, "write-401": 3, "write-400": 3, "write-500": 3, "write-refused": 3, "regenerate-401": 3,
    "write-missing-facts": 2, "write-bad-tone": 2, "check-missing": 2, "regenerate-unknown": 2, "show-unknown": 2,
    "diff-unknown-version": 2, "init-again": 2, "eval-record-no-endpoint": 2,
}


def _labels() -> list[str]:
    fixed = ["help", "version", *[f"{c}-help" for c in COMMANDS], "write-model-json", "write-offline",
             "write-default-model", "write-model-text", "write-out", "write-dry-run", "check", "check-facts-json",
             "eval", "eval-record", "init", "schema", "regenerate", "history", "history-json", "show", "show-json",
             "show-out", "diff", "sent"]
    return fixed + list(EXPECTED_EXIT)


@pytest.mark.parametrize("label", _labels())
def test_no_command_prints_the_key(session: Session, label: str) -> None:
    ran = session.runs[label]
    assert ran.returncode == EXPECTED_EXIT.get(label, 0), f"{ran.args}: {ran.stderr}"
    assert "Traceback" not in ran.stderr
    for needle in NEEDLES:
        assert needle not in ran.stdout, (ran.args, needle)
        assert needle not in ran.stderr, (ran.args, needle)


def test_every_command_was_run(session: Session) -> None:
    assert {ran.args[0] for ran in session.runs.values() if not ran.args[0].startswith("--")} == set(COMMANDS)
    assert set(session.runs) == set(_labels())


def _files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file())


def test_history_files_do_not_hold_the_key(session: Session) -> None:
    files = _files(session.home)
    names = {p.name for p in files}
    assert "history.db" in names and "history.db-wal" in names  # the database and its write-ahead log
    stored = b"".join(p.read_bytes() for p in files)
    assert session.body[:60].encode() in stored  # the scan does see the saved drafts
    for needle in NEEDLES:
        assert needle.encode() not in stored, needle


def test_out_files_do_not_hold_the_key(session: Session) -> None:
    files = _files(session.work / "out", session.work / "out-show")
    assert {p.suffix for p in files} == {".md", ".eml"}
    for path in files:
        data = path.read_bytes()
        for needle in NEEDLES:
            assert needle.encode() not in data, (path, needle)


def test_recorded_cassettes_do_not_hold_the_key(session: Session) -> None:
    recorded = session.work / "evals" / "cassettes" / "science_teacher_all_good.yaml"
    assert recorded.stat().st_mtime > (REPO_ROOT / "evals" / "cassettes" / "science_teacher_all_good.yaml").stat().st_mtime
    text = recorded.read_text(encoding="utf-8")
    assert "interactions:" in text and "Naomi Fischer" in text  # it did record the exchange
    for needle in NEEDLES:
        assert needle not in text, needle
    assert not re.search(r"(?i)authorization|bearer ", text)


@pytest.mark.parametrize("folder", ["tests/cassettes", "evals/cassettes"])
def test_cassettes_in_the_repository_hold_no_key(session: Session, folder: str) -> None:
    files = _files(REPO_ROOT / folder)
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        for needle in NEEDLES:
            assert needle not in text, (path, needle)
        assert not re.search(r"(?i)\bauthorization\b\s*:|\bbearer\s+\S|\bsk-(?:proj-)?[A-Za-z0-9]{16,}", text), path


def test_the_server_sees_exactly_the_configured_key_and_nothing_identifying(session: Session) -> None:
    assert len(session.requests) >= 10
    identifying = {value for value in (socket.gethostname(), getpass.getuser(), str(session.home), str(REPO_ROOT))
                   if len(value) >= 4}
    for request in session.requests:
        headers = request["headers"]
        assert headers["authorization"] == f"Bearer {KEY}"
        assert not {"openai-organization", "openai-project", "cookie", "api-key"} & set(headers)
        for name, value in headers.items():
            if name != "authorization":
                assert "CANARY" not in value, name
            for private in identifying:
                assert private not in value, (name, value)
        assert "CANARY" not in request["path"] and "CANARY" not in json.dumps(request["json"])


def test_pretty_exceptions_are_off() -> None:
    from followup.cli import app

    assert app.pretty_exceptions_enable is False
    assert getattr(app, "pretty_exceptions_show_locals", False) is False


CRASH = """
import sys
import followup.models

def crash(settings):
    raise RuntimeError("simulated crash while opening the model")

followup.models.open_model = crash
sys.argv = ["followup", "write", "examples/interview.yaml", "--model", "test-model"]
from followup.cli import main
main()
"""


def test_a_crash_prints_no_local_variables(tmp_path: Path) -> None:
    """An unexpected error inside write, while ``settings`` (holding the key) is a local: no locals are printed."""
    env = _env(tmp_path / "home", "http://127.0.0.1:9/v1")
    done = subprocess.run([sys.executable, "-c", CRASH], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    assert "simulated crash" in done.stderr  # the crash path was taken
    for needle in NEEDLES:
        assert needle not in done.stdout + done.stderr
    assert "api_key" not in done.stderr and "locals" not in done.stderr.lower()
