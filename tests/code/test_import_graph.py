"""
The app's modules import one another in one direction: no cycle, no import
hidden in a function to dodge one, no model looked up by name, and every name
imported from the module that defines it (the models package, which exports
its models and nothing else, is the one gathering place).
"""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "claims"
# The domain, bottom first: each module of the models package imports only
# those before it (claims/models/__init__.py tells the order).
MODEL_MODULES = [
    "claims.models.history",
    "claims.models.revisions",
    "claims.models.claim",
    "claims.models.evidence",
    "claims.models.sources",
    "claims.models.figures",
    "claims.models.translations",
    "claims.models.content_versions",
    "claims.models.tips",
    "claims.models.search_words",
]
DOMAIN = {
    "claims.analysis",
    "claims.choices",
    "claims.constraints",
    "claims.independence",
    "claims.natural_keys",
    "claims.workflow",
    *MODEL_MODULES,
}
# What serves readers from the cache sits above the domain and learns of
# changes from the models' signals.
CACHE_LAYER = {
    "claims.caching",
    "claims.page_versions",
    "claims.fragments",
    "claims.edge",
    "claims.purges",
}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def app_modules():
    """Every module of the app but its migrations, by dotted name."""
    return {
        module_name(path): ast.parse(path.read_text(), filename=str(path))
        for path in sorted(APP.rglob("*.py"))
        if "migrations" not in path.parts
    }


MODULES = app_modules()


def imported_modules(node):
    """The app's modules an import statement loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith("claims")]
    if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("claims"):
        # `from claims import views` loads claims.views; `from claims.models
        # import Claim` loads the package.
        submodules = [f"{node.module}.{alias.name}" for alias in node.names]
        return [name for name in submodules if name in MODULES] or [node.module]
    return []


def module_level_imports(tree):
    """Imports run when the module loads (not those inside a function)."""
    found = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def import_graph():
    return {
        name: {target for node in module_level_imports(tree) for target in imported_modules(node)}
        - {name}
        for name, tree in MODULES.items()
    }


def function_level_imports(tree):
    return [
        (function.name, node.lineno)
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(function)
        if isinstance(node, (ast.Import, ast.ImportFrom)) and imported_modules(node)
    ]


def defined_names(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_apps_imports_have_no_cycle():
    try:
        order = list(TopologicalSorter(import_graph()).static_order())
    except CycleError as error:
        pytest.fail(f"These modules import one another in a circle: {' -> '.join(error.args[1])}")
    assert set(MODULES) <= set(order)


def test_no_module_imports_the_app_inside_a_function():
    # ClaimsConfig.ready() is where Django wants signal receivers connected:
    # the one place an import waits for the app registry.
    hidden = {
        name: imports
        for name, tree in MODULES.items()
        if (imports := function_level_imports(tree)) and name != "claims.apps"
    }
    assert hidden == {}


def test_no_model_is_looked_up_by_name_to_dodge_an_import():
    lookups = {
        name: sorted(
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in {"get_model", "related_model"}
        )
        for name, tree in MODULES.items()
        # Both run inside migrations, on the historical models they are given.
        if name not in {"claims.roles", "claims.migration_operations"}
    }
    assert {name: lines for name, lines in lookups.items() if lines} == {}


def test_each_model_module_imports_only_those_below_it():
    graph = import_graph()
    for position, name in enumerate(MODEL_MODULES):
        above = set(MODEL_MODULES[position + 1 :]) | {"claims.models"}
        assert graph[name] & above == set(), f"{name} imports a module above it"


def test_the_domain_imports_nothing_from_the_cache():
    graph = import_graph()
    assert {name: graph[name] & CACHE_LAYER for name in DOMAIN} == dict.fromkeys(DOMAIN, set())


@pytest.mark.parametrize("tests_too", [False, True], ids=["app", "tests"])
def test_every_name_is_imported_from_the_module_that_defines_it(tests_too):
    models_package = MODULES["claims.models"]
    exported_models = {
        alias.name
        for node in models_package.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    trees = MODULES
    if tests_too:
        trees = {
            module_name(path): ast.parse(path.read_text())
            for path in sorted((ROOT / "tests").rglob("*.py"))
        }
    borrowed = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module in MODULES):
                continue
            if node.module == "claims.models":
                allowed = exported_models
            else:
                allowed = defined_names(MODULES[node.module]) | {
                    module.rsplit(".", 1)[-1]
                    for module in MODULES
                    if module.startswith(f"{node.module}.")
                }
            borrowed += [
                f"{name}: {alias.name} from {node.module}"
                for alias in node.names
                if alias.name not in allowed
            ]
    assert borrowed == []
