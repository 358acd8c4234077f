"""Where the shipped data folders (prompts/, guardrails/) live.

In an installed wheel they sit inside the package under ``_data``; in a source checkout
(editable install, tests) they are the folders at the top of the repository.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder of shipped data called ``name`` ("prompts" or "guardrails")."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent.parent / name
