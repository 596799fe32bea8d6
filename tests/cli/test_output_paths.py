"""A typed path never destroys data: `export themes --out`, `import annex-a --skip-invalid`
and `backup` aimed, as a careless user or an attacker would, at the database, its WAL, a
report someone edited by hand or a planted symbolic link. Each is refused with exit 2
naming the path, and the file is byte-identical afterwards; `--force` replaces a report
but never the database."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from caseaudit.cli import main
from db import open_store
from db.identity import current_username
from tests.domain.test_annex_a import L8, workbook

ME = current_username()
EXPORT = ["export", "themes", "--quarter", "2024-25-Q1", "--format"]


@pytest.fixture
def live(tmp_path, capsys):
    """A database in use: open, so its -wal and -shm files are on disk as they are live."""
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "live.db"
    assert main(["--db", str(db), "init"]) == 0
    users = tmp_path / "users.csv"
    users.write_text(f"username,display_name,roles,team,manages\n{ME},Me,admin;qa_lead,QA,\n"
                     "wes,Wes Worker,,North,\n")
    assert main(["--db", str(db), "import", "users", str(users)]) == 0
    capsys.readouterr()
    store = open_store(db, ME)  # held open by "another person" for the whole test
    store.people.list()
    assert Path(f"{db}-wal").exists()
    yield db
    store.close()


def snapshot(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name)}


def annex_a_with_a_bad_row(tmp_path: Path) -> Path:
    header = ["Child Unique ID", *L8[1:]]
    rows = [[800, "a) Male", "a) WBRI", datetime(2011, 7, 23), 12, datetime(2022, 1, 3), datetime(2024, 2, 1),
             datetime(2024, 3, 1), None, "ZX9 9QQ", "North", "Wes Worker"],
            [801, "a) Male", "a) WBRI", datetime(2011, 7, 23), 12, "not a date", datetime(2024, 2, 1),
             datetime(2024, 3, 1), None, "ZX9 9QQ", "North", "Wes Worker"]]
    return workbook(tmp_path / "annex.xlsx", {"CLA": (header, rows)})


def spellings(db: Path) -> list[str]:
    """The database and its companions, as typed and as other spellings of the same file."""
    os.link(db, db.parent / "hardlink.db")
    return [str(db), f"{db}-wal", f"{db}-shm", f"{db}-journal",
            str(db.parent / ".." / db.parent.name / db.name), str(db.parent / "hardlink.db")]


def commands(db: Path, target: str, tmp_path: Path) -> list[list[str]]:
    annex = annex_a_with_a_bad_row(tmp_path)
    return [
        *[["--db", str(db), *EXPORT, fmt, "--out", target] for fmt in ("json", "md", "xlsx")],
        ["--db", str(db), "import", "annex-a", str(annex), "--skip-invalid", target],
        ["--db", str(db), "backup", target],
    ]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_the_database_and_its_companions_are_never_a_target(live, tmp_path, capsys, force):
    targets = spellings(live)
    for target in targets:
        for argv in commands(live, target, tmp_path):
            before = snapshot(live)
            code = main([*argv, *force])
            err = capsys.readouterr().err
            assert code == 2, (argv, err)
            assert err.startswith(f"caseaudit: {target}: is the caseaudit database"), err
            assert "nothing was written" in err
            assert snapshot(live) == before, argv
    assert not Path(f"{live}-journal").exists()
    assert sorted(p.name for p in live.parent.iterdir()) == ["hardlink.db", "live.db", "live.db-shm", "live.db-wal"]
    store = open_store(live, ME)
    assert store.cases.get("800") is None  # the refused rejects path stopped the import too


def test_a_symbolic_link_to_the_database_is_refused_even_with_force(live, tmp_path, capsys):
    link = tmp_path / "report.json"
    link.symlink_to(live)
    before = snapshot(live)
    for argv in commands(live, str(link), tmp_path):
        for force in ([], ["--force"]):
            assert main([*argv, *force]) == 2
            assert f"caseaudit: {link}: is the caseaudit database" in capsys.readouterr().err
    assert snapshot(live) == before and link.is_symlink()


def test_an_existing_file_is_kept_byte_for_byte_without_force(live, tmp_path, capsys):
    paper = tmp_path / "board-paper.md"
    paper.write_bytes(b"last quarter's paper, edited by hand\r\n")
    for argv in commands(live, str(paper), tmp_path):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err == f"caseaudit: {paper}: already exists; nothing was written (give --force to replace it)\n"
        assert paper.read_bytes() == b"last quarter's paper, edited by hand\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annex.xlsx", "board-paper.md", "data", "users.csv"]


@pytest.mark.parametrize("fmt", ["json", "md", "xlsx"])
def test_force_replaces_a_report(live, tmp_path, capsys, fmt):
    paper = tmp_path / f"q1.{fmt}"
    paper.write_bytes(b"old")
    assert main(["--db", str(live), *EXPORT, fmt, "--out", str(paper), "--force"]) == 0
    assert paper.read_bytes() != b"old" and paper.stat().st_size > 100


def test_force_replaces_the_rejects_file_and_a_backup(live, tmp_path, capsys):
    rejects, copy = tmp_path / "rejects.csv", tmp_path / "copy.db"
    rejects.write_text("old")
    copy.write_text("old")
    annex = annex_a_with_a_bad_row(tmp_path)
    assert main(["--db", str(live), "import", "annex-a", str(annex), "--skip-invalid", str(rejects), "--force"]) == 0
    assert rejects.read_text().startswith("sheet,row,list,child_unique_id,reasons")
    assert main(["--db", str(live), "backup", str(copy), "--force"]) == 0
    assert copy.read_bytes()[:16] == b"SQLite format 3\x00"


def test_a_planted_symbolic_link_is_not_followed(live, tmp_path, capsys):
    """Someone plants report.json -> their own file: without --force it is refused; with it
    the link itself is replaced by the report and the file it pointed at is untouched."""
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours to overwrite")
    for argv_of in (lambda out: ["--db", str(live), *EXPORT, "json", "--out", out],
                    lambda out: ["--db", str(live), "import", "annex-a", str(annex_a_with_a_bad_row(tmp_path)),
                                 "--skip-invalid", out],
                    lambda out: ["--db", str(live), "backup", out]):
        link = tmp_path / "planted"
        link.unlink(missing_ok=True)
        link.symlink_to(victim)
        assert main(argv_of(str(link))) == 2
        assert "already exists" in capsys.readouterr().err
        assert link.is_symlink() and victim.read_text() == "not yours to overwrite"
        assert main([*argv_of(str(link)), "--force"]) == 0, capsys.readouterr().err
        assert not link.is_symlink() and link.stat().st_size > 0
        assert victim.read_text() == "not yours to overwrite"


def test_a_dangling_symbolic_link_is_not_followed_to_create_a_file(live, tmp_path, capsys):
    target = tmp_path / "elsewhere" / "created-by-attacker.json"
    target.parent.mkdir()
    link = tmp_path / "report.json"
    link.symlink_to(target)
    assert main(["--db", str(live), *EXPORT, "json", "--out", str(link)]) == 2
    assert not target.exists()


def test_csv_needs_force_for_an_existing_folder_and_deletes_nothing_else(live, tmp_path, capsys):
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"the council's own")
    argv = ["--db", str(live), *EXPORT, "csv", "--out", str(folder)]
    assert main(argv) == 2
    assert "the folder already exists; nothing was written" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["budget.xlsx"]
    assert main([*argv, "--force"]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert "budget.xlsx" in names and "standards.csv" in names
    assert (folder / "budget.xlsx").read_bytes() == b"the council's own"


def test_csv_into_the_databases_folder_never_touches_the_database(live, tmp_path, capsys):
    before = set(snapshot(live))
    assert main(["--db", str(live), *EXPORT, "csv", "--out", str(live.parent), "--force"]) == 0
    assert set(snapshot(live)) == before
    assert (live.parent / "standards.csv").exists()
    assert main(["--db", str(live), "verify"]) == 0  # the export's history entry, and nothing else


def test_csv_refuses_a_symbolic_link_as_its_folder(live, tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "tables"
    link.symlink_to(real)
    assert main(["--db", str(live), *EXPORT, "csv", "--out", str(link), "--force"]) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert list(real.iterdir()) == []
