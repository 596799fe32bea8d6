"""docs/permissions.md is the policy's own table: it cannot drift from audit_tools.permissions."""

from __future__ import annotations

from pathlib import Path

from audit_tools.permissions import RULES, Op, policy_table

PAGE = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
START = "<!-- policy table: generated from audit_tools/permissions.py -->\n"
END = "<!-- end of policy table -->"


def test_the_page_shows_the_table_the_policy_makes():
    text = PAGE.read_text(encoding="utf-8")
    table = text.split(START, 1)[1].split(END, 1)[0]
    assert table == policy_table(), (
        "docs/permissions.md differs from audit_tools/permissions.py; regenerate the table with "
        "python -c \"from audit_tools.permissions import policy_table; print(policy_table(), end='')\"")


def test_every_operation_has_a_rule_and_a_row():
    assert set(RULES) == set(Op)
    table = policy_table()
    for op in Op:
        assert f"| `{op.value}` (" in table
