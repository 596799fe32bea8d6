"""The QA lead sees the assignment before it is stored, and a changed plan is not stored."""

from __future__ import annotations

import pytest

from audit_tools.errors import BadInput
from audit_tools.models import Role, User
from caseaudit.services import moderation as ms
from db import open_store
from tests.tui.conftest import build_db
from tests.tui.test_moderation_screens import build


@pytest.fixture
def lee(tmp_path):
    path = tmp_path / "caseaudit.db"
    build_db(path)
    build(path)
    store = open_store(path, "lee")
    ms.draw_sample(store, "2024-25-Q1", "0.5", 1, "board-2024")
    return store


def test_the_preview_stores_nothing_and_is_what_is_stored(lee):
    plan = ms.plan_assignment(lee, "2024-25-Q1")
    assert len(plan) == 3 and set(plan.values()) <= {"mo", "mia"}
    assert lee.moderation.assignments() == []
    assert ms.assign_sample(lee, "2024-25-Q1", expected=plan) == plan
    assert {a.audit_id: a.moderator for a in lee.moderation.assignments()} == plan


def test_a_plan_that_changed_since_the_preview_is_not_stored(lee):
    plan = ms.plan_assignment(lee, "2024-25-Q1")
    changed = {audit_id: ("mia" if moderator == "mo" else "mo") for audit_id, moderator in plan.items()}
    with pytest.raises(BadInput, match="changed since the preview"):
        ms.assign_sample(lee, "2024-25-Q1", expected=changed)
    assert lee.moderation.assignments() == []


def test_only_independent_moderators_are_offered_with_their_open_work(lee, tmp_path):
    admin = open_store(tmp_path / "caseaudit.db", "admin")
    admin.people.upsert([User(username="max", display_name="Max Manager",
                              roles=[Role.auditor, Role.moderator], team="north")])
    first = ms.plan_assignment(lee, "2024-25-Q1")
    ms.assign_sample(lee, "2024-25-Q1")
    audit_id = sorted(first)[0]
    offered = ms.eligible_moderators_for(lee, audit_id)
    # max manages every case here (cp_case), so he is never offered.
    assert [(m.username, m.display_name) for m in offered] == [("mia", "Mia Moderator"), ("mo", "Mo Moderator")]
    loads = {m.username: m.open_load for m in offered}
    assert sum(loads.values()) == 3
