"""No screen and no command decides a permission: role checks live in the policy
(audit_tools/permissions/), in the services that ask it, and in db/ where the store asks
the same policy. This reads every module of tui/ and caseaudit/cli/ and fails on anything
that decides who may: a `.has(role)` call, a test of membership in `.roles`, a `Role.x`
compared or passed anywhere but the words that name a role on screen, or a call of the
policy's deciding functions (a front end reads flags from a service's view instead)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = sorted([*ROOT.glob("tui/**/*.py"), *ROOT.glob("caseaudit/cli/**/*.py")])
DECIDING = {"decide", "require", "allowed", "offered", "ever", "blind_audits", "may_act", "may_set_password",
            "check_raise", "sees_all"}
# The one place a front end may name roles: the words the header shows for them.
ROLE_WORDS_ONLY = {("tui/app.py", "ROLE_WORDS")}


def decisions(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    found: list[str] = []
    allowed_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and (rel, t.id) in ROLE_WORDS_ONLY for t in targets):
                allowed_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "has":
            found.append(f"{rel}:{line}: .has(...) decides a role")
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            if any(isinstance(c, ast.Attribute) and c.attr == "roles" for c in node.comparators):
                found.append(f"{rel}:{line}: a test of membership in .roles")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role":
            if line not in allowed_lines:
                found.append(f"{rel}:{line}: Role.{node.attr} outside the words that name roles")
        if isinstance(node, ast.ImportFrom) and node.module is not None and any(
                node.module == policy or node.module.startswith(policy + ".")
                for policy in ("audit_tools.permissions", "caseaudit.services.access")):
            for alias in node.names:
                if alias.name in DECIDING:
                    found.append(f"{rel}:{line}: imports the policy's {alias.name}")
        if isinstance(node, ast.Call):
            # A bare decide(...) or permissions.decide(...) decides; access.offered(...) reads
            # the service's answer, which is what a front end should do.
            func = node.func
            if isinstance(func, ast.Name) and func.id in DECIDING:
                found.append(f"{rel}:{line}: calls {func.id}(...)")
            if (isinstance(func, ast.Attribute) and func.attr in DECIDING and isinstance(func.value, ast.Name)
                    and func.value.id == "permissions"):
                found.append(f"{rel}:{line}: calls permissions.{func.attr}(...)")
    return found


def test_the_front_ends_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in FRONT_ENDS}
    assert {"tui/app.py", "tui/screens/actions.py", "tui/screens/audit_form.py", "tui/screens/case_detail.py",
            "caseaudit/cli/moderation.py", "caseaudit/cli/allocation.py"} <= names


@pytest.mark.parametrize("path", FRONT_ENDS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_front_end_module_decides_a_permission(path):
    assert decisions(path) == []


def test_the_check_catches_a_screen_that_decides(tmp_path, monkeypatch):
    """The checker itself: each way of deciding is caught (so a pass above means something)."""
    import tests.test_no_decisions_in_front_ends as me

    fake = tmp_path / "tui" / "screens" / "bad.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        "from audit_tools.permissions import decide\n"
        "from audit_tools.models import Role\n"
        "def f(user):\n"
        "    if user.has(Role.qa_lead):\n"
        "        return 1\n"
        "    if Role.admin in user.roles:\n"
        "        return 2\n"
        "    return decide(user, 'x')\n", encoding="utf-8")
    monkeypatch.setattr(me, "ROOT", tmp_path)
    found = decisions(fake)
    kinds = " | ".join(found)
    for words in ("imports the policy's decide", ".has(...) decides a role", "a test of membership in .roles",
                  "Role.qa_lead outside", "Role.admin outside", "calls decide(...)"):
        assert words in kinds, (words, found)
