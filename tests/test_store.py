"""The history store under stress: concurrent writers, old schemas, corrupt and locked files, secrets.

The command line runs in-process (CliRunner) or as the installed ``followup`` script, with
the history in a temporary FOLLOWUP_HOME and no OPENAI_* variables unless a test points
them at the local fake server. A locked database is simulated by a second connection
holding ``BEGIN EXCLUSIVE``; the in-process tests lower the store's 10 s busy timeout so
that they do not wait it out.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error
from cli_helpers import invoke as cli
from conftest import EXAMPLE
from fake_openai_server import FakeOpenAIServer
from typer.testing import CliRunner

import followup
from followup import history as history_module
from followup.cli import app
from followup.drafting import Draft
from followup.facts import load_facts
from followup.guardrails import load_policy
from followup.history import MIGRATIONS, History, HistoryError

FACTS = load_facts(EXAMPLE)
FOLLOWUP_BIN = Path(sys.executable).parent / "followup"
REAL_CONNECT = sqlite3.connect
QUICK_BUSY_MS = 200





def write(*extra: object) -> str:
    result = cli("write", EXAMPLE, "--json", *extra)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["run_id"])




def open_store(home: Path) -> History:
    return History(home / "history.db")


def process_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOLLOWUP_"))}
    env["FOLLOWUP_HOME"] = str(home)
    return env


# --- two processes at once --------------------------------------------------------------------------


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_concurrent_write_processes_all_succeed(home: Path) -> None:
    open_store(home).close()  # the database exists (the first-creation race is tested below)
    processes = [
        subprocess.Popen([str(FOLLOWUP_BIN), "write", str(EXAMPLE), "--json"], env=process_env(home),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err
    run_ids = {json.loads(out)["run_id"] for out, _ in outputs}
    assert len(run_ids) == 4
    store = open_store(home)
    try:
        assert {r.id for r in store.runs()} == run_ids
        for run_id in run_ids:
            assert sorted(d["interviewer"] for d in store.drafts(run_id)) == sorted(p.name for p in FACTS.interviewers)
    finally:
        store.close()


def test_concurrent_writers_in_one_process_and_another_connection(home: Path) -> None:
    """A second connection (another process) writing between this one's writes is fine: WAL, short transactions."""
    first, second = open_store(home), open_store(home)
    try:
        runs = [store.start_run(FACTS, None, "offline") for store in (first, second, first, second)]
        assert {r.id for r in first.runs()} == set(runs) == {r.id for r in second.runs()}
        assert first._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        first.close()
        second.close()


def test_two_processes_creating_the_database_at_once(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = home / "history.db"
    raced: list[bool] = []
    original = History._transaction

    def other_process_migrates_first(self: History):  # type: ignore[no-untyped-def]
        if not raced:  # after this store read the schema version, before it starts migrating
            raced.append(True)
            History(path).close()
        return original(self)

    monkeypatch.setattr(History, "_transaction", other_process_migrates_first)
    store = History(path)  # must not fail
    try:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        store.start_run(FACTS, None, "offline")
    finally:
        store.close()


def test_a_version_saved_by_another_process_while_drafting_is_kept(home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process saves version 2 while this regenerate waits for its model: both drafts are kept."""
    from followup import regeneration

    run_id = write("--to", "dana")
    original = regeneration.draft_note

    def slow_model(*args: object, **kwargs: object) -> Draft:
        draft = original(*args, **kwargs)  # type: ignore[arg-type]
        other = open_store(home)
        try:
            other.save_draft(run_id, Draft(to="Dana Whitfield", version=2, parent_version=1, subject="Other",
                                           body="Another process saved this version first.", passed=True,
                                           attempts=1, violations=[], model="offline", tweaks=["longer"]))
        finally:
            other.close()
        return draft

    monkeypatch.setattr(regeneration, "draft_note", slow_model)
    result = cli("regenerate", "--to", "dana", "--tweak", "more formal", "--json")
    assert result.exit_code == 0, result.output
    [draft] = json.loads(result.stdout)["drafts"]
    store = open_store(home)
    try:
        saved = {d["version"]: d for d in store.drafts(run_id)}
    finally:
        store.close()
    assert saved[2]["body"] == "Another process saved this version first."
    assert draft["version"] == 3  # what it says it saved is what is saved
    assert saved[3]["body"] == draft["body"] and saved[3]["parent_version"] == 1


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_concurrent_regenerate_processes_keep_every_version(home: Path) -> None:
    run_id = write("--to", "dana")
    tweaks = ["shorter", "longer", "more formal", "more concise"]
    processes = [
        subprocess.Popen([str(FOLLOWUP_BIN), "regenerate", "--to", "dana", "--from-version", "1", "--tweak", tweak,
                          "--json"],
                         env=process_env(home), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for tweak in tweaks
    ]
    outputs = [p.communicate(timeout=60) for p in processes]
    claimed = {}
    for process, tweak, (out, err) in zip(processes, tweaks, outputs):
        assert process.returncode == 0, err
        [draft] = json.loads(out)["drafts"]
        claimed[draft["version"]] = (tweak, draft["body"])
    store = open_store(home)
    try:
        saved = {d["version"]: d for d in store.drafts(run_id)}
    finally:
        store.close()
    assert sorted(saved) == [1, 2, 3, 4, 5]
    assert sorted(claimed) == [2, 3, 4, 5]  # no two processes got the same number
    for version, (tweak, body) in claimed.items():
        assert json.loads(saved[version]["tweaks_json"]) == [tweak]
        assert saved[version]["body"] == body and saved[version]["parent_version"] == 1


# --- schema migrations ---------------------------------------------------------------------------------


def _old_database(path: Path) -> str:
    """A database as the first released schema left it (user_version 1), with one run and draft."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = REAL_CONNECT(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version=1")
    db.execute(
        "INSERT INTO runs (id, created_at, facts_path, facts_hash, facts_json, company, role, model, send_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ("0ldrun01", "2026-11-25T22:00:00+00:00", "old.yaml", FACTS.fingerprint(), FACTS.model_dump_json(),
         FACTS.company, FACTS.role, "offline", load_policy().send_by(FACTS).isoformat()),
    )
    db.execute(
        "INSERT INTO drafts (run_id, interviewer, email, version, parent_version, tweaks_json, subject, body, passed,"
        " attempts, violations_json, model, created_at) VALUES (?, ?, ?, 1, NULL, '[]', ?, ?, 1, 1, '[]', ?, ?)",
        ("0ldrun01", "Dana Whitfield", "dana@northwind.example", "Thank you, Dana",
         "Hello Dana,\n\nOld note body from the first schema.\n\nJordan Rivera", "offline", "2026-11-25T22:00:01+00:00"),
    )
    db.commit()
    db.close()
    return "0ldrun01"


def test_old_schema_is_migrated_on_open(home: Path) -> None:
    path = home / "history.db"
    run_id = _old_database(path)
    store = History(path)
    try:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert [r.id for r in store.runs()] == [run_id]
        assert store.run_facts(run_id) == FACTS
        assert store.draft(run_id, "dana")["body"].startswith("Hello Dana,")
        columns = {row[1] for row in store._db.execute("PRAGMA table_info(runs)")}
        assert "followup_version" in columns
        assert store._db.execute("SELECT followup_version FROM runs WHERE id = ?", (run_id,)).fetchone()[0] is None
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()


def test_old_database_works_through_the_cli(home: Path) -> None:
    run_id = _old_database(home / "history.db")
    listing = json.loads(cli("history", "--json").stdout)
    assert [r["id"] for r in listing] == [run_id]
    assert cli("show", "0ld").stdout.count("Old note body from the first schema.") == 1
    result = cli("regenerate", "--run", "0ld", "--to", "dana", "--tweak", "more formal", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["drafts"][0]["version"] == 2
    new_run = write("--to", "dana")
    store = open_store(home)
    try:
        assert store.draft(run_id, "dana", 2)["parent_version"] == 1
        assert store._db.execute("SELECT followup_version FROM runs WHERE id = ?",
                                 (new_run,)).fetchone()[0] == followup.__version__
    finally:
        store.close()


def test_a_failing_migration_changes_nothing(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = home / "history.db"
    run_id = _old_database(path)
    History(path).close()  # now at the current schema
    broken = [*MIGRATIONS, "ALTER TABLE runs ADD COLUMN extra TEXT; ALTER TABLE no_such_table ADD COLUMN x TEXT"]
    monkeypatch.setattr(history_module, "MIGRATIONS", broken)
    with pytest.raises(HistoryError) as caught:
        History(path)
    assert str(path) in str(caught.value)
    monkeypatch.setattr(history_module, "MIGRATIONS", MIGRATIONS)
    store = History(path)
    try:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert "extra" not in {row[1] for row in store._db.execute("PRAGMA table_info(runs)")}  # rolled back
        assert [r.id for r in store.runs()] == [run_id]
    finally:
        store.close()


# --- a database that cannot be used: reported, never replaced -----------------------------------------


def _garbage(size: int = 8192, seed: int = 7) -> bytes:
    data = random.Random(seed).randbytes(size)
    assert not data.startswith(b"SQLite format 3")
    return data


@pytest.mark.parametrize("command", [("history",), ("history", "--json"), ("show", "abc"),
                                     ("write", EXAMPLE, "--model", "offline"), ("sent", "abc", "--to", "dana"),
                                     ("regenerate", "--to", "dana", "--tweak", "shorter")])
def test_corrupt_database_is_a_clear_error_and_left_untouched(home: Path, command: tuple[object, ...]) -> None:
    path = home / "history.db"
    home.mkdir(parents=True)
    data = _garbage()
    path.write_bytes(data)
    result = cli(*command)
    assert_one_line_error(result, str(path))
    assert result.stdout == ""
    assert path.read_bytes() == data  # byte for byte
    assert not any(p.name.startswith("history.db") and p.name != "history.db" and p.stat().st_size
                   for p in home.iterdir())


@pytest.mark.skipif(not FOLLOWUP_BIN.exists(), reason="console script not installed")
def test_corrupt_database_in_a_real_process(home: Path) -> None:
    path = home / "history.db"
    home.mkdir(parents=True)
    data = _garbage(seed=11)
    path.write_bytes(data)
    done = subprocess.run([str(FOLLOWUP_BIN), "history"], check=False, capture_output=True, text=True, env=process_env(home),
                          stdin=subprocess.DEVNULL, timeout=30)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0]
    assert path.read_bytes() == data


def _database_with_corrupt_pages(home: Path) -> tuple[Path, bytes]:
    """A real history database whose header is intact but whose table pages are garbage."""
    store = open_store(home)
    run_id = store.start_run(FACTS, None, "offline")
    store.save_draft(run_id, Draft(to="Dana Whitfield", subject="S", body="B " * 200, passed=True, attempts=1,
                                   violations=[], model="offline"))
    store.close()  # the last connection checkpoints the WAL into the file
    path = home / "history.db"
    assert not (home / "history.db-wal").exists() or (home / "history.db-wal").stat().st_size == 0
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = random.Random(3).randbytes(len(data) - page)
    path.write_bytes(bytes(data))
    return path, bytes(data)


def test_corrupt_pages_are_left_untouched(home: Path) -> None:
    path, data = _database_with_corrupt_pages(home)
    CliRunner().invoke(app, ["history"])
    CliRunner().invoke(app, ["write", str(EXAMPLE)])
    assert path.read_bytes() == data


def test_corrupt_pages_are_a_clear_error(home: Path) -> None:
    path, _ = _database_with_corrupt_pages(home)
    assert_one_line_error(cli("history"), str(path))


# --- a locked database --------------------------------------------------------------------------------


LOCKED_RUN: list[str] = []  # the run the locked fixture wrote before taking the lock


class _QuickBusyConnection(sqlite3.Connection):
    """The store's connection with its busy timeout lowered, so a test need not wait 10 s."""

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
        if sql.replace(" ", "").lower().startswith("pragmabusy_timeout"):
            sql = f"PRAGMA busy_timeout={QUICK_BUSY_MS}"
        return super().execute(sql, *args)


@pytest.fixture
def locked(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite3.Connection]:
    """A database with one run, and another connection holding it with BEGIN EXCLUSIVE."""
    LOCKED_RUN.clear()
    LOCKED_RUN.append(write("--to", "dana"))

    def quick_connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        kwargs["factory"] = _QuickBusyConnection
        kwargs["timeout"] = QUICK_BUSY_MS / 1000
        return REAL_CONNECT(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(history_module.sqlite3, "connect", quick_connect)
    holder = REAL_CONNECT(home / "history.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


def _release(holder: sqlite3.Connection) -> None:
    holder.execute("ROLLBACK")


def test_locked_database_write_is_a_clear_error(home: Path, locked: sqlite3.Connection) -> None:
    started = time.monotonic()
    result = cli("write", EXAMPLE, "--json", "--model", "offline")
    assert time.monotonic() - started < 5
    assert_one_line_error(result, str(home / "history.db"), "locked")
    assert result.stdout == ""
    _release(locked)
    assert [r["id"] for r in json.loads(cli("history", "--json").stdout)] == LOCKED_RUN  # the refused write left no run
    write()  # and once the lock is gone, writing works


def test_locked_database_regenerate_and_sent_save_nothing(home: Path, locked: sqlite3.Connection) -> None:
    [run_id] = LOCKED_RUN
    assert_one_line_error(cli("regenerate", "--to", "dana", "--tweak", "shorter"), "locked")
    assert_one_line_error(cli("sent", run_id, "--to", "dana"), "locked")
    _release(locked)
    [draft] = json.loads(cli("history", "--json").stdout)[0]["drafts"]
    assert (draft["version"], draft["sent_at"]) == (1, None)


def test_reading_while_another_process_writes(home: Path, locked: sqlite3.Connection) -> None:
    """WAL: history and show still read while a writer holds the lock."""
    listing = cli("history", "--json")
    assert listing.exit_code == 0, listing.output
    [run] = json.loads(listing.stdout)
    assert cli("show", run["id"]).exit_code == 0


def _lock_after_the_run_starts(holder: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    _release(holder)
    original = History.start_run

    def start_then_lose_the_lock(self: History, *args: object) -> str:
        run_id = original(self, *args)  # type: ignore[arg-type]
        holder.execute("BEGIN EXCLUSIVE")
        return run_id

    monkeypatch.setattr(History, "start_run", start_then_lose_the_lock)


def test_lock_taken_in_the_middle_of_a_write(home: Path, locked: sqlite3.Connection,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The drafts are still shown; that they were not saved is said, with exit 2, not as a traceback."""
    _lock_after_the_run_starts(locked, monkeypatch)
    result = cli("write", EXAMPLE, "--model", "offline")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout.count("=== To: ") == len(FACTS.interviewers)
    unsaved = [line for line in result.stderr.splitlines() if "not saved to history" in line]
    assert unsaved and all("locked" in line and str(home / "history.db") in line for line in unsaved)


def test_a_write_that_saved_nothing_does_not_claim_it_did(home: Path, locked: sqlite3.Connection,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _lock_after_the_run_starts(locked, monkeypatch)
    result = cli("write", EXAMPLE, "--model", "offline")
    assert result.exit_code == 2
    assert "saved as run" not in result.stderr


# --- no API key in history ---------------------------------------------------------------------------------

SECRET_KEY = "sk-test-SECRET-store-9f3a7c"


def test_no_api_key_is_stored(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_openai_model import good_note

    with FakeOpenAIServer() as server:
        server.default = good_note
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
        written = cli("write", EXAMPLE, "--model", "test-model", "--json")
        assert written.exit_code == 0, written.output
        tweaked = cli("regenerate", "--to", "dana", "--tweak", "make it funnier")
        assert tweaked.exit_code == 0, tweaked.output
        sent_keys = {r["headers"].get("authorization") for r in server.requests}
    assert sent_keys == {f"Bearer {SECRET_KEY}"}  # the key was in use
    body = json.loads(written.stdout)["drafts"][0]["body"]
    files = [p for p in home.iterdir() if p.is_file()]
    stored = b"".join(p.read_bytes() for p in files)
    assert json.dumps(body)[1:40].encode() in stored or body[:40].encode() in stored  # the scan sees the data
    assert SECRET_KEY.encode() not in stored
    assert b"SECRET" not in stored
    for output in (written.stdout, written.stderr, tweaked.stdout, tweaked.stderr):
        assert SECRET_KEY not in output
