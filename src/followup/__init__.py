"""followup: post-interview thank-you notes, drafted by a language model and checked by guardrails."""

__version__ = "0.1.0"
