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
            unexplained += [f"{name}:{line}" for line in unexplained_imports(path.read_text(encoding="utf-8"))]
    assert not unexplained, (
        "imports inside functions with no reason given (move them to the top, or say on the line "
        "or the line above why not: heavy and rarely needed, or a cycle):\n" + "\n".join(unexplained))


def test_the_check_finds_an_unexplained_import_and_accepts_a_reason() -> None:
    planted = "def f():\n    import json\n    return json\n"
    assert unexplained_imports(planted) == [2]
    assert unexplained_imports("def f():\n    import json  # heavy, rarely needed\n") == []
    assert unexplained_imports("def f():\n    # a cycle: json imports this module\n    import json\n"
                               "    import csv\n") == []
    assert unexplained_imports("import json\n\ndef f():\n    return json\n") == []
