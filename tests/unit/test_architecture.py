"""Dependencies point inward (DESIGN.md §1): domain and crypto stay pure, and only crypto touches
``cryptography``; services stay below the web layer, the command line and the blueprints, and
``caseapp.core`` below everything; no two project modules import each other, however indirectly. The
rules are checked on the source's AST, so no module is imported."""

import ast
import functools
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
    assert any(path.parent.name == "screening" for path in modules) and len(modules) > 10
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


def _makes_a_blueprint(path: Path) -> bool:
    """Whether importing the module makes a Flask ``Blueprint``: a call at its top level, not one inside a
    function (caseapp.web.redirects makes the old paths' blueprint inside ``init_app``)."""
    statements = [node for node in ast.parse(path.read_text(encoding="utf-8")).body
                  if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    return any(isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Blueprint"
               for statement in statements for node in ast.walk(statement))


def blueprint_packages() -> list[str]:
    """The packages of caseapp that make a Flask ``Blueprint`` when imported, whatever they are called, in
    their ``__init__`` or in the module that holds ``bp`` (``routes.py``, ``admin/blueprint.py``)."""
    return sorted(f"caseapp.{init.parent.name}" for init in PACKAGE.glob("*/__init__.py")
                  if any(_makes_a_blueprint(path) for path in _python_files(init.parent)))


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


# --- no import cycle between the project's modules (issue 13, point 7) -----------------------------------


def project_modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Module name -> file, for every module of the package at ``root`` (a package is its ``__init__``)."""
    return {_module_name(path): path for path in _python_files(root)}


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def import_edges(source: str, module: str, known: set[str], *, is_package: bool = False) -> list[tuple[str, int]]:
    """(module, line) for each project module that importing ``module`` runs or reads a name from, as the
    import system does it, at any depth (an import inside a function counts: it is still a dependency).

    * ``import a.b.c`` runs ``a``, ``a.b`` and ``a.b.c``.
    * ``from a.b import c`` runs ``a`` and ``a.b``; then, when ``c`` is a submodule, ``a.b.c``, and otherwise it
      reads the name ``c`` from ``a.b``'s ``__init__``.
    * A module's own packages have started running before it does, so running them is no edge; reading a
      name from one is. A package ``__init__`` that imports its submodule is thus an edge to the submodule
      only, and the submodule closes a cycle only when it reads a name back from that ``__init__``.
    """
    own_packages = set(_prefixes(module))
    package = module if is_package else module.rpartition(".")[0]
    edges: list[tuple[str, int]] = []

    def runs(name: str, line: int) -> None:
        edges.extend((prefix, line) for prefix in _prefixes(name) if prefix in known and prefix not in own_packages)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                runs(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _import_base(node, package)
            runs(base, node.lineno)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    edges.append((submodule, node.lineno))
                elif base in known and base != module:
                    edges.append((base, node.lineno))  # a name read from base's __init__, even our own package's
        elif name := _imported_by_name(node):
            runs(name, node.lineno)
    return sorted(set(edges), key=lambda edge: (edge[1], edge[0]))


def import_graph(modules: dict[str, Path]) -> dict[str, list[tuple[str, int]]]:
    known = set(modules)
    return {name: import_edges(path.read_text(encoding="utf-8"), name, known, is_package=path.name == "__init__.py")
            for name, path in modules.items()}


def strongly_connected_components(graph) -> list[list[str]]:
    """Tarjan's algorithm, without recursion: ``graph`` maps each node to its successors (nodes or
    (node, anything) pairs). Returns every component, each sorted, in reverse topological order."""
    successors = {node: sorted({edge[0] if isinstance(edge, tuple) else edge for edge in edges})
                  for node, edges in graph.items()}
    for targets in list(successors.values()):
        for target in targets:
            successors.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        work.append((node, iter(successors[node])))

    for root in sorted(successors):
        if root in index:
            continue
        work: list = []
        visit(root)
        while work:
            node, pending = work[-1]
            for successor in pending:
                if successor not in index:
                    visit(successor)
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:  # every successor seen: node is done
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    components.append(sorted(component))
    return components


def import_cycles(graph) -> list[list[str]]:
    """The strongly connected components that hold a cycle: two or more modules, or one importing itself."""
    return [component for component in strongly_connected_components(graph)
            if len(component) > 1 or any(edge[0] == component[0] for edge in graph.get(component[0], ()))]


def describe_cycle(cycle: list[str], graph, modules: dict[str, Path]) -> str:
    members = set(cycle)
    lines = [f"{modules[name].relative_to(PROJECT)}:{line}: imports {target}"
             for name in cycle for target, line in graph[name] if target in members]
    return f"cycle between {', '.join(cycle)}:\n    " + "\n    ".join(lines)


@functools.cache
def _project_graph() -> tuple[dict[str, Path], dict[str, list[tuple[str, int]]]]:
    modules = project_modules()
    return modules, import_graph(modules)


def test_the_import_graph_sees_the_project():
    """The cycle check would pass vacuously on a graph the parser failed to fill."""
    _modules, graph = _project_graph()
    assert len(graph) > 100 and sum(map(len, graph.values())) > 400
    assert "caseapp.services.cases" in {target for target, _line in graph["caseapp.services.intake"]}
    assert "caseapp.web" in {target for target, _line in graph["caseapp"]}  # an import inside create_app


def test_no_import_cycle_between_the_project_modules():
    """No cycle at all, not even Flask's blueprint idiom (``bp`` made in a package's ``__init__``, whose routes
    import it back): each blueprint defines ``bp`` in its routes module and the package re-exports it."""
    modules, graph = _project_graph()
    cycles = import_cycles(graph)
    assert cycles == [], ("import cycles (break each by moving the shared name down a layer, not by importing "
                          "inside a function: those count too)\n" + "\n".join(
                              describe_cycle(cycle, graph, modules) for cycle in cycles))


# The cycle finder on graphs whose answer is known, so the checks above cannot pass by finding nothing.

def test_the_cycle_finder_finds_each_cycle_once():
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["f"], "g": ["a", "h"], "h": []}
    assert sorted(import_cycles({node: [(target, 1) for target in targets] for node, targets in graph.items()})) == [
        ["a", "b", "c"], ["d", "e"], ["f"]]
    assert sorted(strongly_connected_components(graph)) == [["a", "b", "c"], ["d", "e"], ["f"], ["g"], ["h"]]


def test_the_cycle_finder_orders_components_and_needs_no_recursion():
    chain = {f"m{i}": [(f"m{i + 1}", 1)] for i in range(5000)}  # far deeper than Python's recursion limit
    assert import_cycles(chain) == []
    chain["m5000"] = [("m0", 1)]
    assert [len(cycle) for cycle in import_cycles(chain)] == [5001]
    dag = {"top": ["middle"], "middle": ["bottom"], "bottom": []}
    assert strongly_connected_components(dag) == [["bottom"], ["middle"], ["top"]]


KNOWN = {"caseapp", "caseapp.core", "caseapp.core.db", "caseapp.services", "caseapp.services.cases",
         "caseapp.shop", "caseapp.shop.routes", "caseapp.shop.forms"}


@pytest.mark.parametrize(("source", "module", "is_package", "expected"), [
    # a submodule: its package's __init__ runs (not one of ours), then the submodule
    ("from caseapp.services import cases", "caseapp.core.db", False, ["caseapp.services", "caseapp.services.cases"]),
    # a name: read from the __init__
    ("from caseapp.services import ServiceError", "caseapp.core.db", False, ["caseapp.services"]),
    # our own packages have started before us: only the sibling is an edge ...
    ("from caseapp.shop import forms", "caseapp.shop.routes", False, ["caseapp.shop.forms"]),
    # ... but a name read back from our own package's __init__ is one
    ("from caseapp.shop import bp", "caseapp.shop.routes", False, ["caseapp.shop"]),
    ("from . import bp, forms", "caseapp.shop.routes", False, ["caseapp.shop", "caseapp.shop.forms"]),
    # a package importing its own submodule
    ("from caseapp.shop import routes", "caseapp.shop", True, ["caseapp.shop.routes"]),
    ("from . import routes", "caseapp.shop", True, ["caseapp.shop.routes"]),
    ("from .routes import view", "caseapp.shop", True, ["caseapp.shop.routes"]),
    # dotted imports run every package on the way
    ("import caseapp.services.cases", "caseapp.shop.routes", False, ["caseapp.services", "caseapp.services.cases"]),
    ("from ..services.cases import x", "caseapp.shop.routes", False, ["caseapp.services", "caseapp.services.cases"]),
    ("from caseapp import services", "caseapp.shop.routes", False, ["caseapp.services"]),
    ("from caseapp import create_app", "caseapp.shop.routes", False, ["caseapp"]),
    # inside a function, and by name
    ("def f():\n    from caseapp.core.db import session\n", "caseapp.services.cases", False,
     ["caseapp.core", "caseapp.core.db"]),
    ("import importlib\nimportlib.import_module('caseapp.shop')", "caseapp.core.db", False, ["caseapp.shop"]),
    ("from caseapp.shop import *", "caseapp.core.db", False, ["caseapp.shop"]),
    # outside the project
    ("import flask\nfrom sqlalchemy import select\nfrom caseapp.missing import x", "caseapp.core.db", False, []),
])
def test_import_edges(source, module, is_package, expected):
    assert [target for target, _line in import_edges(source, module, KNOWN, is_package=is_package)] == expected


def _graph_of(sources: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
    known = set(sources)
    return {name: import_edges(source, name, known, is_package=name in {"caseapp", "caseapp.shop", "caseapp.core"})
            for name, source in sources.items()}


def test_the_cycle_check_fails_on_a_synthetic_project():
    """Flask's blueprint idiom (caseapp.shop and its routes) is a cycle like any other."""
    graph = _graph_of({
        "caseapp": "def create_app():\n    from caseapp.shop import bp\n",
        "caseapp.core": "",
        "caseapp.core.db": "from caseapp.core.audit import record\n",
        # an import inside a function still counts
        "caseapp.core.audit": "import os\n\n\ndef record():\n    from caseapp.core import db\n",
        "caseapp.shop": "bp = object()\nfrom caseapp.shop import routes\n",
        "caseapp.shop.routes": "from caseapp.shop import bp, forms\n",
        "caseapp.shop.forms": "from caseapp import create_app\n",  # back to the root's __init__ for a name
    })
    cycles = import_cycles(graph)
    assert cycles == [["caseapp", "caseapp.shop", "caseapp.shop.forms", "caseapp.shop.routes"],
                      ["caseapp.core.audit", "caseapp.core.db"]]
    modules = {name: PROJECT.joinpath(*name.split(".")).with_suffix(".py") for name in graph}
    assert describe_cycle(cycles[1], graph, modules).splitlines() == [
        "cycle between caseapp.core.audit, caseapp.core.db:",
        "    caseapp/core/audit.py:5: imports caseapp.core.db",
        "    caseapp/core/db.py:1: imports caseapp.core.audit",
    ]


