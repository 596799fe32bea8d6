"""Snapshots of the moderation screens at fixed terminal sizes."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.models import Moderation
from caseaudit.services import moderation as ms
from db import open_store
from db.clock import fixed_clock
from tests.support import copy_database
from tests.tui.conftest import build_db
from tests.tui.test_moderation import add_moderated_case
from tests.tui.test_moderation_screens import TODAY, build
from tests.snapshots.test_snap_tui import settled
from tui.app import make_app


def with_moderation(path) -> None:
    build_db(path)
    build(path, moderated=True)


def with_moderated_case(path) -> None:
    build_db(path)
    add_moderated_case(path)


@pytest.fixture
def moderated_db(tmp_path, built):
    return copy_database(built("snap-moderated", with_moderation), tmp_path / "caseaudit.db")


@pytest.fixture
def blind_db(tmp_path):
    # Built for each test, not copied from one built a run: with a copy, the blind re-audit
    # at 80x24 was drawn unscrolled (its focus not yet scrolled to) in whole-suite runs.
    path = tmp_path / "caseaudit.db"
    with_moderated_case(path)
    return path


def test_agreement_80x24(snap_compare, moderated_db):
    async def agreement(pilot):
        await settled(pilot)
        await pilot.press("g")
        await settled(pilot)

    app = make_app(moderated_db, username="lee", today=TODAY)
    assert snap_compare(app, terminal_size=(80, 24), run_before=agreement)


def test_sampling_160x48(snap_compare, tmp_path):
    # Half of the quarter drawn and assigned already; the rest still to preview.
    path = tmp_path / "caseaudit.db"
    build_db(path)
    build(path)
    lee = open_store(path, "lee")
    ms.draw_sample(lee, "2024-25-Q1", "0.5", 1, "board-2024")
    ms.assign_sample(lee, "2024-25-Q1")

    async def sampling(pilot):
        await settled(pilot)
        await pilot.press("s")
        await settled(pilot)

    app = make_app(path, username="lee", today=TODAY)
    assert snap_compare(app, terminal_size=(160, 48), run_before=sampling)


def test_blind_reaudit_80x24(snap_compare, blind_db):
    async def blind(pilot):
        await settled(pilot)
        await pilot.press("m")
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)

    app = make_app(blind_db, username="mo", today=date(2024, 3, 1))
    assert snap_compare(app, terminal_size=(80, 24), run_before=blind)


def test_reconciliation_100x36(snap_compare, blind_db):
    mo = open_store(blind_db, "mo", clock=fixed_clock(date(2024, 3, 20)))
    audit = mo.audits.get("A-000001")
    scores = dict(audit.scores)
    scores["chronology"] = "met"
    scores["voice-of-child"] = "partly_met"
    ms.submit_blind(mo, "A-000001", Moderation(moderator="mo", grade="good", scores=scores,
                                               notes={"voice-of-child": "child's wishes not recorded"}))

    async def reconcile(pilot):
        await settled(pilot)
        await pilot.press("m")
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)

    app = make_app(blind_db, username="mo", today=date(2024, 3, 20))
    assert snap_compare(app, terminal_size=(100, 36), run_before=reconcile)


def test_escalation_to_resolve_80x24(snap_compare, blind_db):
    from tui.screens.moderation.escalations import ResolveEscalationScreen

    mo = open_store(blind_db, "mo", clock=fixed_clock(date(2024, 3, 20)))
    audit = mo.audits.get("A-000001")
    scores = dict(audit.scores)
    scores["voice-of-child"] = "not_met"
    ms.submit_blind(mo, "A-000001", Moderation(moderator="mo", grade="inadequate", scores=scores,
                                               notes={s: "as recorded" for s in scores} | {"voice-of-child": "no direct work with the child"}))
    ms.reconcile(mo, "A-000001", "escalated", None, "two grades apart on the child's voice", "Let us talk")

    async def resolve(pilot):
        await settled(pilot)
        await pilot.app.push_screen(ResolveEscalationScreen("A-000001"))
        await settled(pilot)

    app = make_app(blind_db, username="admin", today=date(2024, 3, 21))
    assert snap_compare(app, terminal_size=(80, 24), run_before=resolve)
