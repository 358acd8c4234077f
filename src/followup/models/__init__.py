"""Models that write notes: the built-in offline composer, or an OpenAI-compatible endpoint.

``base`` holds what every model shares, ``choice`` picks the model for a run; the
implementations (``offline``, ``openai_chat``) are imported only by ``choice``, when used.
"""

from .base import (
                   DEFAULT_OPENAI_MODEL,
                   DEFAULT_PARALLEL,
                   DEFAULT_TIMEOUT,
                   OFFLINE,
                   DraftRequest,
                   Model,
                   ModelConfigError,
                   ModelReply,
                   ModelServiceError,
                   TimeBudget,
                   public_url,
                   redact,
)
from .choice import ModelSettings, open_model, settings_from_env

__all__ = ["DEFAULT_OPENAI_MODEL", "DEFAULT_PARALLEL", "DEFAULT_TIMEOUT", "OFFLINE", "DraftRequest", "Model",
           "ModelConfigError", "ModelReply", "ModelServiceError", "ModelSettings", "TimeBudget", "open_model",
           "public_url", "redact", "settings_from_env"]
