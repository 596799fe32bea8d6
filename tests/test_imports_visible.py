"""A module's dependencies are read at its top. An import inside a function is allowed only
where it says why, in a comment on its line or the line above (a run of imports one after
another shares one comment): the module is heavy and rarely needed on that path (openpyxl,
the web server, Textual for a command that draws nothing, a screen opened on demand), or a
top import would be a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("audit_tools", "db", "caseaudit", "tui", "sample_audits")

# Modules whose function-level imports are still being reworked elsewhere (start-up speed of
# the app and the browser app, the history's redaction, the audit form's split). This list
# must shrink to nothing: take a module off it once its imports are at the top or say why.
NOT_YET_HELD = {
    "audit_tools/exporters/xlsx_export.py",
    "caseaudit/cli/record.py",
    "db/history.py",
    "db/history_audits.py",
    "tui/app.py",
    "tui/router.py",
    "tui/screens/audit_form_submit.py",
    "tui/served.py",
}


def _function_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(tree, False)
    return found


def unexplained_imports(source: str) -> list[int]:
    """Line numbers of the imports inside functions that give no reason."""
    lines = source.splitlines()
    imports = _function_imports(ast.parse(source))
    spans = {(n.lineno, n.end_lineno or n.lineno) for n in imports}

    def commented(first: int, last: int) -> bool:
        return any("#" in lines[i - 1] for i in range(first, last + 1))

    bad = []
    for first, last in sorted(spans):
        # The run of imports this one belongs to: the imports straight above it.
        start = first
        above = [s for s in spans if s[1] == start - 1]
        run = [(first, last)]
        while above:
            run.append(above[0])
            start = above[0][0]
            above = [s for s in spans if s[1] == start - 1]
        explained = any(commented(a, b) for a, b in run) or (
            start > 1 and lines[start - 2].strip().startswith("#"))
        if not explained:
            bad.append(first)
    return bad


def test_every_import_inside_a_function_says_why() -> None:
    unexplained = []
    for room in PRODUCT:
        for path in sorted((ROOT / room).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in NOT_YET_HELD:
                continue
            unexplained += [f"{name}:{line}" for line in unexplained_imports(path.read_text(encoding="utf-8"))]
    assert not unexplained, (
        "imports inside functions with no reason given (move them to the top, or say on the line "
        "or the line above why not: heavy and rarely needed, or a cycle):\n" + "\n".join(unexplained))


def test_the_list_of_modules_not_yet_held_names_only_modules_that_still_need_it() -> None:
    for name in sorted(NOT_YET_HELD):
        path = ROOT / name
        assert path.exists(), f"{name} is gone: take it off NOT_YET_HELD"
        assert unexplained_imports(path.read_text(encoding="utf-8")), (
            f"{name} says why for every import inside a function: take it off NOT_YET_HELD")


def test_the_check_finds_an_unexplained_import_and_accepts_a_reason() -> None:
    source = (
        "import os\n"
        "\n"
        "def bare():\n"
        "    from json import dumps\n"
        "    return dumps\n"
        "\n"
        "def same_line():\n"
        "    from json import dumps  # lazy: only this path needs it\n"
        "    return dumps\n"
        "\n"
        "def line_above():\n"
        "    # at call time: a top import would be a cycle\n"
        "    from json import dumps\n"
        "    from json import loads\n"
        "    return dumps, loads\n"
        "\n"
        "class Screen:\n"
        "    def method(self):\n"
        "        if self:\n"
        "            import csv\n"
        "        return csv\n"
    )
    assert unexplained_imports(source) == [4, 20]
