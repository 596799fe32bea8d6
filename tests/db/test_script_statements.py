"""A migration's script run inside its transaction is split into statements in one pass
(db.connection.complete_statements): the same statements SQLite would take one by one, a
semicolon in a string, a comment or a trigger's body ending none."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.connection import complete_statements, connect

TRIGGER = """
CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL DEFAULT 'a; b');
-- a comment; with a semicolon
CREATE TRIGGER notes_guard BEFORE DELETE ON notes BEGIN
    SELECT RAISE(ABORT, 'notes are kept; never removed');
    UPDATE notes SET text = text || ';' WHERE id = OLD.id;
END;
/* another; comment */ INSERT INTO notes (text) VALUES ('x;y');
INSERT INTO notes (text) VALUES ("it's; fine")
"""


def every_prefix(sql: str) -> list[str]:
    """The statements as found by asking SQLite about every prefix, character by character."""
    found, statement = [], ""
    for char in sql:
        statement += char
        if statement.strip() and sqlite3.complete_statement(statement.strip()):
            found.append(statement.strip())
            statement = ""
    if statement.strip():
        found.append(statement.strip())
    return found


def test_semicolons_in_strings_comments_and_triggers_end_no_statement():
    statements = list(complete_statements(TRIGGER))
    assert statements == every_prefix(TRIGGER)
    assert len(statements) == 4
    assert statements[1].startswith("-- a comment; with a semicolon\nCREATE TRIGGER")
    assert statements[1].endswith("END;")
    assert statements[-1] == """INSERT INTO notes (text) VALUES ("it's; fine")"""


PIECES = st.sampled_from(["SELECT 1", ";", " ", "\n", "'", "'a;b'", "-- c;\n", "/* d; */", "CREATE TRIGGER t AFTER "
                          "INSERT ON x BEGIN", "END", "SELECT 2;", '"q;"', "x"])


@settings(max_examples=60, deadline=None)
@given(st.lists(PIECES, max_size=12))
def test_any_script_splits_as_every_prefix_does(pieces):
    sql = "".join(pieces)
    assert list(complete_statements(sql)) == every_prefix(sql)


def test_a_script_in_a_transaction_runs_whole_and_a_bad_one_leaves_nothing(tmp_path):
    db = connect(tmp_path / "s.db")
    db.execute("BEGIN IMMEDIATE")
    db.executescript(TRIGGER.replace('''INSERT INTO notes (text) VALUES ("it's; fine")''', ""))
    db.execute("COMMIT")
    assert [r[0] for r in db.execute("SELECT text FROM notes")] == ["x;y"]
    db.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        db.executescript("INSERT INTO notes (text) VALUES ('kept?'); INSERT INTO nowhere VALUES (1);")
    db.execute("ROLLBACK")
    assert [r[0] for r in db.execute("SELECT text FROM notes")] == ["x;y"]
