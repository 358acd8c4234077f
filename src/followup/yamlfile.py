"""YAML reading with libyaml's C parser where PyYAML has it (several times faster than pure Python)."""

from __future__ import annotations

from typing import Any

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=Loader)  # noqa: S506 (a safe loader)


def compose_and_load(text: str) -> tuple[Any, Any]:
    """Parse once: the node tree (with line marks) and the data built from it."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data
