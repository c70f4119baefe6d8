"""The suite's own layout (ESCR issue 13, point 4): a ``conftest.py`` holds pytest fixtures and hooks
only, and nothing imports from a conftest. Helpers that build apps, people, cases and sessions live in
``tests/factories.py`` (the browser tests' in ``tests/e2e/harness.py``) and are imported from there.

Importing a conftest as a module loads it a second time under another name, beside the copy pytest
loaded itself, and ties the test modules to whichever conftest happens to sit above them."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
PROJECT = TESTS.parent
# Module-level names pytest itself reads from a conftest.
PYTEST_VARIABLES = {"pytest_plugins", "collect_ignore", "collect_ignore_glob"}


def _test_files() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def conftest_imports(source: str) -> list[tuple[int, str]]:
    """(line, statement) for every import of a conftest module, however spelt: ``from tests.conftest
    import x``, ``from .conftest import x``, ``from . import conftest``, ``import conftest``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            hits = [alias.name for alias in node.names if "conftest" in alias.name.split(".")]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if "conftest" in module.split("."):
                hits = [module]
            else:
                hits = [alias.name for alias in node.names if alias.name == "conftest"]
        else:
            continue
        if hits:
            found.append((node.lineno, ast.unparse(node)))
    return found


def _is_fixture(decorator: ast.expr) -> bool:
    """``@pytest.fixture``, ``@pytest.fixture(...)``, ``@fixture`` or ``@fixture(...)``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name == "fixture"


def _assigned_names(node: ast.stmt) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)]


def conftest_non_fixtures(source: str) -> list[tuple[int, str]]:
    """(line, name) for every public top-level definition of a conftest that is neither a fixture nor a
    pytest hook (``pytest_*``): functions, classes and variables. A conftest may keep private helpers
    (``_name``) for its own fixtures; anything a test needs belongs in ``tests/factories.py``."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not (node.name.startswith(("_", "pytest_")) or any(map(_is_fixture, node.decorator_list))):
                found.append((node.lineno, node.name))
        elif isinstance(node, ast.ClassDef):
            if not node.name.startswith("_"):
                found.append((node.lineno, node.name))
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            found.extend((node.lineno, name) for name in _assigned_names(node)
                         if not name.startswith("_") and name not in PYTEST_VARIABLES)
    return found


def test_no_module_imports_from_a_conftest():
    files = _test_files()
    assert len(files) > 40, "tests/ has moved?"
    problems = [f"{path.relative_to(PROJECT)}:{line}: {statement}"
                for path in files for line, statement in conftest_imports(path.read_text(encoding="utf-8"))]
    assert problems == [], ("import helpers from tests/factories.py (or tests/e2e/harness.py), never from a "
                            "conftest:\n" + "\n".join(problems))


def test_conftests_hold_fixtures_and_hooks_only():
    conftests = [path for path in _test_files() if path.name == "conftest.py"]
    assert TESTS / "conftest.py" in conftests
    problems = [f"{path.relative_to(PROJECT)}:{line}: {name}"
                for path in conftests for line, name in conftest_non_fixtures(path.read_text(encoding="utf-8"))]
    assert problems == [], ("a conftest holds fixtures and hooks only; move these to tests/factories.py (or make "
                            "them private to the conftest):\n" + "\n".join(problems))


@pytest.mark.parametrize(("source", "expected"), [
    ("from tests.conftest import login", [1]),
    ("from tests.e2e.conftest import follow", [1]),
    ("from .conftest import x", [1]),
    ("from . import conftest", [1]),
    ("from tests import conftest, factories", [1]),
    ("import conftest", [1]),
    ("import tests.conftest as c", [1]),
    ("def f():\n    from tests.conftest import login\n", [2]),
    ("from tests.factories import login\nfrom tests.conftest_like import x\nimport conftesting", []),
])
def test_the_checker_sees_conftest_imports(source, expected):
    assert [line for line, _statement in conftest_imports(source)] == expected


def test_the_checker_sees_non_fixtures_in_a_conftest():
    source = '''
import pytest
from tests.factories import make_user

pytest_plugins = ["x"]
LIMIT = 3
_PRIVATE = 4
shared: dict = {}


def helper():
    pass


def _private_helper():
    pass


class Account:
    pass


@pytest.fixture
def app():
    pass


@pytest.fixture(scope="session")
def database_url():
    pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    pass
'''
    assert conftest_non_fixtures(source) == [(6, "LIMIT"), (8, "shared"), (11, "helper"), (19, "Account")]
