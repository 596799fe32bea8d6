"""The tests pass in a fresh clone on any machine: they read nothing outside the repository.

The Annex A tests once read the public sample from a folder beside the checkout or from an
absolute path on the machine it was written on; anyone else's `make test` failed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Written in pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join([
    re.escape("/" + "work/"),
    re.escape(".." + "/shared"),
    re.escape('"' + 'shared"'),
    re.escape("'" + "shared'"),
    re.escape("parents[" + "3]"),
]))


def test_no_test_names_a_path_outside_the_repository():
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_annex_a_test_data_carries_its_licence_and_source():
    data = ROOT / "tests" / "data" / "annex_a"
    for name in ("Annex_A.xlsx", "Annex_A_schema.yml", "LICENSE-liia-tools", "SOURCE.md"):
        assert (data / name).is_file(), name
    assert "MIT License" in (data / "LICENSE-liia-tools").read_text(encoding="utf-8")


def test_no_file_named_like_an_in_memory_database_is_tracked():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:  # an exported tree without git: nothing is tracked
        return
    assert ":memory:" not in tracked.stdout.split("\0")
