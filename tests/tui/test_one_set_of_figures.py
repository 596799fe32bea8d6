"""One quarter, one set of moderation figures: the sampling, reports and agreement screens and
every export format read the same sampled / moderated / reconciled (docs/moderation.md).

The quarter 2024-25 Q1 holds six audits. Two were moderated before any sample (brought in
with their moderation, as `import audits` does): A-000005 reconciled, A-000006 re-audited
only. The sample then took the other four; of those A-000001 is reconciled and A-000002
re-audited, A-000003 and A-000004 wait. So: 4 sampled, 4 moderated (2 from the sample,
2 outside it), 2 reconciled, and 4 agreement pairs.
"""

from __future__ import annotations

import csv
import json
from datetime import date

from textual.widgets import DataTable, Select, Static

from audit_tools.models import Audit, Moderation, Role, User
from audit_tools.quarters import Quarter
from audit_tools.standards import evaluate, load_catalogue
from caseaudit.services import moderation as ms
from caseaudit.services.sampling_view import sampling_view
from caseaudit.services.themes import export_themes_report, themes_for
from db import open_store
from tests.tui.conftest import cp_case
from tests.tui.keys import settle
from tui.app import make_app
from tui.screens.agreement import AgreementScreen
from tui.screens.reports import ReportsScreen
from tui.screens.sampling import SamplingScreen

TODAY = date(2024, 6, 28)
Q1 = Quarter.parse("2024-25-Q1")
WORDS = "4 sampled, 4 moderated (2 from the sample, 2 outside it), 2 reconciled"
KNOWN = {"sampled": 4, "moderated": 4, "reconciled": 2, "sample_moderated": 2}


def _scores() -> dict[str, str]:
    case = cp_case()
    return {r.standard: (r.status.value if r.status else "met")
            for r in evaluate(case, date(2024, 2, 29), load_catalogue(None)).results}


def _moderation(grade: str, outcome: str | None) -> Moderation:
    return Moderation(moderator="mo", moderated_on=date(2024, 6, 10), grade=grade, outcome=outcome,
                      scores=_scores(), feedback="thanks" if outcome else None)


def build(db_path) -> None:
    store = open_store(db_path, "admin")
    store.people.upsert([
        User(username="mo", display_name="Mo Moderator", roles=[Role.moderator], team="south"),
        User(username="quinn", display_name="Quinn Lead", roles=[Role.qa_lead], team="qa"),
    ])
    cases = [cp_case(f"C-{i}") for i in range(3, 9)]
    store.cases.upsert(cases)
    audits = []
    for i, case in enumerate(cases, start=1):
        moderation = {5: _moderation("good", "agreed"), 6: _moderation("requires_improvement", None)}.get(i)
        audits.append(Audit(audit_id=f"A-{i:06d}", case_ref=case.case_ref, auditor="amy",
                            as_of=date(2024, 4, 30), submitted_on=date(2024, 5, i), grade="good",
                            scores=_scores(), moderation=moderation))
    store.audits.insert(audits)
    store.close()
    lead = open_store(db_path, "quinn")
    ms.draw_sample(lead, Q1, rate="1", minimum=1, seed="one-set")
    lead.close()
    mo = open_store(db_path, "mo")
    mo.moderation.save("A-000001", _moderation("good", "agreed"))
    mo.moderation.save("A-000002", _moderation("inadequate", None))
    mo.close()


def _exports(store, folder) -> dict[str, dict[str, int]]:
    """The four figures as each export format writes them."""
    from openpyxl import load_workbook

    got = {}
    path = export_themes_report(store, Q1, "json", folder / "t.json")
    doc = json.loads(path.read_text(encoding="utf-8"))["moderation"]
    got["json"] = {k: doc[k] for k in KNOWN}
    path = export_themes_report(store, Q1, "csv", folder / "csv")
    with (path / "moderation.csv").open(encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["quarter"] == Q1.code)
    got["csv"] = {k: int(row[k]) for k in KNOWN}
    path = export_themes_report(store, Q1, "xlsx", folder / "t.xlsx")
    rows = list(load_workbook(path, read_only=True)["moderation"].values)
    xlsx = dict(zip(rows[0], rows[1]))
    assert xlsx["Quarter"] == Q1.label
    headings = {"sampled": "Sampled", "moderated": "Moderated", "reconciled": "Reconciled",
                "sample_moderated": "Moderated from the sample"}
    got["xlsx"] = {k: xlsx[headings[k]] for k in KNOWN}
    md = export_themes_report(store, Q1, "md", folder / "t.md").read_text(encoding="utf-8")
    assert WORDS in md
    section = md.split("### Moderation sample and agreement")[1]
    table = next(line for line in section.splitlines() if line.startswith(f"| {Q1.label} |"))
    cells = [c.strip() for c in table.strip("|").split("|")]
    got["md"] = {"sampled": int(cells[1]), "moderated": int(cells[2]), "reconciled": int(cells[3]),
                 "sample_moderated": int(cells[4])}
    return got


async def test_every_screen_and_export_counts_the_quarter_alike(db_path, tmp_path):
    build(db_path)
    store = open_store(db_path, "quinn")

    # The services the screens read.
    assert vars(sampling_view(store, Q1, "0.1", "1").figures) == KNOWN
    report = themes_for(store, Q1).moderation
    assert {k: getattr(report, k) for k in KNOWN} == KNOWN
    assert ms.quarter_agreement(store, Q1).pairs == KNOWN["moderated"]
    states = [r.state for r in ms.progress(store, Q1)]
    assert sorted(states) == ["reconciled", "to reconcile", "unassigned", "unassigned"]

    # Every export format.
    for fmt, figures in _exports(store, tmp_path).items():
        assert figures == KNOWN, fmt
    store.close()

    # The screens themselves.
    app = make_app(db_path, username="quinn", today=TODAY)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.push_screen(SamplingScreen())
        await settle(pilot)
        assert f"Moderation this quarter: {WORDS}." in str(app.screen.query_one("#sampling-summary", Static).render())
        assert "1 to reconcile, 1 reconciled" in str(app.screen.query_one("#sampling-progress-title",
                                                                          Static).render())

        app.push_screen(AgreementScreen(Q1))
        await settle(pilot)
        summary = str(app.screen.query_one("#agreement-summary", Static).render())
        assert f"Moderation this quarter: {WORDS}." in summary and "4 pairs" in summary

        app.push_screen(ReportsScreen(export_folder=tmp_path / "out"))
        await settle(pilot)
        app.screen.query_one("#reports-quarter", Select).value = Q1.code
        await settle(pilot)
        table = app.screen.query_one("#reports-moderation", DataTable)
        shown = {str(table.get_row_at(i)[0]).strip(): str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert shown["Audits sampled"] == "4"
        assert shown["Audits moderated (agreement pairs)"] == "4"
        assert shown["of them from the sample"] == "2"
        assert shown["Moderations reconciled"] == "2"
