"""A history rewritten by someone who knows how the chain is built: every hash recomputed
after an edit. Plain verify cannot tell (the chain is whole again); a head published
earlier (`caseaudit history head`, printed in a board paper) can."""

from __future__ import annotations

import json
import sqlite3

import pytest

from caseaudit.cli import main
from db.history import GENESIS, entry_hash
from tests.support import raw_connection, admin_store


def rewrite_chain(path, entry_id: int, new_details: dict) -> None:
    """Edit one entry and recompute every hash from it on, the guard triggers dropped first."""
    conn = raw_connection(path)
    triggers = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'history'")]
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE history SET details = ? WHERE id = ?",
                 [json.dumps(new_details, sort_keys=True, separators=(",", ":")), entry_id])
    prev = GENESIS
    for row_id, at, actor, what, details, state in conn.execute(
            "SELECT id, at, actor, what, details, state FROM history ORDER BY id").fetchall():
        digest = entry_hash(prev, row_id, at, actor, what, json.loads(details), state and json.loads(state))
        conn.execute("UPDATE history SET prev_hash = ?, hash = ? WHERE id = ?", [prev, digest, row_id])
        prev = digest
    conn.commit()
    conn.close()


def head(path, capsys) -> str:
    assert main(["--db", str(path), "history", "head"]) == 0
    return capsys.readouterr().out.strip()


def test_a_recomputed_chain_passes_plain_verify_but_not_the_published_head(tmp_path, capsys):
    path = tmp_path / "caseaudit.db"
    admin_store(path).close()  # coverage taken, first admin, users imported, a case imported: four entries
    published = head(path, capsys)
    entry, digest = published.split(":")
    assert entry == "4" and len(digest) == 64

    rewrite_chain(path, 3, {"users": []})  # the users import, made to say nobody was imported

    assert main(["--db", str(path), "verify"]) == 0  # the chain alone is whole again
    capsys.readouterr()
    assert main(["--db", str(path), "verify", "--against", published]) == 1
    err = capsys.readouterr().err
    assert f"caseaudit: history: the history up to entry 4 is not the one published as {published}" in err
    assert "entries 1 to 4 were changed and the chain recomputed" in err


def test_an_unchanged_history_matches_its_published_head_after_more_entries(tmp_path, capsys):
    path = tmp_path / "caseaudit.db"
    store = admin_store(path)
    published = head(path, capsys)
    store.record("themes exported", {"quarter": "2024-25-Q1"})  # history moves on after the paper
    store.close()
    assert main(["--db", str(path), "verify", "--against", published]) == 0
    out = capsys.readouterr().out
    assert f"the history up to entry {published.split(':')[0]} is the one published with that head" in out


def test_a_head_beyond_the_history_means_entries_were_removed(tmp_path, capsys):
    path = tmp_path / "caseaudit.db"
    admin_store(path).close()
    assert main(["--db", str(path), "verify", "--against", "9:" + "a" * 64]) == 1
    assert "entry 9 of the published head is not in the history, which ends at entry 4" in capsys.readouterr().err


def test_a_malformed_head_is_bad_input(tmp_path, capsys):
    path = tmp_path / "caseaudit.db"
    admin_store(path).close()
    with pytest.raises(SystemExit) as exit:
        main(["--db", str(path), "verify", "--against", "three:abc"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "invalid head 'three:abc': expected ENTRY:HASH" in err


@pytest.mark.parametrize("fmt", ["json", "md", "xlsx"])
def test_the_board_paper_carries_the_head_it_can_be_checked_against(tmp_path, capsys, fmt):
    path = tmp_path / "caseaudit.db"
    admin_store(path).close()
    published = head(path, capsys)
    out = tmp_path / f"paper.{fmt}"
    assert main(["--db", str(path), "export", "themes", "--quarter", "2024-25-Q1", "--format", fmt,
                 "--out", str(out)]) == 0
    capsys.readouterr()
    if fmt == "json":
        assert json.loads(out.read_text("utf-8"))["history_head"] == published
    elif fmt == "md":
        assert f"`caseaudit verify --against {published}`" in out.read_text("utf-8")
    else:
        from openpyxl import load_workbook

        rows = {r[0]: r[1] for r in load_workbook(out, read_only=True)["report"].iter_rows(values_only=True)}
        assert rows["history head"] == published
    assert main(["--db", str(path), "verify", "--against", published]) == 0  # after the export's own entry


def test_a_head_recorded_inside_the_history_is_checked_against_the_chain(tmp_path, capsys):
    """A board paper's export records the head it printed (`history_head` in its entry): a chain
    rewritten before that head and recomputed to the end is whole, but no longer passes through
    the head the history itself recorded, and verify names the entry that recorded it."""
    path = tmp_path / "caseaudit.db"
    store = admin_store(path)
    entry, digest = head(path, capsys).split(":")
    anchor = store.record("themes exported", {"quarter": "2024-25-Q1", "history_head": f"{entry}:{digest}"})
    store.record("themes exported", {"quarter": "2024-25-Q2"})  # the history moves on
    store.close()
    assert main(["--db", str(path), "verify"]) == 0
    capsys.readouterr()

    rewrite_chain(path, 3, {"users": []})  # before the recorded head, every hash recomputed

    assert main(["--db", str(path), "verify"]) == 1
    err = capsys.readouterr().err
    assert (f"caseaudit: history entry {anchor} recorded the head {entry}:{digest}, but the chain's hash at "
            f"entry {entry} is now ") in err
    assert f"entries up to {entry} were changed and the chain recomputed after that head was recorded" in err
    assert "is broken" not in err  # the chain itself is whole: only the recorded head gives it away


def test_a_recorded_head_whose_entries_were_cut_off_is_named(tmp_path, capsys):
    path = tmp_path / "caseaudit.db"
    store = admin_store(path)
    anchor = store.record("themes exported", {"quarter": "2024-25-Q1", "history_head": "40:" + "b" * 64})
    store.close()
    assert main(["--db", str(path), "verify"]) == 1
    assert (f"caseaudit: history entry {anchor} recorded the head 40:{'b' * 64}, but entry 40 is not in the "
            "history: entries have been removed") in capsys.readouterr().err
