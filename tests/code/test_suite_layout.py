"""
The suite's own layout: what a test calls lives in a helper module
(tests/factories.py and the few behaviour-named ones beside it), never in
another test module or a conftest, so that moving or deleting a test never
breaks a test elsewhere; and the seed story's addresses are written once, in
tests/seed.py, so that a change to the story is a change in one place.
"""

import ast
import json
import re
from functools import cache
from pathlib import Path

from tests.seed import AFFILIATION, ARTICLE, CLAIM, FIGURE, SEED_FIXTURE, SOURCE, TOPIC

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


@cache
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


# Tests that make rows of their own (no seed) under names the seed also uses:
# the slug is theirs, not the story's.
OWN_ROWS = {
    "tests/data/test_migrations.py": {"nis"},
    "tests/public/test_figure_page.py": {"nis"},
    # A word the analyser reads, not an address.
    "tests/public/test_search_korean_table.py": {"nis"},
    "tests/workflow/test_claim_entry.py": {"nis"},
    "tests/workflow/test_figures.py": {"nis", "jcs"},
    "tests/workflow/test_guards.py": {"nis", "jcs"},
}
SEED_NAMES = {"claims.claim": CLAIM, "claims.source": SOURCE, "claims.figure": FIGURE}
SEED_NAMES |= {"claims.topic": TOPIC, "claims.affiliation": AFFILIATION, "claims.article": ARTICLE}


def seed_slugs():
    """{model label: {slug, ...}} of every row in fixtures/seed.json that has a slug."""
    slugs = {}
    for item in json.loads(SEED_FIXTURE.read_text()):
        if "slug" in item["fields"]:
            slugs.setdefault(item["model"], set()).add(item["fields"]["slug"])
    return slugs


def restated(text, slugs):
    """The seed slugs `text` contains as a word of an address (not inside a longer slug)."""
    return set(address_words(frozenset(slugs)).findall(text))


@cache
def address_words(slugs):
    # A dot before a slug is a host name ("www.nis.go.kr"), not an address.
    # Longest first, so that a slug is never taken for the start of a longer one.
    alternatives = "|".join(re.escape(slug) for slug in sorted(slugs, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])({alternatives})(?![\w-])")


def string_literals(tree):
    """Every str or bytes literal in `tree` but docstrings, f-strings' text included."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in docstrings:
            continue
        if isinstance(node.value, bytes):
            yield node.lineno, node.value.decode(errors="replace")
        elif isinstance(node.value, str):
            yield node.lineno, node.value


def test_the_seeds_names_are_its_rows_every_one():
    named = {label: set(vars(names).values()) for label, names in SEED_NAMES.items()}
    found = seed_slugs()
    assert named == {label: found.get(label, set()) for label in SEED_NAMES}


def test_no_test_restates_a_seed_address():
    slugs = set().union(*seed_slugs().values())
    restatements = [
        f"{path}:{line}: {sorted(found)}"
        for path, tree in suite_modules().items()
        # The seed's own module, and this one, which names the exceptions.
        if path not in {"tests/seed.py", "tests/code/test_suite_layout.py"}
        for line, text in string_literals(tree)
        if (found := restated(text, slugs) - OWN_ROWS.get(path, set()))
    ]
    assert restatements == []


def test_the_restatement_check_sees_an_address_and_not_a_longer_slug():
    slugs = {CLAIM.kursk, FIGURE.deaths, SOURCE.nis}
    assert restated(f"/claims/{CLAIM.kursk}/", slugs) == {CLAIM.kursk}
    assert restated(f"/figures/{FIGURE.deaths}.json", slugs) == {FIGURE.deaths}
    assert restated(f"/claims/{CLAIM.deaths}/", slugs) == set()
    assert restated("https://www.nis.go.kr/", slugs) == set()
    assert restated(SOURCE.nis, slugs) == {SOURCE.nis}
