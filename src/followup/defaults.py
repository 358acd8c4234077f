"""Defaults shared by the command line and the library (a module light enough for `followup --help`)."""

MAX_ATTEMPTS = 3  # model calls per note, repairs included
MODEL_TIMEOUT = 60.0  # seconds to wait for one model reply
PARALLEL = 8  # model requests in flight at once (a server that serves one at a time wants 1)
MAX_REPLY_BYTES = 1_000_000  # the most one model reply may be, after decompression
