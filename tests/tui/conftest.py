"""Small test databases for the terminal application, built in tmp_path."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from audit_tools.models import Case, Event, EventKind, Role, User
from db import open_store

TODAY = date(2024, 3, 1)

USERS = [
    User(username="admin", display_name="Ada Admin", roles=[Role.admin], team="qa"),
    User(username="amy", display_name="Amy Auditor", roles=[Role.auditor], team="qa"),
    User(username="max", display_name="Max Manager", roles=[Role.auditor], team="north"),
    User(username="wes", display_name="Wes Worker", roles=[], team="north"),
    User(username="lee", display_name="Lee Lead", roles=[Role.auditor, Role.qa_lead], team="qa"),
]


def cp_case(ref: str = "C-1") -> Case:
    visits = ["2024-01-05", "2024-01-15", "2024-01-26", "2024-02-07", "2024-02-19", "2024-02-28"]
    events = [Event(kind=EventKind.visit, date=date.fromisoformat(d), seen_alone=True) for d in visits]
    events += [Event(kind=EventKind.supervision, date=date.fromisoformat(d))
               for d in ["2024-01-10", "2024-02-05", "2024-02-28"]]
    events.append(Event(kind=EventKind.chronology, date=date(2024, 2, 1)))
    return Case(case_ref=ref, case_type="CP", start_date=date(2024, 1, 2), team="north",
                worker="wes", line_manager="max", events=events)


def build_db(path, cases: list[Case] | None = None) -> None:
    store = open_store(path, "admin")
    store.people.ensure_admin("Ada Admin")
    store.people.upsert(USERS)
    cases = cases if cases is not None else [cp_case("C-1"), cp_case("C-2")]
    store.cases.upsert(cases)  # cases given with events bring their events
    store.close()


@pytest.fixture(scope="session")
def built_db(tmp_path_factory):
    """The small database built once per run (per xdist worker): no test writes to it."""
    path = tmp_path_factory.mktemp("built") / "caseaudit.db"
    build_db(path)
    return path


@pytest.fixture
def db_path(tmp_path, built_db):
    """A test's own copy of the small database: a file copy, not a build per test (the
    build is a tenth of a second; about a hundred Pilot tests take one). copy2 keeps the
    file's private mode. The build closed the store, so the file is whole, no -wal beside it."""
    path = tmp_path / "caseaudit.db"
    shutil.copy2(built_db, path)
    return path


def add_submitted_audit(path) -> None:
    """One submitted audit of C-2 by amy, with an overdue action she owns and one done."""
    from audit_tools.models import Action, Audit, Grade, Status, Themes
    from audit_tools.standards import evaluate, load_catalogue

    store = open_store(path, "admin")
    case = store.cases.get("C-2")
    as_of = date(2024, 2, 1)
    report = evaluate(case, as_of, load_catalogue())
    scores = {r.standard: (r.status or Status.met) for r in report.results}
    scores["chronology"] = Status.not_met
    audit = Audit(
        audit_id="A-0001", case_ref="C-2", auditor="amy", as_of=as_of, submitted_on=as_of,
        grade=Grade.requires_improvement, scores=scores,
        automatic={r.standard: r.status for r in report.results},
        override_reasons={"chronology": "the chronology lists visits and nothing else"},
        notes={"chronology": "no analysis"},
        themes=Themes(strengths=["visits"], improvements=["chronology"]),
        actions=[
            Action(description="Rewrite the chronology", owner="amy", due=date(2024, 2, 20),
                   standard="chronology"),
            Action(description="Discuss in supervision", owner="max", due=date(2024, 2, 15),
                   completed_on=date(2024, 2, 14)),
        ],
        catalogue_version=load_catalogue().version,
    )
    store.audits.insert([audit])
    store.close()


def add_imported_audit(path, tmp_path) -> str:
    """A historic audit of C-1 by amy, brought in with `caseaudit import audits`: its
    chronology was scored partly met where the automatic status is met. Returns its id."""
    import json

    from audit_tools.standards import evaluate, load_catalogue
    from caseaudit.cli import main
    from db.identity import current_username

    store = open_store(path, "admin")
    # The command line acts as the operating-system user, who must be an admin to import.
    store.people.upsert([User(username=current_username(), display_name="Ian Importer",
                              roles=[Role.admin], team="qa")])
    report = evaluate(store.cases.get("C-1"), date(2024, 2, 1), load_catalogue())
    store.close()
    scores = {r.standard: (r.status.value if r.status else "met") for r in report.results}
    scores["chronology"] = "partly_met"
    line = {"audit_id": "H-0001", "case_ref": "C-1", "auditor": "amy", "as_of": "2024-02-01",
            "submitted_on": "2024-02-02", "grade": "good", "scores": scores,
            "notes": {"chronology": "events listed, no analysis"},
            "themes": {"strengths": [], "improvements": []}, "actions": []}
    file = tmp_path / "historic-audits.jsonl"
    file.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert main(["--db", str(path), "import", "audits", str(file)]) == 0
    return "H-0001"
