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
        assert f"{round_id} \u201cNeglect\u201d as at 2024-02-29: 1 selected, 1 audited, 0 outstanding" in str(
            screen.query_one("#round-progress", Static).render())
        assert rows(screen.query_one("#round-progress-table", DataTable)) == [["amy", "1", "1", "1", "0"]]
        answers = rows(screen.query_one("#round-answers-table", DataTable))
        assert ["Is neglect named in the plan?", "yes", "0", "0.0%"] in answers
        assert ["", "partly", "1", "100.0%"] in answers
