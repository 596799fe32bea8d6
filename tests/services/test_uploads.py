"""An uploaded file's name: the browser's base name only, checked, never a path."""

from __future__ import annotations

import pytest

from audit_tools.errors import BadInput
from caseaudit.services.uploads import upload_name


@pytest.mark.parametrize("typed, kept", [
    ("users.csv", "users.csv"),
    ("C:\\Users\\ada\\Annex A 2025.xlsx", "Annex A 2025.xlsx"),
    ("../../etc/cases.csv", "cases.csv"),
    ("/srv/caseaudit/files/cases.jsonl", "cases.jsonl"),
])
def test_only_the_base_name_is_kept(typed, kept):
    assert upload_name(typed) == kept


@pytest.mark.parametrize("typed, words", [
    ("", "choose a file"),
    (".env.csv", "rename the file"),
    ("cases..csv", "rename the file"),
    ("run.sh", "imports .csv"),
    ("caseaudit.db", "imports .csv"),
    ("a" * 120 + ".csv", "rename the file"),
    ("naïve.csv", "rename the file"),
])
def test_a_strange_name_is_refused_saying_what_to_do(typed, words):
    with pytest.raises(BadInput, match=words):
        upload_name(typed)
