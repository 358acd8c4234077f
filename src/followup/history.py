"""History: every run, draft and model call, kept in SQLite under FOLLOWUP_HOME.

The database is opened in WAL mode so that two ``followup`` processes can write at once;
every write is its own transaction. The schema is versioned with ``PRAGMA user_version``
and migrated forward on open; a database that cannot be read is reported, never replaced.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import __version__
from .drafting import Draft
from .errors import InputError
from .facts import Facts, FactsError, find_interviewer
from .guardrails import Policy, Violation, load_policy

HOME_ENV = "FOLLOWUP_HOME"
DATABASE_NAME = "history.db"
LOCK_TIMEOUT_ENV = "FOLLOWUP_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 5.0

# Each entry moves the schema one version forward; never edit a released entry, append one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        facts_path TEXT,
        facts_hash TEXT NOT NULL,
        facts_json TEXT NOT NULL,
        company TEXT NOT NULL,
        role TEXT NOT NULL,
        model TEXT NOT NULL,
        send_by TEXT
    );
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs(id),
        interviewer TEXT NOT NULL,
        email TEXT,
        version INTEGER NOT NULL,
        parent_version INTEGER,
        tweaks_json TEXT NOT NULL DEFAULT '[]',
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        passed INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        violations_json TEXT NOT NULL,
        model TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (run_id, interviewer, version)
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        draft_id INTEGER NOT NULL REFERENCES drafts(id),
        number INTEGER NOT NULL,
        purpose TEXT NOT NULL,
        prompt_json TEXT NOT NULL,
        raw_response TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        violations_json TEXT NOT NULL,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL
    );
    CREATE INDEX drafts_by_run ON drafts(run_id, interviewer, version);
    """,
    # 2: which followup wrote each run, to make sense of old runs after upgrades.
    """
    ALTER TABLE runs ADD COLUMN followup_version TEXT
    """,
    # 3: drafts written by the offline composer in place of a model's draft that failed.
    """
    ALTER TABLE drafts ADD COLUMN fallback INTEGER NOT NULL DEFAULT 0
    """,
    # 4: where each violation sits ([field, start, end] per violation), so a review can mark it.
    # NULL in rows written before: their spans are found again from the excerpts (violations_of).
    """
    ALTER TABLE drafts ADD COLUMN violation_spans_json TEXT;
    ALTER TABLE attempts ADD COLUMN violation_spans_json TEXT
    """,
]


class HistoryError(InputError):
    """The history database cannot be used; the message says which file and why."""


class RunSummary(BaseModel):
    id: str
    created_at: str
    company: str
    role: str
    model: str
    send_by: str | None
    facts_path: str | None


def home_dir() -> Path:
    configured = os.environ.get(HOME_ENV)
    if configured:
        home = Path(configured).expanduser()
        if home.exists() and not home.is_dir():
            raise HistoryError(f"{HOME_ENV}: {configured} is not a folder; point it at a folder for the history")
        return home
    from platformdirs import user_data_dir

    return Path(user_data_dir("followup", appauthor=False))


MAX_LOCK_TIMEOUT = 3600.0


def lock_timeout() -> float:
    """Seconds to wait for another followup to finish writing: FOLLOWUP_LOCK_TIMEOUT, default 5."""
    configured = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not configured:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(configured)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_LOCK_TIMEOUT:  # also refuses nan and inf
        raise HistoryError(f"{LOCK_TIMEOUT_ENV}: {configured!r} is not a number of seconds from 0 to "
                           f"{MAX_LOCK_TIMEOUT:.0f}")
    return seconds


def new_run_id() -> str:
    return secrets.token_hex(4)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class History:
    """The store. Safe to share between the drafting threads of one process."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or home_dir() / DATABASE_NAME
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            wait = lock_timeout()
            self._db = sqlite3.connect(self.path, timeout=wait, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise _store_error(self.path, error) from None
        except OSError as error:
            raise HistoryError(f"{self.path}: cannot create the history folder ({error.strerror})") from None

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        if self._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS):
            return  # up to date: no write lock needed, so readers open while another process writes
        # The version is read again inside each write transaction: two processes creating the
        # database at once must not both apply the same step.
        while True:
            with self._transaction() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise HistoryError(f"{self.path}: written by a newer followup (schema {version}); upgrade followup")
                if version == len(MIGRATIONS):
                    return
                for statement in filter(str.strip, MIGRATIONS[version].split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={version + 1}")

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self._lock, self.path)

    # --- writing ---------------------------------------------------------------------

    def start_run(self, facts: Facts, facts_path: str | None, model: str, policy: Policy | None = None) -> str:
        run_id = new_run_id()
        send_by = (policy or load_policy()).send_by_text(facts)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO runs (id, created_at, facts_path, facts_hash, facts_json, company, role, model, send_by,"
                " followup_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, _now(), facts_path, facts.fingerprint(), facts.model_dump_json(), facts.company, facts.role,
                 model, send_by, __version__),
            )
        return run_id

    def save_draft(self, run_id: str, draft: Draft) -> None:
        """Insert the draft and its attempts; saved already (the panel checks came later), replace it."""
        with self._transaction() as db:
            for version in _lineage(draft):  # a fallback brings the model's draft it replaced
                db.execute("DELETE FROM attempts WHERE draft_id IN (SELECT id FROM drafts WHERE run_id = ? AND "
                           "interviewer = ? AND version = ?)", (run_id, version.to, version.version))
                db.execute("DELETE FROM drafts WHERE run_id = ? AND interviewer = ? AND version = ?",
                           (run_id, version.to, version.version))
                self._insert(db, run_id, version)

    def save_new_version(self, run_id: str, draft: Draft, facts: Facts | None = None,
                         facts_path: str | None = None) -> int:
        """Save ``draft`` as its interviewer's next version; numbered inside the transaction, so concurrent saves never collide.

        With ``facts`` (an edited facts file the draft was made from), the run keeps those facts from now on.
        """
        with self._transaction() as db:
            if facts is not None:
                db.execute("UPDATE runs SET facts_json = ?, facts_hash = ?, facts_path = ? WHERE id = ?",
                           (facts.model_dump_json(), facts.fingerprint(), facts_path, run_id))
            latest = db.execute("SELECT MAX(version) FROM drafts WHERE run_id = ? AND interviewer = ?",
                                (run_id, draft.to)).fetchone()[0] or 0
            parent = draft.parent_version
            for number, version in enumerate(_lineage(draft), start=latest + 1):
                version.version, version.parent_version, parent = number, parent, number
                self._insert(db, run_id, version)
        return draft.version

    def _insert(self, db: sqlite3.Connection, run_id: str, draft: Draft) -> None:
        cursor = db.execute(
            "INSERT INTO drafts (run_id, interviewer, email, version, parent_version, tweaks_json, subject, body,"
            " passed, attempts, violations_json, violation_spans_json, model, created_at, fallback)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, draft.to, draft.email, draft.version, draft.parent_version, json.dumps(draft.tweaks),
             draft.subject, draft.body, int(draft.passed), draft.attempts,
             json.dumps([v.model_dump(mode="json") for v in draft.violations]), spans_json(draft.violations),
             draft.model, _now(), int(draft.fallback)),
        )
        for attempt in draft.history:
            db.execute(
                "INSERT INTO attempts (draft_id, number, purpose, prompt_json, raw_response, subject, body,"
                " violations_json, violation_spans_json, prompt_tokens, completion_tokens, started_at, finished_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cursor.lastrowid, attempt.number, attempt.purpose, json.dumps(attempt.messages),
                 attempt.raw_response, attempt.subject, attempt.body,
                 json.dumps([v.model_dump(mode="json") for v in attempt.violations]), spans_json(attempt.violations),
                 attempt.prompt_tokens, attempt.completion_tokens, attempt.started_at.isoformat(),
                 attempt.finished_at.isoformat()),
            )

    # --- reading ---------------------------------------------------------------------

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.DatabaseError as error:
                raise _store_error(self.path, error) from None

    def runs(self, limit: int = 50) -> list[RunSummary]:
        rows = self._read(
            "SELECT id, created_at, company, role, model, send_by, facts_path FROM runs"
            " ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,)
        )
        return [RunSummary(**dict(row)) for row in rows]

    def resolve_run(self, prefix: str | None, interviewer: str | None = None) -> str:
        """The run id that ``prefix`` abbreviates; when None, the latest run with drafts (of ``interviewer``, if given)."""
        if prefix is None:
            return self._latest_run(interviewer)
        rows = self._read("SELECT id FROM runs WHERE substr(id, 1, length(?)) = ?", (prefix, prefix))
        if not rows:
            raise HistoryError(f"no run {prefix!r}; 'followup history' lists them")
        if len(rows) > 1:
            raise HistoryError(f"run id {prefix!r} is ambiguous: {', '.join(r['id'] for r in rows)}")
        return str(rows[0]["id"])

    def _latest_run(self, interviewer: str | None) -> str:
        # A write that failed before its first draft leaves a run with nothing in it: never the default.
        rows = self._read("SELECT id FROM runs WHERE id IN (SELECT run_id FROM drafts)"
                          " ORDER BY created_at DESC, rowid DESC LIMIT 1")
        if not rows:
            if self._read("SELECT id FROM runs LIMIT 1"):
                raise HistoryError("no run has a draft yet (every write so far stopped before its first draft): "
                                   "run 'followup write FACTS'")
            raise HistoryError("no runs yet: run 'followup write FACTS' first")
        latest = str(rows[0]["id"])
        if interviewer is None:
            return latest
        name, saved, matching = self._drafts_of(latest, interviewer)
        if not matching:
            others = self._runs_with_drafts_of(name)
            where = (f"{name} has drafts in run {', '.join(others)}: pass --run {others[0]}" if others
                     else f"no run has a draft for {interviewer!r}")
            raise HistoryError(f"the latest run, {latest}, has no draft for {interviewer!r} "
                               f"(it has: {_names(saved)}); {where}")
        return latest

    def run_model(self, run_id: str) -> str:
        return str(self._read("SELECT model FROM runs WHERE id = ?", (run_id,))[0]["model"])

    def run_facts(self, run_id: str) -> Facts:
        row = self._read("SELECT facts_json FROM runs WHERE id = ?", (run_id,))[0]
        try:
            return Facts.model_validate_json(row["facts_json"])
        except ValidationError as error:  # a row damaged by hand, or facts that no longer validate
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise HistoryError(f"run {run_id}: its saved facts cannot be read ({where + ': ' if where else ''}"
                               f"{problem['msg']}); was {self.path} changed outside followup?") from None

    def drafts(self, run_id: str) -> list[dict[str, Any]]:
        rows = self._read("SELECT * FROM drafts WHERE run_id = ? ORDER BY interviewer, version", (run_id,))
        return [dict(row) for row in rows]

    def drafts_or_fail(self, run_id: str) -> list[dict[str, Any]]:
        """The run's drafts; a run without any is an error that says why it is empty."""
        saved = self.drafts(run_id)
        if not saved:
            raise _no_drafts(run_id)
        return saved

    def _drafts_of(self, run_id: str, interviewer: str) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        """The interviewer's full name, every draft of the run, and the drafts of that interviewer."""
        saved = self.drafts(run_id)
        try:  # the run's facts know full names, unique first names and titles ("Mei" for "Dr. Mei Lin")
            name = find_interviewer(self.run_facts(run_id), interviewer).name
        except FactsError:
            name = interviewer.strip()
        return name, saved, [r for r in saved if r["interviewer"].casefold() == name.casefold()]

    def _runs_with_drafts_of(self, name: str) -> list[str]:
        """Up to three runs holding a draft for ``name`` (a full name), newest first."""
        rows = self._read("SELECT run_id, interviewer FROM drafts GROUP BY run_id, interviewer ORDER BY MAX(id) DESC")
        runs = dict.fromkeys(str(r["run_id"]) for r in rows if r["interviewer"].casefold() == name.casefold())
        return list(runs)[:3]  # enough to choose from; 'followup history' lists them all

    def draft(self, run_id: str, interviewer: str, version: int | None = None) -> dict[str, Any]:
        """One saved draft: ``version``, or the latest, of one interviewer (matched case-insensitively)."""
        name, saved, rows = self._drafts_of(run_id, interviewer)
        if not saved:
            raise _no_drafts(run_id)
        if not rows:
            others = [other for other in self._runs_with_drafts_of(name) if other != run_id]
            elsewhere = f"; {name} has drafts in run {', '.join(others)}" if others else ""
            raise HistoryError(f"run {run_id} has no draft for {interviewer!r}; it has: {_names(saved)}{elsewhere}")
        if version is None:
            return _readable(run_id, max(rows, key=lambda r: r["version"]))
        chosen = [r for r in rows if r["version"] == version]
        if not chosen:
            versions = ", ".join(str(r["version"]) for r in rows)
            raise HistoryError(f"{rows[0]['interviewer']} has no version {version} in run {run_id}; versions: {versions}")
        return _readable(run_id, chosen[0])

    def tweak_chain(self, run_id: str, interviewer: str, version: int) -> list[str]:
        """Every tweak from version 1 to ``version``, following the parents."""
        row: dict[str, Any] | None = self.draft(run_id, interviewer, version)
        assert row is not None
        versions = {r["version"]: r for r in self.drafts(run_id) if r["interviewer"] == row["interviewer"]}
        chain: list[str] = []
        seen: set[int] = set()
        while row is not None and row["version"] not in seen:  # a hand-edited parent could loop
            seen.add(row["version"])
            chain = _as_draft(run_id, row).tweaks + chain
            row = versions.get(row["parent_version"])
        return chain

    def mark_sent(self, run_id: str, interviewer: str, version: int) -> str:
        sent_at = _now()
        with self._transaction() as db:
            db.execute("UPDATE drafts SET sent_at = ? WHERE run_id = ? AND interviewer = ? AND version = ?",
                       (sent_at, run_id, interviewer, version))
        return sent_at

    def attempts(self, draft_id: int) -> list[dict[str, Any]]:
        rows = self._read("SELECT * FROM attempts WHERE draft_id = ? ORDER BY number", (draft_id,))
        return [dict(row) for row in rows]


def draft_from_row(row: dict[str, Any]) -> Draft:
    """A saved draft (a row of the drafts table) as a Draft, its violations with their spans."""
    return Draft(
        to=row["interviewer"], email=row["email"], version=row["version"], subject=row["subject"], body=row["body"],
        passed=bool(row["passed"]), attempts=row["attempts"], model=row["model"],
        violations=violations_of(row),
        parent_version=row["parent_version"], tweaks=json.loads(row["tweaks_json"]), fallback=bool(row["fallback"]),
    )


def unsent(rows: list[dict[str, Any]]) -> list[str]:
    """The interviewers among ``rows`` (a run's drafts) none of whose versions is marked sent."""
    sent = {row["interviewer"] for row in rows if row["sent_at"]}
    return sorted({row["interviewer"] for row in rows} - sent)


def spans_json(violations: list[Violation]) -> str:
    """The violations' places, stored beside violations_json (whose shape --json shows and keeps)."""
    return json.dumps([[v.field, v.start, v.end] for v in violations])


def violations_of(row: dict[str, Any]) -> list[Violation]:
    """A saved draft's (or attempt's) violations with their spans; rows from before schema 3 get theirs from the excerpts."""
    violations = [Violation(**v) for v in json.loads(row["violations_json"])]
    if row.get("violation_spans_json") is not None:
        for violation, (field, start, end) in zip(violations, json.loads(row["violation_spans_json"])):
            violation.field, violation.start, violation.end = field, start, end
        return violations
    for violation in violations:
        _locate(violation, row["subject"], row["body"])
    return violations


def _locate(violation: Violation, subject: str, body: str) -> None:
    """Find an excerpt (white space squeezed, long ones cut to "...") in the note it came from."""
    words = violation.excerpt.removesuffix("...").split()
    if not words:
        return
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    for field, text in (("subject", subject), ("body", body)):
        found = pattern.search(text)
        if found:
            violation.field, violation.start, violation.end = field, found.start(), found.end()  # type: ignore[assignment]
            return


def _no_drafts(run_id: str) -> HistoryError:
    return HistoryError(f"run {run_id} has no drafts: its write stopped before the first draft was saved; "
                        "'followup history' lists the runs")


def _names(rows: list[dict[str, Any]]) -> str:
    return ", ".join(sorted({r["interviewer"] for r in rows}))


def _as_draft(run_id: str, row: dict[str, Any]) -> Draft:
    """A saved row as a Draft; a row damaged by hand is one line naming the run, not a traceback."""
    try:
        return draft_from_row(row)
    except (ValueError, TypeError, KeyError) as error:  # bad JSON, or JSON of the wrong shape
        problem = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise HistoryError(f"run {run_id}: {row['interviewer']} version {row['version']} cannot be read from the "
                           f"history database ({problem}); was it changed outside followup?") from None


def _readable(run_id: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row``, once it is known to read as a Draft."""
    _as_draft(run_id, row)
    return row


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the store's lock; rolled back on any error."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, path: Path) -> None:
        self.db, self.lock, self.path = db, lock, path

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as error:
            self.lock.release()
            raise _store_error(self.path, error) from None
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        try:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        except sqlite3.DatabaseError as failure:
            raise _store_error(self.path, failure) from None
        finally:
            self.lock.release()
        if isinstance(error, sqlite3.DatabaseError):
            raise _store_error(self.path, error) from None


def _lineage(draft: Draft) -> list[Draft]:
    """The versions one finished draft saves: the model's draft a fallback replaced, then the draft."""
    return [draft.replaced, draft] if draft.replaced else [draft]


def _store_error(path: Path, error: sqlite3.DatabaseError) -> HistoryError:
    if "locked" in str(error) or "busy" in str(error):
        return HistoryError(f"{path}: the history database stayed locked ({error}); another followup may be "
                            "writing: try again")
    return HistoryError(f"{path}: cannot use the history database ({error}); it was left untouched")
