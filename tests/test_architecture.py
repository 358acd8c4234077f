"""The package's shape (issue 11): no import cycles, one error hierarchy, exit codes decided in one place."""

from __future__ import annotations

import ast
import importlib.util
import sys

from conftest import REPO_ROOT

from followup.application import drafts_outcome, run
from followup.drafting import Draft
from followup.errors import ExitCode, FollowupError, InputError, Interrupted, ServiceError
from followup.facts import FactsError
from followup.files import UnreadableFile
from followup.formats import FormatError
from followup.guardrails.policy import PolicyError
from followup.history import HistoryError
from followup.models import ModelConfigError, ModelServiceError
from followup.models.tweaks import UnsupportedTweak

SRC = REPO_ROOT / "src" / "followup"


def _import_graph():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("import_graph", REPO_ROOT / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_no_import_cycles_lazy_imports_included() -> None:
    graph = _import_graph()
    assert graph.cycles(graph.graph(SRC)) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The other side: two modules that import each other (one lazily) are reported."""
    graph = _import_graph()
    assert graph.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_error_kind_carries_its_exit_code() -> None:
    for kind in (FactsError, PolicyError, HistoryError, UnreadableFile, FormatError, ModelConfigError,
                 UnsupportedTweak):
        assert issubclass(kind, InputError) and kind.exit_code == ExitCode.BAD_INPUT, kind
    assert issubclass(ModelServiceError, ServiceError) and ModelServiceError.exit_code == ExitCode.MODEL_FAILURE
    assert Interrupted.exit_code == ExitCode.INTERRUPTED
    assert all(issubclass(kind, FollowupError) for kind in (InputError, ServiceError, Interrupted))


def test_the_application_decides_the_exit_code() -> None:
    said: list[str] = []

    def fails() -> None:
        raise FactsError(["facts.yaml:3: company: field required", "facts.yaml:9: role: field required"])

    assert run(fails, said.append) == ExitCode.BAD_INPUT and len(said) == 2
    assert run(lambda: (_ for _ in ()).throw(ModelServiceError("down")), said.append) == ExitCode.MODEL_FAILURE
    assert run(lambda: (_ for _ in ()).throw(KeyboardInterrupt()), said.append) == ExitCode.INTERRUPTED
    assert run(lambda: None, said.append) == ExitCode.OK

    def draft(passed: bool) -> Draft:
        return Draft(to="Dana", subject="s", body="b", passed=passed, attempts=1, violations=[], model="offline")

    assert drafts_outcome([draft(True)]) == ExitCode.OK
    assert drafts_outcome([draft(True), draft(False)]) == ExitCode.FAILED_GUARDRAILS
    assert drafts_outcome([draft(False)], service_failed=True) == ExitCode.MODEL_FAILURE
    assert drafts_outcome([draft(True)], service_failed=True, not_kept=True) == ExitCode.BAD_INPUT


def test_the_command_line_raises_no_exit_of_its_own() -> None:
    """Commands return their ExitCode or raise a FollowupError; typer.Exit is raised in one place."""
    tree = ast.parse((SRC / "cli.py").read_text(encoding="utf-8"))
    raised = [node for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc is not None
              and "Exit" in ast.unparse(node.exc)]
    # The --version callback (typer's own eager option) and the one place in _command.
    assert [ast.unparse(node.exc) for node in raised] == ["typer.Exit()", "typer.Exit(code)"]
    assert "os._exit" in ast.unparse(tree) and ast.unparse(tree).count("os._exit(") == 1
