"""Drafting through any OpenAI-compatible chat-completions endpoint, with the ``openai`` SDK.

The SDK's own retries are off (``max_retries=0``): transport retries are ours, in one
tenacity policy, so that a recorded-response miss in tests fails at once and the total
wait stays bounded.
"""

from __future__ import annotations

import json
import re
from typing import Any

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay
from tenacity.wait import wait_random_exponential

from ..notes import Note, parse_note_text
from . import DraftRequest, ModelReply, ModelServiceError, redact

NOTE_SCHEMA: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {
        "name": "thank_you_note",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
            "required": ["subject", "body"],
            "additionalProperties": False,
        },
    },
}
TRANSPORT_ATTEMPTS = 4
TRANSPORT_MAX_WAIT = 20.0  # seconds, for one back-off wait (a server's Retry-After is taken as given)
TRANSPORT_TOTAL = 90.0  # seconds, for all tries of one request


def _retryable(error: BaseException) -> bool:
    """Retry what a retry can fix: rate limits, timeouts, dropped connections, server errors."""
    if isinstance(error, (openai.RateLimitError, openai.APIConnectionError, openai.InternalServerError)):
        return True
    return isinstance(error, openai.APIStatusError) and error.status_code >= 500


def _wait(state: RetryCallState) -> float:
    """Honour Retry-After when the server sends one; otherwise exponential backoff with jitter."""
    error = state.outcome.exception() if state.outcome else None
    response = getattr(error, "response", None)
    retry_after = response.headers.get("retry-after") if response is not None else None
    if retry_after:
        try:
            # Not capped: a wait longer than the budget left makes the stop condition end the tries at once.
            return float(retry_after)
        except ValueError:
            pass
    return wait_random_exponential(multiplier=0.5, max=TRANSPORT_MAX_WAIT)(state)


def transport_retrying(attempts: int = TRANSPORT_ATTEMPTS, total: float = TRANSPORT_TOTAL) -> Retrying:
    return Retrying(
        retry=retry_if_exception(_retryable),
        wait=_wait,
        # stop_before_delay: never start a wait that would end past the total budget.
        stop=stop_after_attempt(attempts) | stop_before_delay(total),
        reraise=True,
    )


class OpenAIChatModel:
    """A chat model behind an OpenAI-compatible endpoint."""

    def __init__(
        self,
        name: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        retrying: Retrying | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self._api_key = api_key
        # A local server usually wants no key, but the SDK insists on one.
        self._client = openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url, timeout=timeout,
                                     max_retries=0, http_client=_plain_http_client(base_url))
        # One request's tries together may take a few replies' worth of time, and never more than the cap.
        self._retrying = retrying or transport_retrying(total=min(TRANSPORT_TOTAL, timeout * TRANSPORT_ATTEMPTS))
        self._structured = True  # cleared when the server turns structured output down

    def complete(self, request: DraftRequest) -> ModelReply:
        try:
            completion = self._retrying(self._create, request.messages)
        except Exception as error:
            problem = self._service_error(error)
            if problem is error:
                raise
            # A replay miss keeps its cause (which part of the request differed); nothing else needs it.
            raise problem from (error if problem.kind == "not_recorded" else None)
        return self._reply(completion)

    def _service_error(self, error: Exception) -> ModelServiceError | Exception:
        """The one-line ModelServiceError for what went wrong; an unexpected error is returned as is."""
        if _not_recorded(error):
            return ModelServiceError("this request is not in the recording being replayed", "not_recorded")
        if isinstance(error, openai.APIError):
            return ModelServiceError(self._explain(error))
        if isinstance(error, ValueError):  # the SDK could not decode the body
            return ModelServiceError(f"the model service sent a reply that is not JSON ({error}); check OPENAI_BASE_URL")
        return error

    def _create(self, messages: list[dict[str, str]]) -> Any:
        if self._structured:
            try:
                return self._client.chat.completions.create(model=self.name, messages=messages,  # type: ignore[arg-type]
                                                            response_format=NOTE_SCHEMA)  # type: ignore[arg-type]
            except openai.BadRequestError as error:
                if not _about_response_format(error):
                    raise
                self._structured = False
        return self._client.chat.completions.create(model=self.name, messages=messages)  # type: ignore[arg-type]

    def _reply(self, completion: Any) -> ModelReply:
        choices = getattr(completion, "choices", None)
        if not choices:
            raise ModelServiceError("the model service sent a reply with no completion in it; check OPENAI_BASE_URL")
        choice = choices[0]
        content = (choice.message.content or "").strip() if choice.message else ""
        refusal = getattr(choice.message, "refusal", None) if choice.message else None
        if choice.finish_reason == "content_filter":
            raise ModelServiceError("the model's content filter stopped the note; try again or change the facts")
        if choice.finish_reason == "length":
            raise ModelServiceError("the model's reply was cut off at its output limit (max tokens) before the note "
                                    "was complete; try again or use a model with a larger output limit (--model)")
        if refusal or _REFUSAL.match(content):
            said = " ".join(str(refusal or content).split())[:120]
            raise ModelServiceError(f"the model declined to write the note ({said!r}); check the facts for anything "
                                    "that could read as a harmful request, or use another --model")
        if not content:
            raise ModelServiceError("the model returned an empty note; try again or use another --model")
        usage = getattr(completion, "usage", None)
        return ModelReply(
            note=parse_reply(content),
            raw=content,
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
        )

    def _explain(self, error: openai.APIError) -> str:
        where = self.base_url or "api.openai.com"
        if isinstance(error, openai.AuthenticationError):
            message = "the API key was rejected (401): check OPENAI_API_KEY"
        elif isinstance(error, openai.PermissionDeniedError):
            message = f"the key may not use model {self.name!r} (403): check the key's access or choose another --model"
        elif isinstance(error, openai.NotFoundError):
            message = f"model {self.name!r} was not found at {where} (404): check --model or FOLLOWUP_MODEL"
        elif isinstance(error, openai.RateLimitError):
            asked = error.response.headers.get("retry-after") if error.response is not None else None
            message = ("the model service is rate limiting requests (429) and did not recover within the retry "
                       + (f"budget; it asks to wait {asked} s: try again after that" if asked
                          else "budget: wait a minute and try again"))
        elif isinstance(error, openai.BadRequestError):
            message = f"the model service rejected the request (400): {_service_message(error)}"
        elif isinstance(error, openai.APITimeoutError):
            message = f"the model service at {where} did not answer in time: try again, or raise --timeout"
        elif isinstance(error, openai.APIConnectionError):
            message = f"could not reach the model service at {where}: check OPENAI_BASE_URL and that the server is running"
        elif isinstance(error, openai.APIStatusError):
            message = f"the model service failed ({error.status_code}) after retrying: try again later"
        else:
            message = f"the model service failed: {error}"
        return redact(message, self._api_key)


def _plain_http_client(base_url: str | None) -> Any:
    """For an http:// endpoint (a local server), a client that never speaks TLS.

    Building the default client loads the system's certificate store (~30 ms), which plain
    HTTP never uses. Redirects are off, so this client cannot be led to an https:// URL.
    """
    if not (base_url and base_url.startswith("http://")):
        return None
    return openai.DefaultHttpxClient(verify=False, follow_redirects=False)


def _not_recorded(error: BaseException) -> bool:
    """True when a replayed recording (vcrpy, in the eval suite and tests) had no answer for the request."""
    cause: BaseException | None = error
    while cause is not None:
        if type(cause).__name__ == "CannotOverwriteExistingCassetteException":
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _about_response_format(error: openai.BadRequestError) -> bool:
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
        return Note(subject=str(data.get("subject") or "").strip(), body=data["body"].strip())
    if isinstance(data, (dict, list)):
        keys = ", ".join(sorted(data)) if isinstance(data, dict) else "a list"
        raise ModelServiceError(f"the model replied with JSON that is not a note (fields: {keys or 'none'}; a note "
                                "needs the text fields subject and body); try again or use another --model")
    # Broken JSON or prose: keep the text; a missing subject then fails the guardrails and is repaired.
    return parse_note_text(text)
