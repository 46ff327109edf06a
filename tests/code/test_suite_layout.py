"""
The suite's own layout: what a test calls lives in a helper module
(tests/factories.py and the few behaviour-named ones beside it), never in
another test module or a conftest, so that moving or deleting a test never
breaks a test elsewhere.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def suite_modules():
    """Every Python file of the suite, by its path from the project's root."""
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(), filename=str(path))
        for path in sorted(TESTS.rglob("*.py"))
    }


def imported_names(tree):
    """The dotted name of every module an import statement in `tree` loads, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module
            # `from tests.public import test_feeds` loads the module it names.
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def is_test_module(dotted):
    parts = dotted.split(".")
    return parts[0] == "tests" and (parts[-1].startswith("test_") or parts[-1] == "conftest")


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    borrowed = [
        f"{path}:{line} imports {name}"
        for path, tree in suite_modules().items()
        for line, name in imported_names(tree)
        if is_test_module(name)
    ]
    assert borrowed == []


def test_the_layout_check_sees_an_import_from_a_test_module():
    tree = ast.parse(
        "from tests.workflow.test_admin_workflow import revise_form_data\n"
        "from tests.public import test_claimreview\n"
        "import tests.conftest\n"
        "from tests.factories import make_claim\n"
    )
    found = [name for _, name in imported_names(tree) if is_test_module(name)]
    assert found == [
        "tests.workflow.test_admin_workflow",
        "tests.public.test_claimreview",
        "tests.conftest",
    ]
