"""Defaults shared by the command line and the library (a module light enough for `followup --help`)."""

MAX_ATTEMPTS = 3  # model calls per note, repairs included
MODEL_TIMEOUT = 60.0  # seconds to wait for one model reply
