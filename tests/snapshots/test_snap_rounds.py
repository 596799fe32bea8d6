"""Snapshots of the thematic round screens: the
QA lead's rounds screen with a round half done, the round audit form, and the pack screen,
at 80×24."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.models import Case, RoundAnswer
from audit_tools.rounds import parse_questions
from caseaudit.services import audits as audit_service
from caseaudit.services.rounds import create_round
from db import open_store
from db.clock import fixed_clock
from tests.snapshots.test_snap_tui import settled
from tests.support import copy_database
from tests.tui.conftest import TODAY, build_db
from tui.app import make_app

QUESTIONS = """
name = "Neglect"
[[question]]
id = "neglect-named"
title = "Is neglect recognised and named in the assessment?"
help = "Look at the latest assessment and plan."
[[question]]
id = "home-seen"
title = "Was the home seen?"
answers = ["yes", "no"]
comment_required = ["no"]
"""


def build(path) -> None:
    build_db(path)
    store = open_store(path, "admin")
    store.cases.upsert([Case(case_ref=f"S-{i}", case_type="CIN", start_date=date(2024, 1, 2), team="south",
                             worker="sid", line_manager="sue") for i in (1, 2)])
    store.close()
    lead = open_store(path, "lee")
    made = create_round(lead, name="Neglect, spring", questions=parse_questions(QUESTIONS), day=TODAY, size=4,
                        auditors="amy,max", seed="snap")
    lead.close()
    amy = open_store(path, "amy", clock=fixed_clock(TODAY))  # submitted on the screen's day
    ref = next(s.case_ref for s in made.selected if s.auditor == "amy")
    audit = audit_service.audit_context(amy, amy.user, amy.reference.catalogue_for(), TODAY, case_ref=ref,
                                        round_id=made.round_id).audit
    audit = audit.model_copy(update={"answers": {"neglect-named": RoundAnswer(answer="partly", comment="late"),
                                                 "home-seen": RoundAnswer(answer="yes")}})
    audit_service.submit_audit(amy, audit, None)
    amy.close()


@pytest.fixture
def db(tmp_path, built):
    return copy_database(built("snap-round", build), tmp_path / "caseaudit.db")


def press(*keys: str):
    async def run(pilot) -> None:
        await settled(pilot)
        for key in keys:
            await pilot.press(key)
            await settled(pilot)
        for box in pilot.app.screen.query("Input, TextArea"):
            box.cursor_blink = False
        await settled(pilot)

    return run


def app_for(db, username: str):
    app = make_app(db, username=username, today=TODAY)
    app.animation_level = "none"
    return app


def test_rounds_80x24(snap_compare, db):
    assert snap_compare(app_for(db, "lee"), terminal_size=(80, 24), run_before=press("o"))


def test_round_audit_form_80x24(snap_compare, db):
    # max's round case, from the dashboard's thematic rounds list
    assert snap_compare(app_for(db, "max"), terminal_size=(80, 24), run_before=press("enter"))


def test_pack_80x24(snap_compare, db):
    assert snap_compare(app_for(db, "lee"), terminal_size=(80, 24), run_before=press("p"))
