"""The history store: runs, drafts and attempts in SQLite."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from followup import history as history_module
from followup.drafting import Attempt, Draft, draft_note
from followup.facts import load_facts
from followup.guardrails import Violation, load_policy
from followup.history import MIGRATIONS, History, HistoryError
from followup.models.offline import OfflineComposer

FACTS = load_facts(REPO_ROOT / "examples" / "interview.yaml")


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = History(tmp_path / "history.db")
    yield db
    db.close()


def _draft(name: str = "Dana Whitfield", *, passed: bool = True, attempts: int = 1) -> Draft:
    started = datetime(2026, 11, 25, 22, 0, tzinfo=timezone.utc)
    warning = Violation(rule="late", category="timeliness", severity="warning", message="send it today", excerpt="")
    history = [
        Attempt(
            number=n, purpose="draft" if n == 1 else "repair",
            messages=[{"role": "system", "content": f"system {n}"}, {"role": "user", "content": f"<facts>{n}</facts>"}],
            raw_response=json.dumps({"subject": f"S{n}", "body": f"B{n}"}), subject=f"S{n}", body=f"B{n}",
            violations=[warning] if n < attempts else [], prompt_tokens=100 + n, completion_tokens=50 + n,
            started_at=started + timedelta(seconds=n), finished_at=started + timedelta(seconds=n + 1),
        )
        for n in range(1, attempts + 1)
    ]
    return Draft(
        to=name, email="dana@northwind.example", subject="Thank you, Dana", body="Hello Dana,\n\nThanks.\n\nJordan",
        passed=passed, attempts=attempts, model="offline", history=history,
        violations=[warning] if not passed else [],
    )


def test_run_and_drafts_round_trip(store: History) -> None:
    run_id = store.start_run(FACTS, "examples/interview.yaml", "offline")
    draft = _draft()
    store.save_draft(run_id, draft)
    runs = store.runs()
    assert [r.id for r in runs] == [run_id]
    assert runs[0].company == FACTS.company and runs[0].role == FACTS.role
    assert runs[0].model == "offline"
    assert runs[0].facts_path == "examples/interview.yaml"
    assert runs[0].send_by == load_policy().send_by(FACTS).isoformat()
    assert store.run_facts(run_id) == FACTS
    rows = store.drafts(run_id)
    assert len(rows) == 1
    row = rows[0]
    assert (row["interviewer"], row["email"], row["version"]) == ("Dana Whitfield", draft.email, 1)
    assert (row["subject"], row["body"]) == (draft.subject, draft.body)
    assert bool(row["passed"]) is True and row["attempts"] == 1 and row["model"] == "offline"
    assert json.loads(row["violations_json"]) == []


def test_round_trip_through_output(store: History) -> None:
    from followup.history import draft_from_row

    run_id = store.start_run(FACTS, None, "offline")
    draft = _draft(passed=False, attempts=2)
    store.save_draft(run_id, draft)
    again = draft_from_row(store.drafts(run_id)[0])
    assert again.model_dump() == draft.model_dump()
    assert again.violations == draft.violations


def test_attempts_are_stored(store: History) -> None:
    run_id = store.start_run(FACTS, None, "offline")
    draft = _draft(attempts=3, passed=True)
    store.save_draft(run_id, draft)
    row = store.drafts(run_id)[0]
    attempts = store.attempts(row["id"])
    assert [a["number"] for a in attempts] == [1, 2, 3]
    assert [a["purpose"] for a in attempts] == ["draft", "repair", "repair"]
    for stored, original in zip(attempts, draft.history):
        assert json.loads(stored["prompt_json"]) == original.messages
        assert stored["raw_response"] == original.raw_response
        assert (stored["subject"], stored["body"]) == (original.subject, original.body)
        assert [v["rule"] for v in json.loads(stored["violations_json"])] == [v.rule for v in original.violations]
        assert stored["prompt_tokens"] == original.prompt_tokens
        assert stored["completion_tokens"] == original.completion_tokens
        assert datetime.fromisoformat(stored["started_at"]) == original.started_at


def test_real_offline_draft_attempts_stored(store: History) -> None:
    person = FACTS.interviewers[1]
    draft = draft_note(FACTS, person, OfflineComposer(), load_policy())
    run_id = store.start_run(FACTS, None, "offline")
    store.save_draft(run_id, draft)
    row = store.drafts(run_id)[0]
    attempts = store.attempts(row["id"])
    assert len(attempts) == draft.attempts >= 1
    messages = json.loads(attempts[0]["prompt_json"])
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "<facts>" in messages[1]["content"]
    assert json.loads(attempts[0]["raw_response"])["body"]
    assert row["body"] == draft.body


def test_saving_again_updates_verdict_only(store: History) -> None:
    run_id = store.start_run(FACTS, None, "offline")
    draft = _draft(attempts=2)
    store.save_draft(run_id, draft)
    flagged = Violation(rule="near_copy", category="specificity", severity="error", message="too alike")
    store.save_draft(run_id, draft.model_copy(update={"passed": False, "violations": [flagged]}))
    rows = store.drafts(run_id)
    assert len(rows) == 1
    assert bool(rows[0]["passed"]) is False
    assert [v["rule"] for v in json.loads(rows[0]["violations_json"])] == ["near_copy"]
    assert len(store.attempts(rows[0]["id"])) == 2  # not duplicated


def test_versions_and_runs_are_ordered(store: History) -> None:
    first = store.start_run(FACTS, None, "offline")
    second = store.start_run(FACTS, None, "offline")
    assert first != second
    assert [r.id for r in store.runs()] == [second, first]
    store.save_draft(second, _draft())
    store.save_draft(second, _draft().model_copy(update={"version": 2, "body": "v2"}))
    store.save_draft(second, _draft("Priya Raman"))
    rows = store.drafts(second)
    assert [(r["interviewer"], r["version"]) for r in rows] == [("Dana Whitfield", 1), ("Dana Whitfield", 2),
                                                                ("Priya Raman", 1)]
    assert store.drafts(first) == []


def test_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    one = History(path)
    run_id = one.start_run(FACTS, None, "offline")
    one.save_draft(run_id, _draft())
    one.close()
    two = History(path)
    assert [r.id for r in two.runs()] == [run_id]
    assert len(two.drafts(run_id)) == 1
    two.close()


# --- resolving run ids ---------------------------------------------------------------------------


def test_resolve_run(store: History, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["abc12345", "abd99999", "ffff0000"])
    monkeypatch.setattr(history_module, "new_run_id", lambda: next(ids))
    for _ in range(3):  # each with a draft: a run without any is never the default (tests/test_hardening.py)
        store.save_draft(store.start_run(FACTS, None, "offline"), _draft())
    assert store.resolve_run("abc") == "abc12345"
    assert store.resolve_run("abd99999") == "abd99999"
    assert store.resolve_run("f") == "ffff0000"
    assert store.resolve_run(None) == "ffff0000"  # the latest
    with pytest.raises(HistoryError) as ambiguous:
        store.resolve_run("ab")
    assert "ambiguous" in str(ambiguous.value)
    assert "abc12345" in str(ambiguous.value) and "abd99999" in str(ambiguous.value)
    with pytest.raises(HistoryError) as unknown:
        store.resolve_run("zzz")
    assert "zzz" in str(unknown.value)


def test_resolve_run_prefix_is_literal(store: History, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_module, "new_run_id", lambda: "abc12345")
    store.start_run(FACTS, None, "offline")
    for pattern in ("%", "_bc", "a%5"):
        with pytest.raises(HistoryError):
            store.resolve_run(pattern)


def test_resolve_run_empty_history(store: History) -> None:
    with pytest.raises(HistoryError):
        store.resolve_run(None)


# --- the database file ------------------------------------------------------------------------


def test_wal_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    History(path).close()
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"runs", "drafts", "attempts"} <= tables
    finally:
        raw.close()
    History(path).close()  # opening again migrates nothing and keeps the version
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    raw.close()


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    History(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    raw.commit()
    raw.close()
    with pytest.raises(HistoryError) as caught:
        History(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database, just some notes\n" * 20, b"SQLite format 3\x00" + b"\xff" * 200, bytes(range(256)) * 8],
)
def test_not_a_database_is_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "history.db"
    path.write_bytes(content)
    with pytest.raises(HistoryError) as caught:
        History(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]  # no -wal/-shm/-journal left behind


def test_home_dir_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLLOWUP_HOME", str(tmp_path / "fh"))
    store = History()
    try:
        assert store.path == tmp_path / "fh" / "history.db"
        assert store.path.exists()
    finally:
        store.close()
