"""The ``followup`` command line: parses arguments, calls the library, prints.

Exit codes (design.md): 0 all good; 1 a note fails the guardrails; 2 bad input or usage;
3 the model service failed. Heavy modules are imported inside the commands that need them.
"""

from __future__ import annotations

import contextlib
import functools
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from . import __version__, defaults
from .errors import ExitCode, InputError, Interrupted

if TYPE_CHECKING:
    from rich.console import Console

    from .drafting import Draft, DraftFailure
    from .facts import Facts, Interviewer
    from .guardrails import Policy
    from .history import History


app = typer.Typer(
    name="followup",
    help="Personal, professional thank-you notes after an interview: one per interviewer, checked by guardrails.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"followup {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Print the version and exit.")] = None,
) -> None:
    """Write the facts of your interview in a YAML file (followup init), then run followup write FACTS."""


# --- helpers --------------------------------------------------------------------------


def _command(function: Callable[..., ExitCode | None]) -> Callable[..., None]:
    """Run a command through ``followup.application``, which decides its exit code; errors are one line each."""

    @functools.wraps(function)
    def run(*args: object, **kwargs: object) -> None:
        from .application import run as run_command

        code = run_command(function, _report, *args, **kwargs)
        if code == ExitCode.INTERRUPTED:
            import os

            sys.stdout.flush()
            sys.stderr.flush()
            # Requests still in flight would hold up a normal exit; every finished draft is already committed.
            os._exit(code)
        if code:
            raise typer.Exit(code)

    return run


def _report(line: str) -> None:
    from .textsafety import clean_text

    print(f"followup: {clean_text(line)}", file=sys.stderr)  # a message may quote a model's reply or a history row


def _fail(message: str) -> NoReturn:
    """Stop the command with one line of bad input or usage (exit 2)."""
    raise InputError(message)


def _printable(drafts: Iterable[Draft]) -> list[Draft]:
    """Copies of ``drafts`` safe for a terminal or a file: no escape sequences or control characters.

    Model replies and history rows are untrusted; only newline and tab survive, and in the body only.
    """
    from .textsafety import clean_line, clean_text

    return [draft.model_copy(update={
        "to": clean_line(draft.to), "email": clean_line(draft.email) if draft.email else draft.email,
        "subject": clean_line(draft.subject), "body": clean_text(draft.body), "model": clean_line(draft.model),
        "tweaks": [clean_line(tweak) for tweak in draft.tweaks],
        "violations": [v.model_copy(update={"message": clean_line(v.message), "excerpt": clean_line(v.excerpt)})
                       for v in draft.violations],
    }) for draft in drafts]


def _printable_failures(failures: Iterable[DraftFailure]) -> list[DraftFailure]:
    from .textsafety import clean_line

    return [failure.model_copy(update={"to": clean_line(failure.to), "error": clean_line(failure.error)})
            for failure in failures]


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _load_facts(path: Path, tone: str | None = None) -> Facts:
    from .facts import load_facts

    facts = load_facts(path)
    for notice in facts.notices():
        print(f"followup: note: {notice}", file=sys.stderr)
    return facts.model_copy(update={"tone": tone}) if tone else facts


def _load_policy(path: Path | None):  # type: ignore[no-untyped-def]
    from .guardrails import load_policy

    return load_policy(path)


def _open_history():  # type: ignore[no-untyped-def]
    from .history import History

    return History()


ToOption = Annotated[Optional[list[str]], typer.Option("--to", metavar="NAME", help="Only this interviewer (repeat for more); case-insensitive, a unique first name is enough.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of text.")]
MaxAttemptsOption = Annotated[int, typer.Option("--max-attempts", metavar="N", min=1, max=10, help="Model calls per note, repairs included.")]
TimeoutOption = Annotated[float, typer.Option("--timeout", metavar="SECONDS", min=1.0, help="Seconds one model reply may take, as given (a slow CPU model may want 300). All the calls for one note, retries included, take at most --max-attempts x --timeout. One reply may be at most 1 MB.")]
MaxTokensOption = Annotated[Optional[int], typer.Option("--max-tokens", metavar="N", min=16, help="The most tokens one model reply may have (default: enough for the longest note the guardrails allow). A reply cut off there fails the guardrails and is repaired.")]
ParallelOption = Annotated[int, typer.Option("--parallel", metavar="N", min=1, max=32, help="Model requests in flight at once; the others wait their turn without their --timeout running. A server that answers one request at a time (llama.cpp's default) works best with 1.")]
FallbackOption = Annotated[str, typer.Option("--fallback", metavar="offline|none", help="When a model's drafts still fail the guardrails: 'offline' shows the offline composer's draft instead, if it passes (the model's stays in history as its parent); 'none' keeps the model's failing draft.")]
PolicyOption = Annotated[Optional[Path], typer.Option("--policy", metavar="FILE", help="A guardrail policy file to use instead of the shipped one (also FOLLOWUP_GUARDRAILS).")]
FormatOption = Annotated[Optional[str], typer.Option("--format", metavar="LIST", help="The formats --out writes, comma-separated: md, eml, json (default: md,eml; .eml only where the email is known).")]
ReviewOption = Annotated[bool, typer.Option("--review", help="Also write the run's review page (HTML), as followup review does.")]
CopyOption = Annotated[bool, typer.Option("--copy", help="Put the note's body on the clipboard (one note: use --to).")]


# --- write ----------------------------------------------------------------------------


@app.command()
@_command
def write(
    facts_file: Annotated[Path, typer.Argument(metavar="FACTS", help="The facts file (YAML or JSON).")],
    to: ToOption = None,
    model: Annotated[Optional[str], typer.Option("--model", metavar="MODEL", help="'offline', or a model name at the OpenAI-compatible endpoint (default: FOLLOWUP_MODEL, else offline when no endpoint is set).")] = None,
    tone: Annotated[Optional[str], typer.Option("--tone", metavar="TONE", help="warm, formal or concise (overrides the facts file).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="DIR", help="Also write one file per interviewer and format (see --format) into this folder.")] = None,
    format_list: FormatOption = None,
    json_output: JsonOption = False,
    review: ReviewOption = False,
    copy: CopyOption = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the prompts and call no model.")] = False,
    max_attempts: MaxAttemptsOption = defaults.MAX_ATTEMPTS,
    timeout: TimeoutOption = defaults.MODEL_TIMEOUT,
    max_tokens: MaxTokensOption = None,
    parallel: ParallelOption = defaults.PARALLEL,
    fallback: FallbackOption = "offline",
    policy_file: PolicyOption = None,
) -> None:
    """Draft one thank-you note per interviewer, check each against the guardrails, and save them."""
    from .facts import select_interviewers

    if tone is not None and tone not in ("warm", "formal", "concise"):
        _fail(f"--tone: {tone!r} is not one of warm, formal, concise")
    _check_fallback(fallback)
    facts = _load_facts(facts_file, tone)
    interviewers = select_interviewers(facts, to)
    formats = _out_formats(out, format_list)
    if copy and len(interviewers) != 1:
        _fail("--copy: choose the one note to copy with --to NAME")
    policy = _load_policy(policy_file)
    if dry_run:
        _print_prompts(facts, interviewers, policy)
        return ExitCode.OK

    from .models import open_model, settings_from_env

    settings = settings_from_env(model, timeout, parallel)
    if settings.used_default:
        print("followup: drafting offline; for a language model set OPENAI_API_KEY (or OPENAI_BASE_URL) "
              "and optionally FOLLOWUP_MODEL", file=sys.stderr)
    if settings.is_offline:
        from .models.fact_reader import left_out_notices

        for notice in left_out_notices(facts, [p.name for p in interviewers]):
            print(f"followup: note: {notice}", file=sys.stderr)

    history = _open_history()
    chosen_model = open_model(settings)
    run_id = history.start_run(facts, str(facts_file), chosen_model.name, policy)
    _stop_on_terminate()
    unsaved: list[str] = []
    drafts, failures = _draft_with_status(facts, interviewers, chosen_model, policy, history, run_id,
                                          live=not json_output, unsaved=unsaved, max_attempts=max_attempts,
                                          max_tokens=max_tokens, fallback=fallback)
    return _finish(run_id, facts, drafts, failures, json_output=json_output, out=out, formats=formats,
                   unsaved=unsaved, review=history if review else None, copy=copy, policy=policy)


def _check_fallback(fallback: str) -> None:
    from .drafting import FALLBACKS

    if fallback not in FALLBACKS:
        _fail(f"--fallback: {fallback!r} is not one of {', '.join(FALLBACKS)}")


def _print_fallback_notices(drafts: list[Draft]) -> None:
    from .drafting import fallback_notice

    for draft in drafts:
        notice = fallback_notice(draft)
        if notice:
            print(f"followup: {notice}", file=sys.stderr)


def _draft_with_status(facts, interviewers, model, policy, history, run_id, *, live, unsaved, **options):  # type: ignore[no-untyped-def]
    """Draft concurrently, saving each draft the moment it is done; a live status table on a terminal.

    A draft that cannot be saved is still shown; ``unsaved`` collects why.
    """
    from .drafting import draft_all
    from .history import HistoryError

    def save(draft: Draft) -> None:
        try:
            history.save_draft(run_id, draft)
        except HistoryError as error:
            unsaved.append(f"{draft.to}: {error}")

    status = _live_status(interviewers) if live and sys.stderr.isatty() else contextlib.nullcontext(None)
    with status as on_status:
        try:
            result = draft_all(facts, interviewers, model, policy, on_status=on_status, on_draft=save, **options)
        except KeyboardInterrupt:
            raise Interrupted(f"interrupted; the drafts finished so far are saved: followup show {run_id}") from None
    return result.drafts, result.failures


@contextlib.contextmanager
def _live_status(interviewers: list[Interviewer]) -> Iterator[Callable[[str, str], None]]:
    """A live table of each interviewer's state on stderr; yields the callback that updates it."""
    from rich.live import Live
    from rich.table import Table
    from rich.text import Text

    states = {p.name: "waiting" for p in interviewers}

    def table() -> Table:
        grid = Table.grid(padding=(0, 2))
        for name, state in states.items():
            grid.add_row(Text(name), Text(state))  # Text: a name's [brackets] are not rich markup
        return grid

    with Live(table(), console=_stderr_console(), transient=True, refresh_per_second=8) as screen:
        def on_status(name: str, state: str) -> None:
            states[name] = state
            screen.update(table())

        yield on_status


def _stop_on_terminate() -> None:
    """Treat SIGTERM like Ctrl-C, so a killed run still says where its finished drafts are."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _finish(run_id: str, facts: Facts, drafts: list[Draft], failures: list[DraftFailure], *,
            json_output: bool, out: Path | None, formats: dict, unsaved: list[str],  # type: ignore[type-arg]
            review: History | None = None, copy: bool = False, policy: Policy | None = None) -> ExitCode:
    """Print (and optionally write, review, copy) the drafts; what happened decides the exit code."""
    from . import output
    from .application import drafts_outcome

    drafts, failures = _printable(drafts), _printable_failures(failures)
    written = (_write_out(out, formats, facts, drafts, f"; the drafts are saved in history: followup show {run_id}")
               if out is not None and drafts else True)
    if json_output:
        print(output.to_json(output.drafts_payload(run_id, facts, drafts, policy)))
    else:
        _print_drafts(drafts, failures, output.deadline_line(facts, policy=policy))
        if len(unsaved) < len(drafts):
            print(f"followup: saved as run {run_id} (followup show {run_id})", file=sys.stderr)
    _print_fallback_notices(drafts)
    if copy and drafts:
        _copy(drafts[0])
    if review is not None and len(unsaved) < len(drafts):
        written = _write_review(review, run_id) and written
    by_error: dict[str, list[str]] = {}
    for failure in failures:  # one line per distinct failure: a rejected key is said once, not per interviewer
        by_error.setdefault(failure.error, []).append(failure.to)
    for error, names in by_error.items():
        print(f"followup: {', '.join(names)}: {error}", file=sys.stderr)
    for problem in dict.fromkeys(unsaved):
        print(f"followup: not saved to history: {problem}", file=sys.stderr)
    return drafts_outcome(drafts, service_failed=bool(failures), not_kept=bool(unsaved) or not written)


def _out_formats(out: Path | None, format_list: str | None) -> dict:  # type: ignore[type-arg]
    """The formats --out writes; their renderers are imported only when there is an --out."""
    if out is None:
        if format_list is not None:
            _fail("--format needs --out DIR: the folder to write the files into")
        return {}
    from .formats import DEFAULT, choose

    return choose(format_list or DEFAULT)


def _write_out(out: Path, formats: dict, facts: Facts, drafts: list[Draft], hint: str = "") -> bool:  # type: ignore[type-arg]
    """--out: write the drafts as files, naming each on stderr; a file that cannot be written is one line (+ ``hint``).

    Never raises: the drafts are printed whatever happens here. False when some file was not written.
    """
    from .formats import write_files

    done = write_files(out, facts, drafts, formats)
    for path in done.paths:
        print(f"followup: wrote {path}", file=sys.stderr)
    for line in done.skipped:
        print(f"followup: note: {line}", file=sys.stderr)
    for problem in done.problems:
        print(f"followup: {problem}{hint}", file=sys.stderr)
    return not done.problems


def _write_review(store, run_id: str, path: Path | None = None, *, open_page: bool = False,  # type: ignore[no-untyped-def]
                  to_stdout: bool = False) -> bool:
    """Write the run's review page and say where (a file:// address); False when it cannot be written."""
    from . import review

    target = (path or review.default_path(run_id)).expanduser().absolute()
    try:
        review.write_page(target, review.render(review.run_page(store, run_id)))
    except OSError as error:
        print(f"followup: {target}: cannot write the review page ({error.strerror or error})", file=sys.stderr)
        return False
    print(target.as_uri() if to_stdout else f"followup: review page: {target.as_uri()}",
          file=sys.stdout if to_stdout else sys.stderr)
    if open_page:
        import webbrowser

        if not webbrowser.open(target.as_uri()):
            print("followup: --open: no browser found here; open the address above yourself", file=sys.stderr)
    return True


def _copy(draft: Draft) -> None:
    """--copy: the body on the clipboard, or one line saying this platform has no clipboard tool."""
    from .clipboard import copy, tool_names
    from .textsafety import clean_text

    tool = copy(clean_text(draft.body))
    if tool:
        print(f"followup: copied the body of {draft.to}'s note to the clipboard ({tool})", file=sys.stderr)
    else:
        print(f"followup: --copy: no clipboard here (none of {tool_names()} works); select the body above instead",
              file=sys.stderr)


def _print_drafts(drafts: list[Draft], failures: list[DraftFailure], deadline: str | None) -> None:
    """Panels on a terminal, plain text when piped."""
    from . import output

    if sys.stdout.isatty():
        output.print_drafts(_stdout_console(), drafts, failures, deadline)
    else:
        sys.stdout.write(output.plain_drafts(drafts, failures, deadline))


def _print_diff(before: Draft, after: Draft) -> None:
    """A word diff of two versions: coloured on a terminal, [-removed-]{+added+} when piped."""
    from . import output

    pieces = output.word_diff(before.note.as_text(), after.note.as_text())
    if sys.stdout.isatty():
        output.print_diff(_stdout_console(), pieces)
    else:
        print(output.diff_text(pieces))


def _print_prompts(facts, interviewers, policy) -> None:  # type: ignore[no-untyped-def]
    from .prompts import draft_messages

    for person in interviewers:
        print(f"=== Prompt for {person.name}")
        for message in draft_messages(facts, person, policy.note_limits):
            print(f"--- {message['role']}\n{message['content']}\n")


# --- regenerate -----------------------------------------------------------------------


@app.command()
@_command
def regenerate(
    to: Annotated[str, typer.Option("--to", metavar="NAME", help="Whose draft to change.")],
    tweak: Annotated[list[str], typer.Option("--tweak", metavar="TEXT", help="The change, in plain words: 'shorter', 'mention the on-call rotation' (repeat for more).")],
    run: Annotated[Optional[str], typer.Option("--run", metavar="RUN", help="The run (id or unique prefix; default: the latest).")] = None,
    from_version: Annotated[Optional[int], typer.Option("--from-version", metavar="N", min=1, help="Start from this version (default: the latest).")] = None,
    model: Annotated[Optional[str], typer.Option("--model", metavar="MODEL", help="The model to use (default: the run's model).")] = None,
    facts_file: Annotated[Optional[Path], typer.Option("--facts", metavar="FACTS", help="An edited facts file to use from now on in this run (default: the run's facts).")] = None,
    json_output: JsonOption = False,
    no_diff: Annotated[bool, typer.Option("--no-diff", help="Do not show the word diff against the parent version.")] = False,
    review: ReviewOption = False,
    max_attempts: MaxAttemptsOption = defaults.MAX_ATTEMPTS,
    timeout: TimeoutOption = defaults.MODEL_TIMEOUT,
    max_tokens: MaxTokensOption = None,
    fallback: FallbackOption = "offline",
    policy_file: PolicyOption = None,
) -> None:
    """Make a new version of one interviewer's draft with your changes; every version is kept."""
    from .regeneration import Options
    from .regeneration import regenerate as regenerate_draft

    _check_fallback(fallback)
    store = _open_history()
    facts = _load_facts(facts_file) if facts_file else None
    options = Options(model=model, timeout=timeout, max_attempts=max_attempts, max_tokens=max_tokens, fallback=fallback)
    made = regenerate_draft(store, to, tweak, _load_policy(policy_file), run=run, from_version=from_version,
                            facts_file=facts_file, facts=facts, options=options)
    if made.unsaved:
        _report(f"not saved to history: {made.unsaved}")
        sys.stdout.write(_printable([made.draft])[0].note.as_text() + "\n")  # the draft is not lost: it is shown
        return ExitCode.BAD_INPUT
    shown, before = _printable([made.draft, made.parent])
    return _show_new_version(made.run_id, made.facts, shown, before, json_output=json_output, diff=not no_diff,
                             review=store if review else None)


def _show_new_version(run_id: str, facts: Facts, draft: Draft, parent: Draft, *, json_output: bool, diff: bool,
                      review: History | None = None) -> ExitCode:
    from . import output
    from .application import drafts_outcome

    _print_fallback_notices([draft])
    if json_output:
        print(output.to_json(output.drafts_payload(run_id, facts, [draft])))
    else:
        _print_drafts([draft], [], None)
        if diff:
            print(f"\n--- changes from version {parent.version} to version {draft.version}")
            _print_diff(parent, draft)
        print(f"followup: saved as version {draft.version} of {draft.to} in run {run_id}", file=sys.stderr)
    written = _write_review(review, run_id) if review is not None else True
    return drafts_outcome([draft], not_kept=not written)


@app.command()
@_command
def diff(
    run: Annotated[str, typer.Argument(metavar="RUN", help="A run id, or a unique prefix of one.")],
    version_a: Annotated[int, typer.Argument(metavar="A", help="The older version.")],
    version_b: Annotated[int, typer.Argument(metavar="B", help="The newer version.")],
    to: Annotated[str, typer.Option("--to", metavar="NAME", help="Whose draft.")],
) -> None:
    """Show a word diff between two versions of one interviewer's draft."""
    from .history import draft_from_row

    store = _open_history()
    run_id = store.resolve_run(run)
    first, second = _printable(draft_from_row(store.draft(run_id, to, v)) for v in (version_a, version_b))
    _print_diff(first, second)


@app.command()
@_command
def sent(
    run: Annotated[str, typer.Argument(metavar="RUN", help="A run id, or a unique prefix of one.")],
    to: Annotated[str, typer.Option("--to", metavar="NAME", help="Whose note you sent.")],
    version: Annotated[Optional[int], typer.Option("--version", min=1, metavar="N", help="The version you sent (default: the latest).")] = None,
) -> None:
    """Record that you sent a note (followup never sends mail itself)."""
    from .textsafety import clean_line

    store = _open_history()
    run_id = store.resolve_run(run)
    row = store.draft(run_id, to, version)
    when = store.mark_sent(run_id, row["interviewer"], row["version"])
    name = clean_line(row["interviewer"])
    print(f"marked version {row['version']} of {name} in run {run_id} as sent at {when}")
    if not row["passed"]:
        print(f"followup: warning: version {row['version']} failed the guardrails "
              f"(followup show {run_id} --to {shlex.quote(name)} --version {row['version']})",
              file=sys.stderr)


# --- check ----------------------------------------------------------------------------


@app.command()
@_command
def check(
    note_file: Annotated[str, typer.Argument(metavar="NOTE", help="A file holding the note (the body, optionally after 'Subject: ...'; or a .md or .eml that followup wrote), or - to read it from standard input.")],
    facts_file: Annotated[Optional[Path], typer.Option("--facts", metavar="FACTS", help="The facts file, for the rules that need facts.")] = None,
    to: Annotated[Optional[str], typer.Option("--to", metavar="NAME", help="Which interviewer of the facts the note is for.")] = None,
    json_output: JsonOption = False,
    policy_file: PolicyOption = None,
) -> None:
    """Run the guardrails on any note, such as one you wrote yourself: pasted text (a subject line
    is optional), or a .md or .eml that followup wrote."""
    from .facts import find_interviewer
    from .guardrails import check_pasted

    text = _read_note(note_file)
    facts = interviewer = None
    if facts_file is not None:
        facts = _load_facts(facts_file)
        if to is None and len(facts.interviewers) > 1:
            names = ", ".join(p.name for p in facts.interviewers)
            _fail(f"--to: say which interviewer the note is for: {names}")
        interviewer = find_interviewer(facts, to) if to else facts.interviewers[0]
    elif to is not None:
        _fail("--to needs --facts: the facts file that names the interviewer")
    note, result = check_pasted(text, facts, interviewer, policy=_load_policy(policy_file))
    if json_output:
        from .output import to_json

        print(to_json({"passed": result.passed, "violations": [v.model_dump(mode="json") for v in result.violations]}))
    else:
        from rich.console import Console

        from .output import print_check

        # Piped, lines stay as written: no wrapping at the terminal width.
        print_check(Console(highlight=False, soft_wrap=not sys.stdout.isatty()), note, result)
    return ExitCode.OK if result.passed else ExitCode.FAILED_GUARDRAILS


MAX_NOTE_BYTES = 200_000


def _read_note(source: str) -> str:
    from .files import UnreadableFile, read_bounded

    name = "standard input" if source == "-" else source
    try:
        data = read_bounded(source, MAX_NOTE_BYTES)
    except UnreadableFile as error:
        _fail(str(error))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(f"{name}: not UTF-8 text")
    if not text.strip():
        _fail(f"{name}: the note is empty")
    return text


# --- history and show -------------------------------------------------------------------


@app.command("history")
@_command
def history_command(json_output: JsonOption = False) -> None:
    """List past runs, newest first, with their drafts."""
    from . import output
    from .textsafety import clean_text

    store = _open_history()
    runs = store.runs()
    listing = [(run, store.drafts(run.id)) for run in runs]
    if json_output:
        print(clean_text(output.to_json([output.run_payload(run, drafts) for run, drafts in listing])))
    elif not runs:
        print("no runs yet: run 'followup write FACTS' first")
    else:
        sys.stdout.write(clean_text(output.history_text(listing)))  # names and companies come from history rows


@app.command()
@_command
def show(
    run: Annotated[str, typer.Argument(metavar="RUN", help="A run id, or a unique prefix of one.")],
    to: Annotated[Optional[str], typer.Option("--to", metavar="NAME", help="Only this interviewer's draft.")] = None,
    version: Annotated[Optional[int], typer.Option("--version", min=1, metavar="N", help="This version (default: the latest).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="DIR", help="Also write the shown drafts as files (see --format) into this folder.")] = None,
    format_list: FormatOption = None,
    json_output: JsonOption = False,
    copy: CopyOption = False,
) -> None:
    """Show the drafts of a past run, with their violations and tweaks."""
    from . import output
    from .history import draft_from_row

    formats = _out_formats(out, format_list)
    store = _open_history()
    run_id = store.resolve_run(run)
    facts = store.run_facts(run_id)
    # Text says in one line that a run is empty; --json answers with an empty list of drafts.
    saved = store.drafts(run_id) if json_output else store.drafts_or_fail(run_id)
    names = [to] if to else sorted({r["interviewer"] for r in saved})
    rows = [store.draft(run_id, name, version) for name in names]
    drafts = _printable(draft_from_row(row) for row in rows)
    if copy and len(drafts) != 1:
        _fail("--copy: choose the one note to copy with --to NAME")
    written = _write_out(out, formats, facts, drafts) if out is not None else True
    if json_output:
        print(output.to_json(output.drafts_payload(run_id, facts, drafts)))
    else:
        _show_plain(store, run_id, saved, drafts, rows, facts)
    if copy:
        _copy(drafts[0])
    return ExitCode.OK if written else ExitCode.BAD_INPUT


def _show_plain(store, run_id: str, saved: list[dict], drafts: list[Draft], rows: list[dict], facts: Facts) -> None:  # type: ignore[no-untyped-def, type-arg]
    from . import output
    from .history import unsent
    from .textsafety import clean_line

    sys.stdout.write(output.plain_drafts(drafts, [], output.deadline_line(facts) if unsent(saved) else None))
    for draft, row in zip(drafts, rows):
        chain = store.tweak_chain(run_id, draft.to, draft.version)
        if chain:
            print(f"{draft.to} v{draft.version} tweaks: " + " -> ".join(clean_line(tweak) for tweak in chain))
        if row["sent_at"]:
            print(f"{draft.to} v{draft.version} sent at {row['sent_at']}")


@app.command("review")
@_command
def review_command(
    run: Annotated[Optional[str], typer.Argument(metavar="RUN", help="A run id, or a unique prefix of one (default: the latest run).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Where to write the page (default: reviews/RUN.html under FOLLOWUP_HOME).")] = None,
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in your web browser.")] = False,
) -> None:
    """Write one self-contained HTML page to review a run's notes side by side, and print its address."""
    store = _open_history()
    written = _write_review(store, store.resolve_run(run), out, open_page=open_page, to_stdout=True)
    return ExitCode.OK if written else ExitCode.BAD_INPUT


# --- eval -----------------------------------------------------------------------------


@app.command("eval")
@_command
def eval_command(
    case: Annotated[Optional[list[str]], typer.Option("--case", metavar="NAME", help="Only this case (repeat for more).")] = None,
    json_output: JsonOption = False,
    junit: Annotated[Optional[Path], typer.Option("--junit", metavar="FILE", help="Also write a JUnit XML report here (for CI).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", metavar="FILE", help="Also write the results as an HTML page: drafts with violations marked, attempts, scores.")] = None,
    record: Annotated[bool, typer.Option("--record", help="Re-record the cases' responses from the configured endpoint.")] = False,
    folder: Annotated[Path, typer.Option("--dir", metavar="DIR", help="The eval suite folder.")] = Path("evals"),
    timeout: TimeoutOption = defaults.MODEL_TIMEOUT,
    parallel: ParallelOption = defaults.PARALLEL,
    policy_file: PolicyOption = None,
) -> None:
    """Run the eval suite offline from recorded responses; exit 1 below its thresholds.

    --timeout and --parallel apply to --record, against the configured endpoint."""
    from . import evals, output

    if not (folder / "cases").is_dir():
        _fail(f"{folder}/cases: no eval suite here; run followup eval from the project folder, or pass --dir")
    if record:
        from .models import ModelConfigError, settings_from_env

        try:
            settings_from_env("recording")
        except ModelConfigError:
            _fail("--record needs an endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY if it needs one)")
    try:
        report = evals.run_suite(folder, only=case, policy=_load_policy(policy_file), record=record,
                                 timeout=timeout, parallel=parallel)
    except ValueError as error:
        _fail(str(error).splitlines()[0])
    if junit is not None:
        junit.write_text(evals.junit_xml(report), encoding="utf-8")
    if html is not None:
        from . import review

        try:
            review.write_page(html, review.render(review.eval_page(report)))
        except OSError as error:
            _fail(f"{html}: cannot write the HTML report ({error.strerror or error})")
    if json_output:
        print(report.model_dump_json(indent=2))
    else:
        sys.stdout.write(output.eval_table(report))
    return ExitCode.OK if report.ok else ExitCode.FAILED_GUARDRAILS


# --- init and schema --------------------------------------------------------------------


@app.command()
@_command
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the example facts file.")] = Path("interview.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")] = False,
) -> None:
    """Write a commented example facts file to fill in."""
    from .resources import data_dir

    if path.exists() and not force:
        _fail(f"{path}: already exists; choose another path or pass --force")
    example = data_dir("examples") / "interview.yaml"
    try:
        path.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as error:
        _fail(f"{path}: cannot write ({error.strerror})")
    print(f"wrote {path}: fill in your interview, then run: followup write {path}", file=sys.stderr)


@app.command()
@_command
def schema() -> None:
    """Print the JSON Schema of the facts file (for editors that validate YAML or JSON)."""
    import json

    from .facts import facts_json_schema

    print(json.dumps(facts_json_schema(), indent=2))


_ESCAPE_UNENCODABLE = "followup-escape"


def _escape_unencodable(error: UnicodeError) -> tuple[str, int]:
    """``\\u00e0`` for a character the output encoding lacks: readable in text, and --json stays valid JSON."""
    assert isinstance(error, UnicodeEncodeError)
    units = error.object[error.start:error.end].encode("utf-16-be", "surrogatepass")
    escaped = "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}" for i in range(0, len(units), 2))
    return escaped, error.end


def main() -> None:
    """Console-script entry point."""
    import codecs

    # An output encoding that cannot spell a name (PYTHONIOENCODING=ascii, a C locale) escapes
    # the character instead of ending in a UnicodeEncodeError.
    codecs.register_error(_ESCAPE_UNENCODABLE, _escape_unencodable)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=_ESCAPE_UNENCODABLE)
    try:
        app(prog_name="followup")
    finally:
        # At exit the interpreter collects every object it tracks, thousands of SDK model
        # classes among them (~150 ms); frozen objects are skipped. Nothing needs that cleanup.
        import gc

        gc.freeze()
