"""Drafting through any OpenAI-compatible chat-completions endpoint, with the ``openai`` SDK.

The SDK's own retries are off (``max_retries=0``): transport retries are ours, in one
tenacity policy, so that a recorded-response miss in tests fails at once and the total
wait stays bounded. Every wait goes through a :class:`Clock`, which tests replace.
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import threading
import time
from datetime import datetime, timezone
from typing import Any

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception
from tenacity.wait import wait_random_exponential

from .. import defaults
from ..notes import Note, parse_note_text
from ..textsafety import clean_line, clean_text
from .base import DraftRequest, ModelReply, ModelServiceError, TimeBudget, public_url, redact
from .transport import ReplyTooLarge, guarded_client

_NOTE_FIELDS: dict[str, Any] = {
    "type": "object",
    "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
    "required": ["subject", "body"],
    "additionalProperties": False,
}
NOTE_SCHEMA: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "thank_you_note", "strict": True, "schema": _NOTE_FIELDS},
}
# What to ask for, best first; a server that refuses one is asked for the next, once per run.
# llama-cpp-python reads "schema" in json_object mode as a grammar; others ignore it.
RESPONSE_FORMATS: list[tuple[str, dict[str, Any] | None]] = [
    ("json_schema", NOTE_SCHEMA),
    ("json_object", {"type": "json_object", "schema": _NOTE_FIELDS}),
    ("text", None),
]
TRANSPORT_ATTEMPTS = 4
TRANSPORT_MAX_WAIT = 20.0  # seconds, the cap of one back-off wait (a server's Retry-After is taken as given)
_DEADLINE_GRACE = 1.0  # seconds past a reply's timeout before it is given up, for the transport's own timeout to fire


class Clock:
    """Time as the transport retries see it: tests pass one whose sleep returns at once."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _format_refused(error: BaseException) -> bool:
    """A server that does not do structured output says so with 400, 422 or (llama-cpp-python) 500."""
    return (isinstance(error, openai.APIStatusError) and error.status_code in (400, 422, 500)
            and _about_response_format(error))


def _retryable(error: BaseException) -> bool:
    """Retry what a retry can fix: rate limits, timeouts, dropped connections, server errors."""
    if _caused_by(error, ReplyTooLarge):
        return False
    if isinstance(error, (openai.RateLimitError, openai.APIConnectionError, openai.InternalServerError)):
        return True
    return isinstance(error, openai.APIStatusError) and error.status_code >= 500


def retry_after(error: BaseException | None, now: datetime | None = None) -> float | None:
    """The wait a server asked for, in seconds: Retry-After as seconds or as an HTTP date; None if absent or unusable."""
    response = getattr(error, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        # A date already past means "now".
        return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _wait(state: RetryCallState) -> float:
    """Honour Retry-After when the server sends a usable one; otherwise exponential backoff with jitter."""
    asked = retry_after(state.outcome.exception() if state.outcome else None)
    if asked is not None:
        # Not capped: a wait longer than the budget left makes the stop condition end the tries at once.
        return asked
    return wait_random_exponential(multiplier=0.5, max=TRANSPORT_MAX_WAIT)(state)


class OpenAIChatModel:
    """A chat model behind an OpenAI-compatible endpoint.

    ``timeout`` bounds one reply, as a wall-clock deadline; every call made for one
    interviewer's note shares the request's :class:`TimeBudget` (attempts x timeout).
    At most ``parallel`` requests are in flight at once; the others wait their turn
    without spending their budget.
    """

    def __init__(
        self,
        name: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = defaults.MODEL_TIMEOUT,
        parallel: int = defaults.PARALLEL,
        attempts: int = TRANSPORT_ATTEMPTS,
        clock: Clock | None = None,
        max_reply_bytes: int = defaults.MAX_REPLY_BYTES,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.timeout = timeout
        self._api_key = api_key
        self._attempts = attempts
        self._clock = clock or Clock()
        self._slots = threading.BoundedSemaphore(max(1, parallel))
        # A local server usually wants no key, but the SDK insists on one.
        self._client = openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url, timeout=timeout,
                                     max_retries=0, http_client=guarded_client(base_url, max_reply_bytes))
        self._format = 0  # index into RESPONSE_FORMATS; moves forward when the server refuses one
        self._format_lock = threading.Lock()

    @property
    def response_format(self) -> str:
        """What this run asks for now: json_schema, json_object or text."""
        return RESPONSE_FORMATS[self._format][0]

    def complete(self, request: DraftRequest) -> ModelReply:
        budget = request.budget or TimeBudget(self.timeout * self._attempts)
        try:
            with self._slots:
                completion = self._retrying(budget)(self._timed_create, request, budget)
        except Exception as error:
            problem = self._service_error(error, budget)
            if problem is error:
                raise
            # A replay miss keeps its cause (which part of the request differed); nothing else needs it.
            raise problem from (error if problem.kind == "not_recorded" else None)
        return self._reply(completion)

    def _retrying(self, budget: TimeBudget) -> Retrying:
        def out_of_tries(state: RetryCallState) -> bool:
            # Never start a wait that would end past the budget.
            upcoming = state.upcoming_sleep or 0.0
            return state.attempt_number >= self._attempts or upcoming >= budget.remaining()

        def charge_wait(state: RetryCallState) -> None:
            budget.charge(state.upcoming_sleep or 0.0)

        return Retrying(retry=retry_if_exception(_retryable), wait=_wait, stop=out_of_tries,
                        before_sleep=charge_wait, sleep=self._clock.sleep, reraise=True)

    def _timed_create(self, request: DraftRequest, budget: TimeBudget) -> Any:
        seconds = min(self.timeout, budget.remaining())
        if seconds <= 0:
            raise _OutOfTime()
        started = self._clock.monotonic()
        try:
            return _within(seconds + _DEADLINE_GRACE, self._create, request.messages, seconds, request.max_tokens)
        finally:
            budget.charge(self._clock.monotonic() - started)

    def _create(self, messages: list[dict[str, str]], seconds: float, max_tokens: int | None) -> Any:
        client = self._client.with_options(timeout=seconds)
        while True:
            chosen = self._format
            name, response_format = RESPONSE_FORMATS[chosen]
            options: dict[str, Any] = {"model": self.name, "messages": messages}
            if max_tokens:
                options["max_tokens"] = max_tokens
            if response_format is not None:
                options["response_format"] = response_format
            try:
                return client.chat.completions.create(**options)
            except openai.APIStatusError as error:
                if name == "text" or not _format_refused(error):
                    raise
                with self._format_lock:  # the first refusal moves the whole run on; later ones find it done
                    self._format = max(self._format, chosen + 1)

    def _reply(self, completion: Any) -> ModelReply:
        choices = getattr(completion, "choices", None)
        if not choices:
            raise ModelServiceError("the model service sent a reply with no completion in it; check OPENAI_BASE_URL")
        choice = choices[0]
        # Untrusted text: no key it may echo, no escape sequences, before anyone sees or stores it.
        content = clean_text(redact((choice.message.content or "") if choice.message else "", self._api_key)).strip()
        refusal = getattr(choice.message, "refusal", None) if choice.message else None
        if choice.finish_reason == "content_filter":
            raise ModelServiceError("the model's content filter stopped the note; try again or change the facts")
        cut_off = choice.finish_reason == "length"
        if not cut_off and (refusal or _REFUSAL.match(content)):
            said = clean_line(redact(str(refusal or content), self._api_key))[:120]
            raise ModelServiceError(f"the model declined to write the note ({said!r}); check the facts for anything "
                                    "that could read as a harmful request, or use another --model")
        if not content:
            raise ModelServiceError("the model returned an empty note; try again or use another --model")
        usage = getattr(completion, "usage", None)
        note = parse_cut_off_reply(content) if cut_off else parse_reply(content)
        return ModelReply(
            # JSON may spell an escape sequence as \u001b: the fields are cleaned once decoded, too.
            note=Note(subject=clean_line(note.subject), body=clean_text(note.body).strip()),
            raw=content,
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
            cut_off=cut_off,
        )

    def _service_error(self, error: Exception, budget: TimeBudget) -> ModelServiceError | Exception:
        """The one-line ModelServiceError for what went wrong; an unexpected error is returned as is."""
        if _not_recorded(error):
            return ModelServiceError("this request is not in the recording being replayed", "not_recorded")
        if _caused_by(error, ReplyTooLarge):
            return ModelServiceError(f"the model service sent a reply larger than {defaults.MAX_REPLY_BYTES:,} bytes; "
                                     "check OPENAI_BASE_URL")
        if isinstance(error, (_OutOfTime, _ReplyDeadline)):
            return ModelServiceError(self._timed_out(budget))
        if isinstance(error, openai.APIError):
            return ModelServiceError(self._explain(error, budget))
        if isinstance(error, ValueError):  # the SDK could not decode the body
            return ModelServiceError(f"the model service sent a reply that is not JSON ({error}); check OPENAI_BASE_URL")
        return error

    def _where(self) -> str:
        return public_url(self.base_url or "api.openai.com")

    def _timed_out(self, budget: TimeBudget) -> str:
        return (f"the model service at {self._where()} did not answer in time ({self.timeout:g} s per reply, "
                f"{budget.total:g} s for this note): try again, or raise --timeout")

    def _explain(self, error: openai.APIError, budget: TimeBudget) -> str:
        where = self._where()
        if isinstance(error, openai.AuthenticationError):
            message = "the API key was rejected (401): check OPENAI_API_KEY"
        elif isinstance(error, openai.PermissionDeniedError):
            message = f"the key may not use model {self.name!r} (403): check the key's access or choose another --model"
        elif isinstance(error, openai.NotFoundError):
            message = f"model {self.name!r} was not found at {where} (404): check --model or FOLLOWUP_MODEL"
        elif isinstance(error, openai.RateLimitError):
            asked = retry_after(error)
            message = ("the model service is rate limiting requests (429) and did not recover within the retry "
                       + (f"budget; it asks to wait {asked:g} s: try again after that" if asked
                          else "budget: wait a minute and try again"))
        elif isinstance(error, openai.BadRequestError):
            message = f"the model service rejected the request (400): {_service_message(error)}"
        elif isinstance(error, openai.APITimeoutError):
            message = self._timed_out(budget)
        elif isinstance(error, openai.APIConnectionError):
            message = f"could not reach the model service at {where}: check OPENAI_BASE_URL and that the server is running"
        elif isinstance(error, openai.APIStatusError) and 300 <= error.status_code < 400:
            location = public_url(error.response.headers.get("location", "another address"))
            message = (f"the model service answered with a redirect ({error.status_code}) to {location}; "
                       "set OPENAI_BASE_URL to the address it should be")
        elif isinstance(error, openai.APIStatusError) and _retryable(error):
            message = f"the model service failed ({error.status_code}) after retrying: try again later"
        elif isinstance(error, openai.APIStatusError):
            message = f"the model service refused the request ({error.status_code}): {_service_message(error)}"
        else:
            message = f"the model service failed: {error}"
        return redact(message, self._api_key)


class _OutOfTime(Exception):
    """The budget for this note was spent before another try could start."""


class _ReplyDeadline(Exception):
    """A reply went past its wall-clock deadline."""


def _within(seconds: float, call: Any, *args: Any) -> Any:
    """``call(*args)`` with a hard wall-clock deadline.

    The call runs in a daemon thread: past the deadline it is given up (the transport's own
    per-reply deadline ends it soon after), so a server that trickles bytes cannot hold a run.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call(*args)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="model-request", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _ReplyDeadline()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, kind):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _not_recorded(error: BaseException) -> bool:
    """True when a replayed recording (vcrpy, in the eval suite and tests) had no answer for the request."""
    cause: BaseException | None = error
    while cause is not None:
        if type(cause).__name__ == "CannotOverwriteExistingCassetteException":
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _about_response_format(error: openai.APIStatusError) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("response_format", "json_schema", "structured", "response format"))


def _service_message(error: openai.APIStatusError) -> str:
    body = error.body if isinstance(error.body, dict) else {}
    message = body.get("message") or (body.get("error") or {}).get("message") if isinstance(body, dict) else None
    return " ".join(str(message or error.message).split())[:200]


# A reply that is a refusal, not a note: it opens by declining and is short.
_REFUSAL = re.compile(
    r"^\W*(?:i'?m sorry|i am sorry|sorry, but|i can(?:no|')t (?:help|assist|do|write|comply)|i cannot (?:help|assist|comply)"
    r"|i(?:'m| am) (?:unable|not able) to|as an ai\b)(?!.*\n\s*\n.*\n\s*\n)",
    re.IGNORECASE | re.DOTALL,
)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


def parse_reply(content: str) -> Note:
    """A note from the model's reply: the JSON object asked for, or, failing that, plain text."""
    text = _FENCE.sub("", content.strip())
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("body"), str):
        return Note(subject=clean_line(str(data.get("subject") or "")), body=data["body"].strip())
    if isinstance(data, (dict, list)):
        keys = ", ".join(sorted(data)) if isinstance(data, dict) else "a list"
        raise ModelServiceError(f"the model replied with JSON that is not a note (fields: {keys or 'none'}; a note "
                                "needs the text fields subject and body); try again or use another --model")
    # Broken JSON or prose: keep the text; a missing subject then fails the guardrails and is repaired.
    return parse_note_text(text)


_PARTIAL_FIELD = re.compile(r'"(subject|body)"\s*:\s*"((?:[^"\\]|\\.)*)', re.S)


def parse_cut_off_reply(content: str) -> Note:
    """What a reply cut off at max_tokens says so far: the fields of a JSON object left open, or the text."""
    fields = {}
    for key, raw in _PARTIAL_FIELD.findall(content):
        try:
            fields[key] = json.loads('"' + raw.rstrip("\\") + '"')
        except json.JSONDecodeError:
            fields[key] = raw
    if "body" in fields:
        return Note(subject=clean_line(fields.get("subject", "")), body=fields["body"].strip())
    return parse_note_text(_FENCE.sub("", content.strip()))
