"""The eval suite: cases drafted offline and from recorded responses, and the guardrails
scored on labelled notes.

A case (``evals/cases/NAME.yaml``) is a facts file plus what its drafts must meet. A labelled
note says whether it must pass or which category it must fail: a failing note is caught when
the guardrails report an error of its category; a passing note is a false positive when they
report any error at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import defaults
from .drafting import Draft, draft_all
from .facts import Facts, find_interviewer, load_facts
from .guardrails import Policy, check_note, errors_in, load_policy
from .guardrails.text import find_citation, tokens
from .models import Model, ModelServiceError
from .models.offline import OfflineComposer
from .notes import Note, count_words

EVALS_DIR = Path("evals")
LABELLED_DIR = EVALS_DIR / "labelled"


class LabelledNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    facts: str
    to: str
    label: str  # "pass" or the category the note must fail
    rule: str | None = None
    why: str = ""
    subject: str
    body: str


@dataclass
class Miss:
    id: str
    label: str
    rule: str | None
    found: list[str]  # "category/rule" of the errors reported


@dataclass
class LabelledScore:
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    caught: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Failing notes that fail the check at all, whatever category it names: what `check` decides
    # (people file a greeting to the wrong person under structure or grounding alike).
    rejected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    passing: int = 0
    false_positives: int = 0
    misses: list[Miss] = field(default_factory=list)

    def recall(self, category: str) -> float:
        return self.caught[category] / self.total[category] if self.total[category] else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / self.passing if self.passing else 0.0

    @property
    def categories(self) -> list[str]:
        return sorted(self.total)

    def false_positives_by_category(self) -> dict[str, int]:
        """Passing notes flagged, counted once per category of error they got."""
        counts: dict[str, int] = defaultdict(int)
        for miss in self.misses:
            if miss.label == "pass":
                for category in {found.split("/")[0] for found in miss.found}:
                    counts[category] += 1
        return dict(sorted(counts.items()))


def load_labelled(folder: Path = LABELLED_DIR, files: str = "notes*.yaml") -> list[tuple[LabelledNote, Facts]]:
    """The labelled notes of ``folder`` (of its files matching ``files``), each with its facts."""
    from .yamlfile import load_yaml

    entries = [entry for file in sorted(folder.glob(files))
               for entry in load_yaml(file.read_text(encoding="utf-8"))]
    cache: dict[str, Facts] = {}
    loaded = []
    for entry in entries:
        note = LabelledNote.model_validate(entry)
        if note.facts not in cache:
            cache[note.facts] = load_facts(folder / "facts" / note.facts)
        loaded.append((note, cache[note.facts]))
    return loaded


def score_labelled(folder: Path = LABELLED_DIR, policy: Policy | None = None) -> LabelledScore:
    """Run the guardrails over every labelled note and count what they catch and wrongly flag."""
    score = LabelledScore()
    policy = policy or load_policy()
    also = {rule.id: set(rule.also_categories) for rule in policy.rules}
    for labelled, facts in load_labelled(folder):
        interviewer = find_interviewer(facts, labelled.to)
        # Timeliness depends on today's date, not on the note: check as of the interview's end.
        # Scored as `followup check` sees a note people paste (the subject line may be missing).
        now = facts.interview.ended_at
        result = check_note(Note(subject=labelled.subject, body=labelled.body), facts, interviewer, policy=policy,
                            now=now, pasted=True)
        errors = errors_in(result.violations)
        found = [f"{v.category}/{v.rule}" for v in errors]
        if labelled.label == "pass":
            score.passing += 1
            if errors:
                score.false_positives += 1
                score.misses.append(Miss(labelled.id, labelled.label, None, found))
            continue
        score.total[labelled.label] += 1
        score.rejected[labelled.label] += bool(errors)
        if any(labelled.label == v.category or labelled.label in also.get(v.rule, ()) for v in errors):
            score.caught[labelled.label] += 1
        else:
            score.misses.append(Miss(labelled.id, labelled.label, labelled.rule, found))
    return score


# --- cases -------------------------------------------------------------------------------


class Expectation(BaseModel):
    """What one draft (or every draft, under ``all``) of a case must meet."""

    model_config = ConfigDict(extra="forbid")

    must_pass: bool = True
    max_attempts: int | None = None
    must_cite: list[str] = Field(default_factory=list)
    must_not_contain: list[str] = Field(default_factory=list)
    words: tuple[int, int] | None = None

    def merged(self, specific: Expectation | None) -> Expectation:
        if specific is None:
            return self
        data = self.model_dump()
        data.update(specific.model_dump(exclude_unset=True))
        return Expectation.model_validate(data)


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    description: str
    facts: str  # path of the facts file, relative to the case file
    model: str = "gpt-4o-mini"  # the model name the responses were recorded with
    recorded: str  # "by hand: ..." or "live: <model file, quantization>, <server and version>, <date>"
    fallback: str = "offline"  # as --fallback: the pipeline as a user runs it
    expect: dict[str, Expectation] = Field(default_factory=dict)  # "all" or an interviewer's name
    # For cassettes written by hand: the model's replies, per interviewer, in the order asked.
    # evals/record_by_hand.py serves them from a local fake server while `followup eval --record` records.
    replies: dict[str, list[str]] = Field(default_factory=dict)
    path: Path | None = Field(None, exclude=True)

    def expectation_for(self, name: str) -> Expectation:
        return self.expect.get("all", Expectation()).merged(self.expect.get(name))

    def load_facts(self) -> Facts:
        assert self.path is not None
        return load_facts((self.path.parent / self.facts).resolve())


class DraftResult(BaseModel):
    to: str
    model: str  # the model the case was drafted with (the case's, or offline)
    attempts: int
    passed: bool
    fallback: bool = False  # the model's drafts failed; the offline composer's draft is the final one
    first_violations: list[str]  # rule ids of the errors in the first attempt
    problems: list[str]  # the expectations this draft missed
    prompt_tokens: int = 0
    completion_tokens: int = 0
    draft: Draft | None = Field(None, exclude=True)  # the draft itself, with its attempts, for the HTML report

    @property
    def ok(self) -> bool:
        return not self.problems


class CaseResult(BaseModel):
    case: str
    engine: str  # "offline" or "recorded"
    drafts: list[DraftResult] = Field(default_factory=list)
    error: str | None = None  # the case could not run (a model failure, a recording that no longer matches)
    facts: Facts | None = Field(None, exclude=True)

    @property
    def ok(self) -> bool:
        return self.error is None and all(d.ok for d in self.drafts)


def load_cases(folder: Path = EVALS_DIR / "cases", only: list[str] | None = None) -> list[Case]:
    from .yamlfile import load_yaml

    cases = []
    for file in sorted(folder.glob("*.yaml")):
        if only and file.stem not in only:
            continue
        case = Case.model_validate({**load_yaml(file.read_text(encoding="utf-8")), "name": file.stem})
        case.path = file
        cases.append(case)
    missing = set(only or []) - {c.name for c in cases}
    if missing:
        raise ValueError(f"no eval case named {', '.join(sorted(missing))} in {folder}")
    return cases


def judge_draft(case: Case, facts: Facts, draft: Draft) -> DraftResult:
    """Compare one draft with its case's expectations."""
    expect = case.expectation_for(draft.to)
    problems = []
    if expect.must_pass and not draft.passed:
        problems.append("fails the guardrails: " + ", ".join(sorted({v.rule for v in errors_in(draft.violations)})))
    if expect.max_attempts is not None and draft.attempts > expect.max_attempts:
        problems.append(f"took {draft.attempts} attempts (at most {expect.max_attempts})")
    body_tokens = tokens(draft.body)
    for fact in expect.must_cite:
        if find_citation(fact, body_tokens, frozenset()) is None:
            problems.append(f"does not cite {fact!r}")
    lower = f"{draft.subject}\n{draft.body}".lower()
    for phrase in expect.must_not_contain:
        if phrase.lower() in lower:
            problems.append(f"contains {phrase!r}")
    if expect.words is not None:
        low, high = expect.words
        words = count_words(draft.body)
        if not low <= words <= high:
            problems.append(f"has {words} words (expected {low}-{high})")
    # The model's own first attempt, also when the final draft is the offline fallback.
    tried = draft.replaced or draft
    first = tried.history[0] if tried.history else None
    first_errors = {v.rule for v in errors_in(first.violations if first else draft.violations)}
    first_errors |= set(first.fixed_rules if first else [])
    return DraftResult(
        to=draft.to, model=tried.model, attempts=tried.attempts, passed=draft.passed, fallback=draft.fallback,
        first_violations=sorted(first_errors), problems=problems,
        prompt_tokens=sum(a.prompt_tokens or 0 for a in tried.history),
        completion_tokens=sum(a.completion_tokens or 0 for a in tried.history), draft=draft,
    )


def run_case(case: Case, model: Model, engine: str, policy: Policy) -> CaseResult:
    """Draft every interviewer of the case with ``model`` through the real pipeline, and judge the drafts."""
    facts = case.load_facts()
    try:
        result = draft_all(facts, list(facts.interviewers), model, policy, fallback=case.fallback)
    except ModelServiceError as error:
        return CaseResult(case=case.name, engine=engine, error=str(error))
    outcome = CaseResult(case=case.name, engine=engine, drafts=[judge_draft(case, facts, d) for d in result.drafts],
                         facts=facts)
    if any(f.kind == "not_recorded" for f in result.failures):
        how = (f"python evals/record_by_hand.py {case.name} (its replies were written by hand)"
               if case.recorded.startswith("by hand") else
               f"followup eval --record --case {case.name} against a configured endpoint")
        outcome.error = (f"case {case.name!r}: a request no longer matches its recording (the prompts, the guardrail "
                         f"messages or the facts changed since it was recorded); re-record it: {how}")
    elif result.failures:
        outcome.error = "; ".join(f"{f.to}: {f.error}" for f in result.failures)
    return outcome


# --- recorded responses (vcrpy cassettes) ------------------------------------------------

REPLAY_BASE_URL = "http://recorded.invalid/v1"  # never reached: every request is answered from the cassette
SECRET_REQUEST_HEADERS = ["authorization", "api-key", "openai-organization", "openai-project", "cookie"]
SECRET_RESPONSE_HEADERS = {"set-cookie", "openai-organization", "openai-project", "cookie"}


class RecordingMismatch(Exception):
    """A request had no recorded answer: the prompt changed since the cassette was recorded."""


def cassette_path(case: Case) -> Path:
    assert case.path is not None
    return case.path.parent.parent / "cassettes" / f"{case.name}.yaml"


def json_body_matcher(first: object, second: object) -> None:
    """vcrpy matcher: request bodies equal as parsed JSON; says which top-level keys differ.

    ``response_format`` is left out: which format a run settles on depends on which request
    the server refused first, and concurrent interviewers reach the server in any order.
    """
    a, b = _without_format(_json_body(first)), _without_format(_json_body(second))
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        raise AssertionError(f"JSON bodies differ in {keys}")
    raise AssertionError("the request bodies differ")


def _without_format(body: object) -> object:
    return {k: v for k, v in body.items() if k != "response_format"} if isinstance(body, dict) else body


def _json_body(request: object) -> object:
    import json

    raw = getattr(request, "body", None) or b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


# A server's traceback in an error body names a folder of the recording machine; a cassette keeps none.
_SERVER_PATH = re.compile(rb"/[^\s\"']*/site-packages/")


def _scrub_response(response: dict) -> dict:  # type: ignore[type-arg]
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_RESPONSE_HEADERS:
            del headers[name]
    body = response.get("body", {})
    if isinstance(body.get("string"), bytes):
        body["string"] = _SERVER_PATH.sub(b"<server venv>/site-packages/", body["string"])
    return response


def recorder(record: bool = False) -> Any:
    """The vcrpy configuration of every recording: matched on method, path and JSON body, secrets scrubbed.

    Host and port are not matched, so a recording made against one server replays against any URL.
    """
    import vcr

    configured = vcr.VCR(
        record_mode="all" if record else "none",
        match_on=["method", "path", "json_body"],
        filter_headers=SECRET_REQUEST_HEADERS,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    configured.register_matcher("json_body", json_body_matcher)
    return configured


def cassette(path: Path, record: bool) -> Any:
    """A cassette context: replays ``path`` (or, with ``record``, records it afresh)."""
    if record and path.exists():
        path.unlink()
    return recorder(record).use_cassette(str(path), allow_playback_repeats=False)


def recorded_model(case: Case, record: bool = False, timeout: float | None = None,
                   parallel: int = defaults.PARALLEL) -> Model:
    """The OpenAI-compatible client as the pipeline uses it, pointed at the recording (or the live endpoint)."""
    from .models import ModelSettings, settings_from_env
    from .models.openai_chat import OpenAIChatModel

    if record:
        settings: ModelSettings = settings_from_env(case.model, timeout, parallel)
        return OpenAIChatModel(case.model, base_url=settings.base_url, api_key=settings.api_key,
                               timeout=settings.timeout, parallel=settings.parallel)
    # One try only: a request missing from the cassette must fail at once, not be retried.
    return OpenAIChatModel(case.model, base_url=REPLAY_BASE_URL, api_key="sk-replay-not-a-key", attempts=1)


def run_recorded_case(case: Case, policy: Policy, record: bool = False, timeout: float | None = None,
                      parallel: int = defaults.PARALLEL) -> CaseResult:
    path = cassette_path(case)
    if not record and not path.exists():
        return CaseResult(case=case.name, engine="recorded",
                          error=f"no recording at {path}: record it with followup eval --record --case {case.name}")
    with cassette(path, record):
        return run_case(case, recorded_model(case, record, timeout, parallel), "recorded", policy)


# --- the suite ---------------------------------------------------------------------------


class EngineTotals(BaseModel):
    engine: str  # "offline", "recorded", or "recorded: MODEL" for one model's share of the recordings
    drafts: int
    final_pass_rate: float
    first_attempt_pass_rate: float
    fallback_rate: float  # share of drafts whose final version is the offline fallback
    expectation_rate: float  # share of drafts meeting every expectation of their case
    mean_attempts: float
    prompt_tokens: int
    completion_tokens: int
    case_errors: int


class GuardrailScore(BaseModel):
    notes: int
    recall: dict[str, float]
    false_positive_rate: float
    false_positives: dict[str, int] = Field(default_factory=dict)  # per category of the error a passing note got


class SuiteReport(BaseModel):
    cases: list[CaseResult]
    totals: list[EngineTotals]
    guardrails: GuardrailScore | None
    failures: list[str]  # thresholds not met, and cases that could not run

    @property
    def ok(self) -> bool:
        return not self.failures


def totals_for(engine: str, results: list[CaseResult], model: str | None = None) -> EngineTotals:
    """The totals of one engine's drafts (of one model's only, when ``model`` is given)."""
    drafts = [d for r in results if r.engine == engine for d in r.drafts if model is None or d.model == model]
    count = len(drafts) or 1
    return EngineTotals(
        engine=f"{engine}: {model}" if model else engine,
        drafts=len(drafts),
        final_pass_rate=sum(d.passed for d in drafts) / count,
        first_attempt_pass_rate=sum(not d.first_violations for d in drafts) / count,
        fallback_rate=sum(d.fallback for d in drafts) / count,
        expectation_rate=sum(d.ok for d in drafts) / count,
        mean_attempts=sum(d.attempts for d in drafts) / count,
        prompt_tokens=sum(d.prompt_tokens for d in drafts),
        completion_tokens=sum(d.completion_tokens for d in drafts),
        case_errors=sum(r.error is not None for r in results if r.engine == engine),
    )


def load_thresholds(folder: Path = EVALS_DIR) -> dict:  # type: ignore[type-arg]
    from .yamlfile import load_yaml

    return load_yaml((folder / "thresholds.yaml").read_text(encoding="utf-8"))


def run_suite(
    folder: Path = EVALS_DIR,
    *,
    only: list[str] | None = None,
    policy: Policy,
    record: bool = False,
    labelled: bool = True,
    timeout: float | None = None,
    parallel: int = defaults.PARALLEL,
) -> SuiteReport:
    """Every case offline and from its recording (or, with ``record``, recorded afresh), then the labelled notes."""
    thresholds = load_thresholds(folder)
    cases = load_cases(folder / "cases", only)
    results: list[CaseResult] = []
    for case in cases:
        if not record:
            results.append(run_case(case, OfflineComposer(), "offline", policy))
        results.append(run_recorded_case(case, policy, record, timeout, parallel))
    engines = ["recorded"] if record else ["offline", "recorded"]
    totals = [totals_for(engine, results) for engine in engines]
    failures = [f"{r.engine} {r.case}: {r.error}" for r in results if r.error]
    for total in totals:
        failures += _below(total, thresholds.get("drafts", {}).get(total.engine, {}))
    # Per model, as reported: a weak model's low first-attempt rate is information, not a failure.
    models = sorted({d.model for r in results if r.engine == "recorded" for d in r.drafts})
    totals += [totals_for("recorded", results, model) for model in models]
    score = None
    if labelled and not only:
        labelled_score = score_labelled(folder / "labelled", policy)
        score = GuardrailScore(
            notes=labelled_score.passing + sum(labelled_score.total.values()),
            recall={c: round(labelled_score.recall(c), 4) for c in labelled_score.categories},
            false_positive_rate=round(labelled_score.false_positive_rate, 4),
            false_positives=labelled_score.false_positives_by_category(),
        )
        limits = thresholds.get("guardrails", {})
        for category, recall in score.recall.items():
            if recall < limits.get("min_recall", 0):
                failures.append(f"guardrails: {category} recall {recall:.2f} < {limits['min_recall']}")
        if score.false_positive_rate > limits.get("max_false_positive_rate", 1):
            failures.append(f"guardrails: false-positive rate {score.false_positive_rate:.3f} > "
                            f"{limits['max_false_positive_rate']}")
    return SuiteReport(cases=results, totals=totals, guardrails=score, failures=failures)


def _below(total: EngineTotals, limits: dict) -> list[str]:  # type: ignore[type-arg]
    found = []
    for key, value in limits.items():
        measure, _, bound = key.partition("_")
        actual = getattr(total, bound)
        if (measure == "min" and actual < value) or (measure == "max" and actual > value):
            found.append(f"{total.engine}: {bound.replace('_', ' ')} {actual:.2f} {'<' if measure == 'min' else '>'} {value}")
    return found


def junit_xml(report: SuiteReport) -> str:
    """The report as JUnit XML: one test case per eval case and engine, one for the guardrail scores."""
    from xml.etree import ElementTree as ET

    suite = ET.Element("testsuite", name="followup-eval")
    for result in report.cases:
        case = ET.SubElement(suite, "testcase", classname=f"eval.{result.engine}", name=result.case)
        problems = ([result.error] if result.error else []) + [
            f"{d.to}: {p}" for d in result.drafts for p in d.problems
        ]
        if problems:
            ET.SubElement(case, "failure", message=problems[0]).text = "\n".join(problems)
    if report.guardrails is not None:
        case = ET.SubElement(suite, "testcase", classname="eval.guardrails", name="labelled-notes")
        guardrail_failures = [f for f in report.failures if f.startswith("guardrails:")]
        if guardrail_failures:
            ET.SubElement(case, "failure", message=guardrail_failures[0]).text = "\n".join(guardrail_failures)
    tests = len(suite)
    failed = sum(1 for case in suite if len(case))
    suite.set("tests", str(tests))
    suite.set("failures", str(failed))
    return ET.tostring(suite, encoding="unicode")
