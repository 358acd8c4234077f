"""The choice of model: ``--model`` and the environment decide; the openai package is imported only when needed."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .base import DEFAULT_OPENAI_MODEL, DEFAULT_PARALLEL, DEFAULT_TIMEOUT, OFFLINE, Model, ModelConfigError


@dataclass(frozen=True)
class ModelSettings:
    name: str
    base_url: str | None
    api_key: str | None
    timeout: float
    used_default: bool  # no model was chosen and no endpoint configured: offline by default
    parallel: int = DEFAULT_PARALLEL  # requests in flight at once

    @property
    def is_offline(self) -> bool:
        return self.name == OFFLINE


def settings_from_env(model: str | None = None, timeout: float | None = None,
                      parallel: int = DEFAULT_PARALLEL) -> ModelSettings:
    """Decide which model to use from ``--model`` and the environment."""
    api_key = os.environ.get("OPENAI_API_KEY") or None
    base_url = os.environ.get("OPENAI_BASE_URL") or None
    name = model or os.environ.get("FOLLOWUP_MODEL") or None
    used_default = False
    if name is None:
        if api_key or base_url:
            name = DEFAULT_OPENAI_MODEL
        else:
            name, used_default = OFFLINE, True
    if name != OFFLINE and not (api_key or base_url):
        raise ModelConfigError(
            f"model {name!r} needs an endpoint: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
            "(a local server such as Ollama), or use --model offline"
        )
    if base_url and name != OFFLINE:
        _check_base_url(base_url)
    return ModelSettings(name, base_url, api_key, timeout or DEFAULT_TIMEOUT, used_default, parallel)


def _check_base_url(url: str) -> None:
    """OPENAI_BASE_URL must be an http(s) address a client can parse; say so in one line, not a traceback."""
    from urllib.parse import urlsplit

    from .base import public_url

    shown = public_url(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise ModelConfigError(f"OPENAI_BASE_URL: {shown!r} is not a valid address ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ModelConfigError(f"OPENAI_BASE_URL: {shown!r} is not an http:// or https:// address, "
                               "e.g. http://localhost:11434/v1")


def open_model(settings: ModelSettings) -> Model:
    """Build the model for these settings. The openai package is imported only here."""
    if settings.is_offline:
        from .offline import OfflineComposer

        return OfflineComposer()
    from .openai_chat import OpenAIChatModel

    return OpenAIChatModel(settings.name, base_url=settings.base_url, api_key=settings.api_key,
                           timeout=settings.timeout, parallel=settings.parallel)
