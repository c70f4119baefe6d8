"""Dependencies point inward (DESIGN.md §1): domain and crypto stay pure, and only crypto touches
``cryptography``; services stay below the web layer, the command line and the blueprints, and
``caseapp.core`` below everything. The rules are checked on the source's AST, so no module is imported."""

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


def located_imports(source: str, module: str, *, is_package: bool = False) -> list[tuple[str, int]]:
    """(module, line) for every import in ``source``, absolute, at any depth (functions included);
    ``from a import b`` yields both ``a`` and ``a.b``."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _import_base(node, package)
            found.append((base, node.lineno))
            found.extend((f"{base}.{alias.name}", node.lineno) for alias in node.names if alias.name != "*")
        elif name := _imported_by_name(node):
            found.append((name, node.lineno))
    return found


def _imported_by_name(node: ast.AST) -> str | None:
    """The module of ``importlib.import_module("x")`` or ``__import__("x")`` with a literal name."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in {"import_module", "__import__"} and isinstance(node.args[0].value, str):
            return node.args[0].value
    return None


def _import_base(node: ast.ImportFrom, package: str) -> str:
    """The absolute module a ``from … import`` statement imports from, relative levels resolved."""
    if not node.level:
        return node.module or ""
    base_parts = package.split(".")
    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
    return ".".join(base_parts + ([node.module] if node.module else []))


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module ``source`` imports, absolute; ``from a import b`` yields both ``a`` and ``a.b``."""
    return {name for name, _line in located_imports(source, module, is_package=is_package)}


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


# --- layers: services below the web, infrastructure below everything (issue 13, point 7) ----------------

CORE, SERVICES = "caseapp.core", "caseapp.services"
# The request, its session, who is signed in, and the app's resources (read through ``current_app``) are the
# web layer's to pass in: a use case takes the database session, the user and the keys as arguments
# (DESIGN.md §1), so that a command or a test can call it without a request. ``import flask`` followed by
# ``flask.request`` escapes this name-based rule; the rule catches the usual ``from flask import request``.
CONTEXT_GLOBALS = ("flask.request", "flask.session", "flask.g", "flask.current_app", "flask_login",
                   "caseapp.core.resources")


def _is_blueprint_package(init: Path) -> bool:
    return any(isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Blueprint"
               for node in ast.walk(ast.parse(init.read_text(encoding="utf-8"))))


def blueprint_packages() -> list[str]:
    """The packages of caseapp whose ``__init__`` makes a Flask ``Blueprint``, whatever they are called."""
    return sorted(f"caseapp.{init.parent.name}" for init in PACKAGE.glob("*/__init__.py")
                  if _is_blueprint_package(init))


def layer_violations(source: str, module: str, rules, *, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) for each import in ``source`` that ``rules`` forbid (``violations``' rule syntax)."""
    return sorted({(line, name) for name, line in located_imports(source, module, is_package=is_package)
                   if any(_matches(name, rule) for rule in rules)})


def _layer_problems(package: str, rules) -> list[str]:
    files = _python_files(PROJECT.joinpath(*package.split(".")))
    assert files, f"{package} has no modules: has it moved?"
    return [f"{path.relative_to(PROJECT)}:{line}: imports {name}"
            for path in files
            for line, name in layer_violations(path.read_text(encoding="utf-8"), _module_name(path), rules,
                                               is_package=path.name == "__init__.py")]


def test_the_blueprint_packages_are_found():
    blueprints = blueprint_packages()
    assert len(blueprints) >= 10 and "caseapp.api" in blueprints
    assert not {CORE, SERVICES, "caseapp.web", "caseapp.cli", "caseapp.models"} & set(blueprints)


def test_services_import_neither_the_web_layer_nor_context_globals():
    rules = ("caseapp.web", "caseapp.cli", *blueprint_packages(), *CONTEXT_GLOBALS)
    problems = _layer_problems(SERVICES, rules)
    assert problems == [], ("services sit below the web layer and the command line: take the request's data, the "
                            "user and the keys as arguments (DESIGN.md §1)\n" + "\n".join(problems))


def test_core_imports_no_use_case_web_command_or_blueprint():
    rules = (SERVICES, "caseapp.web", "caseapp.cli", *blueprint_packages())
    problems = _layer_problems(CORE, rules)
    assert problems == [], ("caseapp.core is process infrastructure: it knows nothing of the use cases, requests, "
                            "commands or views above it\n" + "\n".join(problems))


@pytest.mark.parametrize(("source", "module", "expected"), [
    ("from caseapp.web.forms import Form", "caseapp.services.x",
     [(1, "caseapp.web.forms"), (1, "caseapp.web.forms.Form")]),
    ("from flask import request", "caseapp.services.x", [(1, "flask.request")]),
    ("from flask_login import current_user", "caseapp.services.x",
     [(1, "flask_login"), (1, "flask_login.current_user")]),
    ("from ..core.resources import keyring", "caseapp.services.x",
     [(1, "caseapp.core.resources"), (1, "caseapp.core.resources.keyring")]),
    ("from caseapp.inbox import routes", "caseapp.services.x", [(1, "caseapp.inbox"), (1, "caseapp.inbox.routes")]),
    ("import os\n\ndef f():\n    from caseapp.cli import common\n", "caseapp.services.x",
     [(4, "caseapp.cli"), (4, "caseapp.cli.common")]),
    ("from flask import abort\nfrom caseapp.webhooks import x\nfrom caseapp.services import cases",
     "caseapp.services.x", []),
])
def test_the_checker_sees_services_reaching_up(source, module, expected):
    rules = ("caseapp.web", "caseapp.cli", "caseapp.inbox", *CONTEXT_GLOBALS)
    assert layer_violations(source, module, rules) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("from caseapp.services import audit", [(1, "caseapp.services"), (1, "caseapp.services.audit")]),
    ("from .. import web", [(1, "caseapp.web")]),
    ("import caseapp.cli.common", [(1, "caseapp.cli.common")]),
    ("from caseapp.core.extensions import db\nfrom caseapp.models import User", []),
])
def test_the_checker_sees_core_reaching_up(source, expected):
    rules = (SERVICES, "caseapp.web", "caseapp.cli", "caseapp.inbox")
    assert layer_violations(source, "caseapp.core.x", rules) == expected

