"""Dependencies point inward (DESIGN.md §1): domain and crypto stay pure, and only crypto touches
``cryptography``. The rules are checked on the source's AST, so no module is imported."""

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PACKAGE = PROJECT / "caseapp"
PURE_PACKAGES = ("domain", "crypto")
FORBIDDEN_IN_PURE = ("flask", "flask_*", "sqlalchemy", "caseapp.models", "caseapp.services")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module ``source`` imports, absolute; ``from a import b`` yields both ``a`` and ``a.b``."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            # importlib.import_module("x") and __import__("x") with a literal name
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"import_module", "__import__"} and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def _matches(module: str, rule: str) -> bool:
    if rule.endswith("*"):
        return module.split(".")[0].startswith(rule[:-1])
    return module == rule or module.startswith(rule + ".")


def violations(modules: set[str], rules) -> list[str]:
    return sorted(module for module in modules if any(_matches(module, rule) for rule in rules))


def _python_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def _imports_of(path: Path) -> set[str]:
    return imported_modules(path.read_text(encoding="utf-8"), _module_name(path), is_package=path.name == "__init__.py")


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_import_no_framework_or_outer_layer(package):
    files = _python_files(PACKAGE / package)
    assert files, f"caseapp/{package} has no modules: has it moved?"
    problems = {
        str(path.relative_to(PROJECT)): found
        for path in files
        if (found := violations(_imports_of(path), FORBIDDEN_IN_PURE))
    }
    assert problems == {}, f"caseapp/{package} must stay pure Python (DESIGN.md §1)"


def test_only_caseapp_crypto_imports_cryptography():
    files = [
        path
        for path in (*_python_files(PACKAGE), *_python_files(PROJECT / "migrations"), *PROJECT.glob("*.py"))
        if PACKAGE / "crypto" not in path.parents
    ]
    assert len(files) > 10
    problems = {
        str(path.relative_to(PROJECT)): found
        for path in files
        if (found := violations(_imports_of(path), ("cryptography",)))
    }
    assert problems == {}, "only caseapp/crypto may import cryptography (DESIGN.md §1)"


def test_caseapp_crypto_does_import_cryptography():
    """The scan above would pass vacuously if the imports were never seen."""
    found = set().union(*(_imports_of(path) for path in _python_files(PACKAGE / "crypto")))
    assert violations(found, ("cryptography",))


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import flask", "caseapp.domain.x", ["flask"]),
        ("from flask_login import current_user", "caseapp.domain.x", ["flask_login", "flask_login.current_user"]),
        ("import sqlalchemy.orm as orm", "caseapp.domain.x", ["sqlalchemy.orm"]),
        ("from caseapp import models", "caseapp.domain.x", ["caseapp.models"]),
        ("from caseapp.services.accounts import create_user", "caseapp.crypto.x",
         ["caseapp.services.accounts", "caseapp.services.accounts.create_user"]),
        ("from ..models import User", "caseapp.domain.x", ["caseapp.models", "caseapp.models.User"]),
        ("from .. import services", "caseapp.domain.x", ["caseapp.services"]),
        ("def f():\n    import flask\n", "caseapp.domain.x", ["flask"]),
        ("import importlib\nimportlib.import_module('sqlalchemy')", "caseapp.domain.x", ["sqlalchemy"]),
        ("from . import roles\nimport flaskish_name_is_not_flask", "caseapp.domain.x", []),
        ("from caseapp.modelsx import y\nfrom caseapp.domain import models", "caseapp.domain.x", []),
    ],
)
def test_the_checker_sees_forbidden_imports(source, module, expected):
    assert violations(imported_modules(source, module), FORBIDDEN_IN_PURE) == expected


def test_randomness_comes_from_the_secrets_module_or_os_urandom():  # CRY-09
    """Session ids, tokens, keys and nonces must be unpredictable: the `random` module never is."""
    offenders = []
    for path in (PROJECT / "caseapp").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "random" or name.startswith("random.") for name in names):
                offenders.append(str(path))
    assert offenders == []


# --- AC-03: views reach cases only through the scoped loaders ------------------------------------------

NOT_VIEWS = {"services", "models", "domain", "crypto", "data", "translations", "static"}


def _view_modules() -> list[Path]:
    """The blueprints' modules: every sub-package of caseapp that serves requests."""
    return [path for package in sorted(PACKAGE.iterdir())
            if package.is_dir() and package.name not in NOT_VIEWS and (package / "__init__.py").exists()
            for path in _python_files(package)]


def unscoped_case_queries(source: str) -> list[int]:
    """Lines that start a query from the ``Case`` model itself (``select(Case…)``, ``session.get(Case…)``)
    instead of from ``cases.visible_cases`` or ``cases.find_visible_case``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in {"select", "get"} and isinstance(first, ast.Name) and first.id == "Case":
                lines.append(node.lineno)
    return lines


def test_views_start_every_case_query_from_the_scoped_loader():  # AC-03
    modules = _view_modules()
    assert any(path.parent.name == "inbox" for path in modules) and len(modules) > 10
    found = {str(path.relative_to(PROJECT)): unscoped_case_queries(path.read_text(encoding="utf-8"))
             for path in modules}
    assert {path: lines for path, lines in found.items() if lines} == {}


@pytest.mark.parametrize(("source", "expected"), [
    ("select(Case).where(Case.stage == 'x')", [1]),
    ("db.session.get(Case, 3)", [1]),
    ("cases.visible_cases(user).where(Case.stage == 'x')", []),
    ("select(Communication).where(Communication.case_id == case.id)", []),
])
def test_the_case_query_checker_sees_unscoped_queries(source, expected):  # AC-03
    assert unscoped_case_queries(source) == expected
