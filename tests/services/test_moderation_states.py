"""The services take a moderation's steps through the domain's states, and read the
standards of the catalogue the audit was scored against, telling a broken one as it is."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.models import User
from audit_tools.moderation import ModerationState
from audit_tools.standards import load_catalogue
from caseaudit.services import moderation, moderation_views
from db import open_store
from tests.support import admin_store, clock_on, full_blind, make_audit, raw_connection

TODAY = date(2024, 5, 20)


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "caseaudit.db"
    root = admin_store(path, clock=clock_on(TODAY))
    root.people.upsert([User(username="mo", display_name="Mo", roles=["moderator"], team="QA"),
                        User(username="max", display_name="Max", roles=["moderator"], team="QA")])
    root.audits.insert([make_audit("A-0001")])
    root.clone("quinn").moderation.assign("A-0001", "mo")
    root.close()
    return path


def test_a_re_audited_audit_is_not_given_to_another_moderator(path):
    quinn = open_store(path, "quinn", clock=clock_on(TODAY))
    moderation.assign_moderator(quinn, "A-0001", "max")  # still to re-audit: another may take it
    moderation.assign_moderator(quinn, "A-0001", "mo")
    mo = open_store(path, "mo", clock=clock_on(TODAY))
    moderation.submit_blind(mo, "A-0001", full_blind(mo, "A-0001", "mo", "good"))
    assert moderation_views.moderation_stage(mo, "A-0001") is ModerationState.to_reconcile
    with pytest.raises(Refused, match="already re-audited"):
        moderation.assign_moderator(quinn, "A-0001", "max")
    assert [a.moderator for a in quinn.moderation.assignments()] == ["mo"]
    with pytest.raises(Refused, match="already submitted"):
        moderation.submit_blind(mo, "A-0001", full_blind(mo, "A-0001", "mo", "good"))
    moderation.reconcile(mo, "A-0001", "agreed", None, None, "Well evidenced")
    assert moderation_views.moderation_stage(mo, "A-0001") is ModerationState.reconciled
    with pytest.raises(Refused, match="already stored"):
        moderation.reconcile(mo, "A-0001", "agreed", None, None, "again")


def test_the_queue_and_the_progress_carry_states(path):
    mo = open_store(path, "mo", clock=clock_on(TODAY))
    [row] = moderation_views.moderation_queue(mo, "mo")
    assert row.stage is ModerationState.assigned and row.stage_words == "to re-audit" and not row.done


def test_a_stored_catalogue_that_cannot_be_read_is_told_not_swapped(path):
    mo = open_store(path, "mo", clock=clock_on(TODAY))
    blind = full_blind(mo, "A-0001", "mo", "good")
    mo.close()
    db = raw_connection(path)  # the version the audit was scored against, damaged behind the app
    with db:
        db.execute("INSERT INTO catalogues (name, version, toml, stored_at, stored_by) "
                   "VALUES ('standards', '2024.1', 'not [valid toml', '2024-05-20T12:00:00+00:00', 'quinn')")
    db.close()
    mo = open_store(path, "mo", clock=clock_on(TODAY))
    other = load_catalogue(None).model_copy(update={"version": "2099.9"})
    with pytest.raises(BadInput, match="stored catalogue: not valid TOML"):
        moderation_views.blind_view(mo, "A-0001", other)
    with pytest.raises(BadInput, match="stored catalogue: not valid TOML"):
        moderation.submit_blind(mo, "A-0001", blind, running_catalogue=other)
    # the app running the very version the audit was scored against scores with it
    running = load_catalogue(None)
    assert running.version == "2024.1"
    assert moderation_views.blind_view(mo, "A-0001", running).standards
