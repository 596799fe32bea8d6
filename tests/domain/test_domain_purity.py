"""The domain stays free of Textual and SQL: proved by importing it in a clean interpreter."""

import pkgutil
import subprocess
import sys

import audit_tools


def _modules(package) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def test_audit_tools_imports_neither_textual_nor_sql():
    modules = _modules(audit_tools)
    assert "audit_tools.standards.engine" in modules and "audit_tools.calendar" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlite3', 'sqlite_utils', '_sqlite3'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"audit_tools loaded {proc.stdout.strip()}"
