"""``python -m followup``: the same as the ``followup`` command."""

from .cli import main

main()
