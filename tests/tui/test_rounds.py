"""A thematic round from the keyboard: the auditor finds the round's case on the dashboard,
answers its questions, is refused while an answer lacks the comment it needs (the question
named), submits; and the QA lead's rounds screen counts the audit."""

from __future__ import annotations

import sqlite3

from textual.widgets import DataTable, Static

from caseaudit.services.rounds import create_round
from db import open_store
from tests.tui.keys import open_screen, settle, wait_until
from tests.tui.test_audit_keyboard import choose, open_app, type_text
from tui.screens.audit_form import AuditFormScreen
from tui.screens.audit_form_mode import FormMode
from tui.screens.rounds import RoundsScreen
from tui.widgets.problems import ProblemsBox

QUESTIONS = """
name = "Neglect"
[[question]]
id = "neglect-named"
title = "Is neglect named in the plan?"
help = "Look at the latest plan."
[[question]]
id = "home-seen"
title = "Was the home seen?"
answers = ["yes", "no"]
comment_required = ["no"]
"""


def make_round(db_path, tmp_path) -> str:
    questions = tmp_path / "neglect.toml"
    questions.write_text(QUESTIONS, encoding="utf-8")
    lead = open_store(db_path, "lee")
    made = create_round(lead, name="Neglect", questions=questions, day="2024-02-29", size=1, auditors="amy",
                        seed="pilot")
    lead.close()
    return made.round_id


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row(key)] for key in table.rows]


async def test_an_auditor_completes_a_round_audit_from_the_dashboard_and_the_qa_lead_sees_it(db_path, tmp_path):
    round_id = make_round(db_path, tmp_path)
    app = open_app(db_path, "amy")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        assert "Thematic rounds: 1 case for you to audit, 0 done" in str(
            dashboard.query_one("#round-cases", Static).render())
        [[round_words, case_ref, *_rest, done]] = rows(dashboard.query_one("#round-cases-table", DataTable))
        assert round_words == f"{round_id} Neglect" and done == "not started"
        assert app.focused is dashboard.query_one("#round-cases-table")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen) and form.round is not None
        assert app.focused.id == "answer-neglect-named"
        # A round that scores no standards and gives no grade shows neither.
        assert not form.query(".standard-row") and not form.query("#grade-select")

        await choose(pilot, "answer-neglect-named", "partly")
        await choose(pilot, "answer-home-seen", "yes")
        await pilot.press("ctrl+r")
        await settle(pilot)
        box = form.query_one("#audit-problems", ProblemsBox)
        assert "Is neglect named in the plan?: partly needs a comment saying why" in box.text
        assert app.focused.id == "comment-neglect-named"
        assert form.mode is FormMode.DRAFT

        await type_text(pilot, "comment-neglect-named", "named only in the last review")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await wait_until(pilot, lambda: form.mode is FormMode.SUBMITTED, "the round audit submitted")

    db = sqlite3.connect(db_path)
    [(audit_id, status, stored_round)] = db.execute(
        "SELECT audit_id, status, round_id FROM audits WHERE auditor = 'amy'").fetchall()
    assert (status, stored_round) == ("submitted", round_id)
    assert db.execute("SELECT question, answer, comment FROM round_answers ORDER BY question").fetchall() == [
        ("home-seen", "yes", None), ("neglect-named", "partly", "named only in the last review")]

    lead = open_app(db_path, "lee")
    async with lead.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "o", RoundsScreen)
        # Dates read as everywhere else on screen, 29 Feb 2024 (finding 19 of issue 26).
        assert f"{round_id} \u201cNeglect\u201d as at 29 Feb 2024: 1 selected, 1 audited, 0 outstanding" in str(
            screen.query_one("#round-progress", Static).render())
        assert rows(screen.query_one("#rounds-table", DataTable))[0][:3] == [round_id, "Neglect", "29 Feb 2024"]
        assert rows(screen.query_one("#round-progress-table", DataTable)) == [["amy", "1", "1", "1", "0"]]
        answers = rows(screen.query_one("#round-answers-table", DataTable))
        assert ["Is neglect named in the plan?", "yes", "0", "0.0%"] in answers
        assert ["", "partly", "1", "100.0%"] in answers


async def test_the_qa_lead_pastes_references_and_gets_the_pack_with_the_unknown_named(db_path, tmp_path):
    from textual.widgets import Input, TextArea

    from tests.tui.conftest import add_submitted_audit
    from tui.screens.pack import PackScreen

    add_submitted_audit(db_path)
    folder = tmp_path / "packs"
    lead = open_app(db_path, "lee")
    async with lead.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "p", PackScreen)
        assert lead.focused is screen.query_one("#pack-references", TextArea)
        assert screen.query_one("#pack-as-of", Input).value == "1 Mar 2024"  # as the screens write dates
        await pilot.press(*"C-2, 4410", "enter", *"C-1")
        screen.query_one("#pack-folder", Input).value = str(folder)
        await pilot.press("f8")
        await settle(pilot)
        result = str(screen.query_one("#pack-result", Static).render())
        assert "2 of 3 references found" in result and "Not found: 4410" in result
        [written] = folder.iterdir()
        assert written.name == "inspection-pack-2024-03-01.md"
        md = written.read_text()
        assert "## Case C-2" in md and "## Case C-1" in md and "4410" in md.split("\n---\n")[0]
        assert "### Audits (1)" in md and "Rewrite the chronology" not in md  # no free text unless asked
        await pilot.press("f8")  # again: the file is there, so it asks before replacing it
        await settle(pilot)
        from tui.widgets.prompts import Confirm

        assert isinstance(lead.screen, Confirm) and f"Replace {written}?" in lead.screen.question
    history = sqlite3.connect(db_path).execute(
        "SELECT count(*) FROM history WHERE what = 'inspection pack exported'").fetchone()[0]
    assert history == 1


async def test_the_qa_lead_makes_a_round_on_a_screen_and_it_verifies(db_path):
    from tests.tui.keys import tab_to
    from tui.screens.new_round import NewRoundScreen

    lead = open_app(db_path, "lee")
    async with lead.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot, "o", RoundsScreen)
        assert "No thematic round yet" in str(screen.query_one("#rounds-title", Static).render())
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(lead.screen, NewRoundScreen)
        await pilot.press(*"Neglect")
        for field, text in (("round-size", "2"), ("round-auditors", "wes"), ("round-seed", "screen")):
            await tab_to(pilot, field)
            await pilot.press(*text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        # wes holds no auditor role: refused, said, nothing stored, still on the form.
        assert isinstance(lead.screen, NewRoundScreen)
        assert any("wes does not hold the auditor role" in n.message for n in lead._notifications)
        assert open_store(db_path, "lee").row_counts()["rounds"] == 0
        await tab_to(pilot, "round-auditors")
        await pilot.press(*["backspace"] * 3, *"amy")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert lead.screen is screen
        assert rows(screen.query_one("#round-progress-table", DataTable)) == [["amy", "2", "0", "0", "2"]]
    store = open_store(db_path, "lee")
    from caseaudit.services.rounds import verify_round

    made, differences = verify_round(store, "R-000001")
    assert differences == [] and made.seed == "screen" and made.created_by == "lee"
    assert [q.id for q in made.questions.questions] == ["neglect-named"]
