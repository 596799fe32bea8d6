"""A half-done blind re-audit is kept as a draft for its moderator only, recorded in the
history, and refused once the re-audit is submitted."""

from __future__ import annotations

import pytest

from audit_tools.errors import Refused
from audit_tools.models import Moderation
from caseaudit.services import moderation as ms
from db import open_store
from tests.support import full_blind
from tests.tui.conftest import build_db
from tests.tui.test_moderation import add_moderated_case


def test_a_draft_is_the_moderators_own_and_ends_with_the_submission(tmp_path):
    path = tmp_path / "ca.db"
    build_db(path)
    audit_id = add_moderated_case(path)
    mo = open_store(path, "mo")
    assert mo.moderation.blind_drafts_of("mo") == set()
    ms.save_blind_draft(mo, audit_id, Moderation(moderator="mo", grade="good", scores={"cp-visits": "met"}))
    assert mo.moderation.blind_drafts_of("mo") == {audit_id}
    assert mo.moderation.blind_drafts_of("amy") == set()
    assert mo.moderation.blind_draft(audit_id, "mo").scores["cp-visits"].value == "met"
    assert mo.moderation.blind_draft(audit_id, "amy") is None
    [entry] = mo.history.entries(what="re-audit draft saved")
    assert entry.actor == "mo" and entry.details["audit_id"] == audit_id
    with pytest.raises(Refused, match="amy may not moderate audits: needs the moderator role"):
        ms.save_blind_draft(open_store(path, "amy"), audit_id, Moderation(moderator="amy"))

    ms.submit_blind(mo, audit_id, full_blind(mo, audit_id, "mo", "good"))
    assert mo.moderation.blind_draft(audit_id, "mo") is None
    assert mo.moderation.blind_drafts_of("mo") == set()
    with pytest.raises(Refused, match="already submitted"):
        ms.save_blind_draft(mo, audit_id, Moderation(moderator="mo", grade="outstanding"))
    assert mo.history.verify().ok
