"""Reading a guardrail policy file: validated against the options model of each check it names.

The checks register themselves when their modules are imported, so this module imports them
all: a policy is only ever read with every check it may name known.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..resources import data_dir
from . import fluency, rules, tone  # noqa: F401  (register the checks the policy names, with their options)
from .checks import options_model
from .policy import POLICY_ENV, Policy, PolicyError, RulePolicy


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy at ``path``, else at $FOLLOWUP_GUARDRAILS, else the shipped one. Loaded once per path."""
    chosen = path or os.environ.get(POLICY_ENV) or data_dir("guardrails") / "policy.yaml"
    return _load(str(chosen))


MAX_POLICY_BYTES = 1_000_000


@lru_cache(maxsize=4)
def _load(path: str) -> Policy:
    file = Path(path)
    if file.is_dir():
        file = file / "policy.yaml"
    data = _read(file)
    if not isinstance(data, dict):
        raise PolicyError(f"{file}: the guardrail policy must be a mapping with 'limits' and 'rules'")
    shipped_file = data_dir("guardrails") / "policy.yaml"
    shipped = _read(shipped_file) if file.resolve() != shipped_file.resolve() else data
    # What a user's copy leaves out (a limit, the whole vocabulary) is the shipped policy's.
    limits = data.get("limits") or {}
    if isinstance(limits, dict):
        limits = {**shipped.get("limits", {}), **limits}
    vocabulary = data["vocabulary"] if "vocabulary" in data else shipped.get("vocabulary", {})
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        raise PolicyError(f"{file}: rules: a list of rules is needed")
    policy = _validate(file, "", Policy, {**data, "limits": limits, "vocabulary": vocabulary, "rules": [],
                                          "source": str(file)})
    policy.rules = [_rule(file, index, entry) for index, entry in enumerate(raw_rules)]
    policy.rules = [r for r in policy.rules if r.enabled]
    return policy


def _read(file: Path) -> Any:
    import yaml

    from ..files import UnreadableFile, read_bounded
    from ..yamlfile import load_yaml

    try:
        return load_yaml(read_bounded(file, MAX_POLICY_BYTES).decode("utf-8"))
    except UnreadableFile as error:  # missing, a device or FIFO (FOLLOWUP_GUARDRAILS=/dev/zero), too long
        raise PolicyError(f"guardrail policy: {error}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PolicyError(f"{file}: cannot read the guardrail policy: {str(error).splitlines()[0]}") from None


def _rule(file: Path, index: int, entry: Any) -> RulePolicy:
    """One entry of ``rules``, validated against the options model of its check."""
    if not isinstance(entry, dict):
        raise PolicyError(f"{file}: rules[{index}]: a rule must be a mapping with id, check, category, severity, message")
    name = f"rules.{entry.get('id', index)}"
    check = entry.get("check")
    if "id" not in entry or check is None:
        raise PolicyError(f"{file}: {name}: {'id' if 'id' not in entry else 'check'} is missing")
    model = options_model(str(check))
    if model is None:
        raise PolicyError(f"{file}: rule {entry['id']!r}: unknown check {check!r}")
    rule_policy = _validate(file, name, model, entry)
    rule_policy.compile()
    return rule_policy


_Model = TypeVar("_Model", bound=BaseModel)


def _validate(file: Path, where: str, model: type[_Model], data: dict[str, Any]) -> _Model:
    """``data`` as ``model``; the first problem as one line naming the file, the rule and the key."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = error.errors()
        # An example is text or a mapping: for a mapping, report what the mapping got wrong.
        first = next((e for e in errors if not (e["type"] == "string_type" and isinstance(e["input"], dict))), errors[0])
        raise PolicyError(f"{file}: {_problem(where, first)}") from None


def _problem(where: str, error: Any) -> str:
    loc = [str(p) for p in error["loc"] if str(p) not in ("str", "ExampleNote") and not str(p).startswith("function-")]
    key = ".".join(loc)
    place = ".".join(filter(None, [where, key]))
    if error["type"] == "extra_forbidden":
        parent = ".".join(filter(None, [where, *loc[:-1]]))
        return f"{parent}: unknown option {loc[-1]!r}" if parent else f"unknown key {loc[-1]!r}"
    if error["type"] == "literal_error":
        return f"{place}: {error['input']!r} is not one of {error['ctx']['expected']}"
    if error["type"] == "missing":
        return f"{place}: missing"
    if error["type"] == "string_type" and loc and loc[-1].isdigit():
        return f"{place}: {error['input']!r} is not text; put it in quotes"
    return f"{place}: {error['msg']} (got {error['input']!r})" if not isinstance(error["input"], dict) else f"{place}: {error['msg']}"
