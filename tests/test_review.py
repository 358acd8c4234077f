"""The review page (followup review, --review, eval --html), violation spans in history, the terminal's
plain note and --copy. The page is checked in headless Chromium where it is installed.

Screenshots go to $FOLLOWUP_TEST_ARTIFACTS (default: the test's tmp folder), never into the repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html import unescape
from io import StringIO
from pathlib import Path

import pytest

from followup import review
from followup.drafting import Draft, draft_note
from followup.facts import Facts, load_facts
from followup.guardrails import Violation, check_note, load_policy, passes
from followup.history import MIGRATIONS, History
from followup.models.offline import OfflineComposer
from followup.notes import Note
from followup.history import draft_from_row
from followup.output import print_drafts
from followup.textsafety import clean_text
from cli_helpers import assert_one_line_error, invoke
from conftest import EXAMPLE, REPO_ROOT

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the browser tests skip, saying so
    expect = sync_playwright = None  # type: ignore[assignment]

FACTS = load_facts(EXAMPLE)
DANA, PRIYA, MARCUS = FACTS.interviewers
INJECTED = '<script>window.pwned = 1</script> <img src="http://example.invalid/x.png" onerror="window.pwned = 2">'
BAD_SUBJECT = "Thanks SO much 😀"
BAD_BODY = ("Hey Dana,\n\nI was SO happy to talk about cutting on-call pages by 40% with better alert routing. "
            f"I am desperate for this job and I led the Mars rover team at NASA. {INJECTED}\n\nCheers,\nJordan Rivera")
TWEAKED_BODY = BAD_BODY.replace("Hey Dana", "Hello Dana").replace("desperate for", "keen on")



@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FOLLOWUP_TEST_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def checked(facts: Facts, person_index: int, subject: str, body: str, **fields: object) -> Draft:
    person = facts.interviewers[person_index]
    violations = check_note(Note(subject=subject, body=body), facts, person).violations
    return Draft(to=person.name, email=person.email, subject=subject, body=body, passed=passes(violations), attempts=1,
                 violations=violations, model="gpt-4o-mini", **fields)


def offline(facts: Facts, person_index: int) -> Draft:
    return draft_note(facts, facts.interviewers[person_index], OfflineComposer(), load_policy())


def save_run(facts: Facts = FACTS) -> tuple[str, dict[str, Draft]]:
    """A run of the example panel: Dana's bad draft and a tweaked second version, Priya's offline
    draft standing in as a fallback, Marcus's note sent."""
    store = History()
    run_id = store.start_run(facts, str(EXAMPLE), "gpt-4o-mini")
    dana = checked(facts, 0, BAD_SUBJECT, BAD_BODY)
    store.save_draft(run_id, dana)
    tweaked = checked(facts, 0, "Thank you SO much, Dana", TWEAKED_BODY, parent_version=1, tweaks=["less casual"])
    store.save_new_version(run_id, tweaked)
    priya = offline(facts, 1).model_copy(update={"fallback": True})
    store.save_draft(run_id, priya)
    marcus = offline(facts, 2).model_copy(update={"model": "gpt-4o-mini"})
    store.save_draft(run_id, marcus)
    store.mark_sent(run_id, marcus.to, 1)
    store.close()
    return run_id, {"dana-1": dana, "dana": tweaked, "priya": priya, "marcus": marcus}


def page_for(run_id: str) -> str:
    store = History()
    try:
        return review.render(review.run_page(store, run_id))
    finally:
        store.close()


def spanned(draft: Draft) -> list[tuple[int, Violation]]:
    return [(n, v) for n, v in enumerate(draft.violations, 1) if v.end > v.start]


# --- spans in history --------------------------------------------------------------------------------


def test_violations_are_stored_with_their_spans() -> None:
    run_id, drafts = save_run()
    store = History()
    row = store.draft(run_id, "Dana", 1)
    assert [(v.field, v.start, v.end) for v in draft_from_row(row).violations] == \
        [(v.field, v.start, v.end) for v in drafts["dana-1"].violations]
    assert any(v.field == "subject" and v.end > v.start for v in drafts["dana-1"].violations)
    assert json.loads(row["violations_json"]) == [v.model_dump(mode="json") for v in drafts["dana-1"].violations]
    store.close()


def test_a_database_from_before_spans_migrates_and_finds_spans_from_the_excerpts(home: Path) -> None:
    path = home / "history.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:2]:
        db.executescript(step)
    db.execute("PRAGMA user_version=2")
    db.execute("INSERT INTO runs (id, created_at, facts_hash, facts_json, company, role, model) VALUES "
               "('0ld', '2026-11-25T22:00:00+00:00', 'h', ?, 'Northwind Robotics', 'SRE', 'offline')",
               (FACTS.model_dump_json(),))
    body = "Hello Dana,\n\nI am SO  glad\nwe talked.\n\nJordan"
    old_violations = [
        {"rule": "shouting", "category": "professionalism", "severity": "error", "message": "m", "excerpt": "SO"},
        {"rule": "x", "category": "structure", "severity": "error", "message": "m", "excerpt": "SO glad we talked."},
        {"rule": "late", "category": "timeliness", "severity": "warning", "message": "m", "excerpt": ""},
    ]
    db.execute("INSERT INTO drafts (run_id, interviewer, email, version, subject, body, passed, attempts,"
               " violations_json, model, created_at) VALUES ('0ld', 'Dana Whitfield', NULL, 1, 'Thanks', ?, 0, 1, ?,"
               " 'offline', '2026-11-25T22:00:01+00:00')", (body, json.dumps(old_violations)))
    db.commit()
    db.close()
    store = History(path)
    columns = {table: {row[1] for row in store._db.execute(f"PRAGMA table_info({table})")} for table in ("drafts", "attempts")}
    assert all("violation_spans_json" in names for names in columns.values())
    shouting, sentence, late = draft_from_row(store.draft("0ld", "Dana")).violations
    store.close()
    assert (shouting.field, body[shouting.start:shouting.end]) == ("body", "SO")
    assert body[sentence.start:sentence.end] == "SO  glad\nwe talked."
    assert (late.start, late.end) == (0, 0)  # a whole-note warning has no span to find


# --- the page, as HTML -------------------------------------------------------------------------------


def test_marks_escape_the_text_and_split_overlapping_spans() -> None:
    text = "a <b> SO LOUD end"
    first = Violation(rule="r1", category="professionalism", severity="warning", message="m1", start=2, end=11)
    second = Violation(rule="r2", category="professionalism", severity="error", message="<i>m2</i>", start=6, end=13)
    html = str(review.marked_html(text, review.problems_of([first, second], "c", "", text), "body"))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.count("<mark") == 3
    assert 'data-violations="c-v1 c-v2"' in html and 'class="error"' in html  # the overlap: both, worst severity
    assert "&lt;i&gt;m2&lt;/i&gt;" in html
    assert re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">") == text  # labels are CSS, not text


def test_notes_and_facts_are_escaped_and_the_page_fetches_nothing() -> None:
    facts = FACTS.model_copy(update={"interviewers": [
        DANA.model_copy(update={"topics": [*DANA.topics, "the <script>alert(1)</script> pipeline"]}), PRIYA, MARCUS]})
    run_id, _ = save_run(facts)
    html = page_for(run_id)
    assert html.count("<script") == 2  # the page's own: the copy texts (JSON) and its script
    assert "window.pwned" in html and "<img" not in html
    assert "&lt;script&gt;window.pwned" in html
    assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", html)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy and unescape(policy.group(1)).startswith("default-src 'none';")


def test_review_command_writes_the_latest_run_and_prints_its_address(home: Path) -> None:
    run_id, _ = save_run()
    result = invoke("review")
    assert result.exit_code == 0, result.output
    address = result.stdout.strip()
    assert address.startswith("file://") and address.endswith(f"/reviews/{run_id}.html")
    page = Path(address.removeprefix("file://")).read_text()
    for name in ("Dana Whitfield", "Priya Raman", "Marcus Chen"):
        assert name in page
    assert "no draft for" not in page
    chosen = home / "mine.html"
    assert invoke("review", run_id[:4], "--out", chosen).exit_code == 0
    assert "Northwind Robotics" in chosen.read_text()


def test_an_interviewer_without_a_draft_is_named() -> None:
    store = History()
    run_id = store.start_run(FACTS, str(EXAMPLE), "gpt-4o-mini")
    store.save_draft(run_id, offline(FACTS, 0))
    store.close()
    page = page_for(run_id)
    assert page.count('<article class="card') == 1
    assert "no draft for Priya Raman, Marcus Chen" in page


def test_review_open_hands_the_page_to_the_users_browser(tmp_path: Path, home: Path) -> None:
    run_id, _ = save_run()
    opened = tmp_path / "opened"
    browser = tmp_path / "browser"  # $BROWSER, as the webbrowser module reads it: here a script noting the address
    browser.write_text(f"#!/bin/sh\necho \"$1\" > '{opened}'\n")
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "BROWSER": str(browser), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    done = subprocess.run([str(Path(sys.executable).parent / "followup"), "review", "--open"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert opened.read_text().strip() == done.stdout.strip() == (home / "reviews" / f"{run_id}.html").as_uri()


def test_review_of_an_unknown_run_or_an_unwritable_file_is_one_line() -> None:
    assert_one_line_error(invoke("review", "nope"), "no run 'nope'")
    save_run()
    blocked = Path(os.environ["FOLLOWUP_HOME"]) / "history.db" / "page.html"  # a file where a folder would be
    assert_one_line_error(invoke("review", "--out", blocked), str(blocked), "cannot write the review page")


def test_write_and_regenerate_with_review_write_the_page(home: Path) -> None:
    result = invoke("write", EXAMPLE, "--review", "--json")
    assert result.exit_code == 0, result.output
    run_id = json.loads(result.stdout)["run_id"]
    page = home / "reviews" / f"{run_id}.html"
    assert f"review page: {page.as_uri()}" in result.stderr
    before = page.read_text()
    assert invoke("regenerate", "--to", "Dana", "--tweak", "shorter", "--review").exit_code == 0
    after = page.read_text()
    assert "version 2 of 2" in after and "version 2 of 2" not in before


def test_eval_html_has_every_case_and_the_labelled_scores(tmp_path: Path) -> None:
    target = tmp_path / "eval.html"
    result = invoke("eval", "--dir", REPO_ROOT / "evals", "--html", target)
    assert result.exit_code == 0, result.output
    page = target.read_text()
    cases = sorted(p.stem for p in (REPO_ROOT / "evals" / "cases").glob("*.yaml"))
    for case in cases:
        for engine in ("offline", "recorded"):
            assert f"{case} · {engine}" in page
    assert "<th scope=\"col\">false positives</th>" in page
    for category in re.findall(r"recall (\w+) \d", result.stdout):
        assert f"<td>{category}</td>" in page
    assert page.count('class="attempt"') >= page.count('class="card ')  # every draft shows its attempts
    assert "<mark" in page  # repaired first attempts show what they broke


# --- the terminal: plain note, --copy ----------------------------------------------------------------


def test_terminal_prints_the_body_without_borders_or_hard_wraps() -> None:
    draft = offline(FACTS, 0)
    console_output = StringIO()
    from rich.console import Console

    print_drafts(Console(file=console_output, force_terminal=True, width=40), [draft], [], "send today")
    text = re.sub(r"\x1b\[[0-9;]*m", "", console_output.getvalue())
    assert "│" not in text and "╭" not in text
    assert draft.body in text  # every paragraph on one line, exactly as it will be sent
    assert max(len(line) for line in draft.body.splitlines()) > 40


def test_copy_without_a_clipboard_says_so_in_one_line_and_still_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = invoke("write", EXAMPLE, "--to", "Dana", "--copy")
    assert result.exit_code == 0, result.output
    assert "Dana," in result.stdout.split("Subject: ", 1)[1]  # the note, greeting and all, still printed
    said = [line for line in result.stderr.splitlines() if "--copy" in line]
    assert len(said) == 1 and "no clipboard here" in said[0]


def test_copy_puts_exactly_the_body_on_the_clipboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    clipboard = tmp_path / "clipboard"
    fake = tools / "xclip"  # stands in for the X11 tool: what it reads is what the clipboard would hold
    fake.write_text(f"#!/bin/sh\n[ \"$1 $2\" = '-selection clipboard' ] || exit 3\ncat > '{clipboard}'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}/bin{os.pathsep}/usr/bin")
    if any(shutil.which(tool) for tool in ("pbcopy", "wl-copy")):
        pytest.skip("a clipboard tool tried before xclip is installed here")
    result = invoke("write", EXAMPLE, "--to", "Priya", "--json", "--copy")
    assert result.exit_code == 0, result.output
    assert clipboard.read_bytes().decode() == json.loads(result.stdout)["drafts"][0]["body"]
    assert "copied the body of Priya Raman's note to the clipboard (xclip)" in result.stderr
    panel = json.loads(invoke("write", EXAMPLE, "--json").stdout)["run_id"]
    assert_one_line_error(invoke("show", panel, "--copy"), "--copy", "--to NAME")
    assert invoke("show", panel, "--to", "Marcus", "--copy").exit_code == 0
    assert clipboard.read_bytes().decode().startswith("Dear Marcus,")


# --- in a real browser -------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (.ci/run does, as root)")
    if sync_playwright is None:
        pytest.skip("playwright is not installed: pip install '.[test]'")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Opened:
    """A page opened from file:// with every other request refused and recorded."""

    def __init__(self, browser, path: Path, width: int) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.grant_permissions(["clipboard-read", "clipboard-write"])
        self.refused: list[str] = []
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def run_page(tmp_path: Path):  # type: ignore[no-untyped-def]
    run_id, drafts = save_run()
    path = tmp_path / "review.html"
    review.write_page(path, page_for(run_id))
    return path, drafts


def test_every_card_is_there_and_every_violation_is_marked(browser, run_page) -> None:  # type: ignore[no-untyped-def]
    path, drafts = run_page
    opened = Opened(browser, path, 1400)
    page = opened.page
    assert page.locator("article.card").count() == 3
    assert page.locator("#card-marcus-chen .badge.sent").count() == 1
    assert page.locator("#card-priya-raman .badge.fallback").count() == 1
    shown = {"dana-whitfield": drafts["dana"], "priya-raman": drafts["priya"], "marcus-chen": drafts["marcus"]}
    assert {v.field for _, v in spanned(drafts["dana"])} == {"subject", "body"}
    for card_id, draft in shown.items():
        for number, violation in spanned(draft):
            marks = page.locator(f'#card-{card_id} > .fields mark[data-violations~="{card_id}-v{number}"], '
                                 f'#card-{card_id} > .body mark[data-violations~="{card_id}-v{number}"]')
            source = draft.subject if violation.field == "subject" else draft.body
            assert "".join(marks.all_text_contents()) == clean_text(source[violation.start:violation.end])
            label = page.locator(f'#card-{card_id} .label[data-label="{violation.severity} {number}"]')
            assert label.count() == 1  # named in words beside the mark, not only coloured
        for number, violation in enumerate(draft.violations, 1):
            assert violation.message in page.locator(f"#{card_id}-v{number}").inner_text()
        assert page.locator(f"#card-{card_id} > .problems li").count() == len(draft.violations)
    opened.close()


def test_a_mark_shows_its_message_on_focus(browser, run_page) -> None:  # type: ignore[no-untyped-def]
    path, drafts = run_page
    opened = Opened(browser, path, 1400)
    mark = opened.page.locator("#card-dana-whitfield .body mark").first
    mark.focus()
    tip = mark.evaluate("m => getComputedStyle(m, '::after').content")
    assert mark.get_attribute("data-tip") and mark.get_attribute("data-tip") in tip
    opened.close()


def test_copy_buttons_put_the_exact_text_on_the_clipboard(browser, run_page) -> None:  # type: ignore[no-untyped-def]
    path, drafts = run_page
    opened = Opened(browser, path, 1400)
    page, dana = opened.page, drafts["dana"]
    expected = {"subject": dana.subject, "body": clean_text(dana.body),
                "both": f"Subject: {dana.subject}\n\n{clean_text(dana.body)}"}
    for what, text in expected.items():
        page.click(f'#card-dana-whitfield > .actions button[data-copy="{what}"]')
        expect(page.locator("#copy-status")).to_have_text(re.compile("^Copied"))  # no script eval: the page's CSP forbids it
        assert page.evaluate("navigator.clipboard.readText()") == text
        page.evaluate("document.getElementById('copy-status').textContent = ''")
    mailto = page.locator("#card-dana-whitfield a[href^='mailto:']").get_attribute("href")
    assert mailto.startswith("mailto:dana@northwind.example?subject=Thank%20you%20SO%20much%2C%20Dana&body=Hello%20Dana")
    eml_link = page.locator("#card-dana-whitfield a[download]")
    assert eml_link.get_attribute("download") == "dana-whitfield.eml"
    assert eml_link.get_attribute("href").startswith("data:message/rfc822;base64,")
    opened.close()


def test_nothing_is_fetched_and_injected_markup_is_shown_as_text(browser, run_page) -> None:  # type: ignore[no-untyped-def]
    path, _ = run_page
    opened = Opened(browser, path, 1400)
    page = opened.page
    page.wait_for_load_state("load")
    assert page.evaluate("window.pwned") is None
    assert INJECTED in page.locator("#card-dana-whitfield > .body").inner_text()
    assert opened.refused == []
    opened.close()


def test_layout_side_by_side_at_1400_and_stacked_at_390(browser, run_page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    path, _ = run_page
    for width in (1400, 390):
        opened = Opened(browser, path, width)
        page = opened.page
        boxes = [page.locator("article.card").nth(i).bounding_box() for i in range(3)]
        if width == 1400:
            assert len({round(b["y"]) for b in boxes}) == 1 and boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
        else:
            assert len({round(b["x"]) for b in boxes}) == 1 and boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out sideways
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= width for b in boxes)
        page.screenshot(path=str(artifacts / f"review-{width}.png"), full_page=True)
        opened.close()
    assert (artifacts / "review-390.png").stat().st_size > 0


def test_keyboard_reaches_every_button_link_and_mark(browser, run_page) -> None:  # type: ignore[no-untyped-def]
    path, _ = run_page
    opened = Opened(browser, path, 1400)
    page = opened.page
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    wanted = page.evaluate("""() => [...document.querySelectorAll('button, a[href], summary, mark')]
                                      .map((el, i) => (el.dataset.probe = String(i)))""")
    reached = set()
    for _ in range(len(wanted) + 5):
        page.keyboard.press("Tab")
        probe = page.evaluate("document.activeElement && document.activeElement.dataset.probe")
        if probe is not None:
            reached.add(probe)
    assert reached == set(wanted)
    opened.close()


def test_the_deadline_counts_down_then_says_send_anyway(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ended = datetime.now(timezone.utc) - timedelta(hours=1)
    facts = FACTS.model_copy(update={"interview": FACTS.interview.model_copy(update={"ended_at": ended})})
    store = History()
    run_id = store.start_run(facts, None, "offline")
    store.save_draft(run_id, offline(facts, 0))
    store.close()
    fresh, late = tmp_path / "fresh.html", tmp_path / "late.html"
    review.write_page(fresh, page_for(run_id))
    review.write_page(late, page_for(save_run()[0]))
    opened = Opened(browser, fresh, 1400)
    assert re.fullmatch(r"send by .+: 2[23] h \d+ min left", opened.page.locator("#deadline").inner_text())
    opened.close()
    opened = Opened(browser, late, 1400)
    assert opened.page.locator("#deadline").inner_text() == "24 h have passed: send today anyway"
    opened.close()


def test_the_eval_report_in_the_browser(browser, tmp_path: Path, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "eval.html"
    assert invoke("eval", "--dir", REPO_ROOT / "evals", "--html", target).exit_code == 0
    opened = Opened(browser, target, 390)
    page = opened.page
    assert page.locator("article.card").count() > 0
    assert page.locator(".attempt mark").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert opened.refused == []
    page.screenshot(path=str(artifacts / "eval-390.png"))
    opened.close()
