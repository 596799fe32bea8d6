"""One definition of each rule the store and the screens used to hold twice."""

from __future__ import annotations

from datetime import datetime, timezone

from audit_tools.amendments import AMENDABLE
from audit_tools.models import Grade, Moderation, Outcome
from caseaudit.services import audits as audit_service
from caseaudit.services import moderation as moderation_service
from caseaudit.services import moderation_escalations
from db import open_store
from db.clock import today
from tests.support import FixedClock, admin_store, make_audit


def test_today_is_the_date_in_london_not_in_utc(tmp_path):
    late = lambda: datetime(2025, 7, 1, 23, 30, tzinfo=timezone.utc)  # noqa: E731
    assert today(late).isoformat() == "2025-07-02"
    store = open_store(tmp_path / "ca.db", "root", clock=late)
    assert store.today().isoformat() == "2025-07-02"


def test_the_form_and_the_store_amend_the_same_fields(tmp_path):
    # The form's list lacked `automatic`: a corrected engine status was dropped from the amendment.
    before = make_audit()
    after = before.model_validate({**before.model_dump(mode="json"), "automatic": {"chronology": "met"}})
    assert audit_service.audit_changes(before, after) == {"automatic": {"chronology": "met"}}
    assert set(audit_service.AMENDABLE_FIELDS) == set(AMENDABLE)


def test_settings_have_one_default(tmp_path):
    store = admin_store(tmp_path / "ca.db")
    store.db.execute("DELETE FROM settings WHERE key = 'independence_window_months'")
    assert store.reference.settings().independence_window_months == 12
    store.reference.set_setting("independence_mode", "block")
    assert store.reference.settings().independence_mode == "block"


def test_whitespace_only_feedback_is_no_feedback_on_the_dashboard_and_the_feedback_screen(tmp_path):
    path = tmp_path / "ca.db"
    admin_store(path).audits.insert([make_audit()])
    quinn = open_store(path, "quinn", clock=FixedClock())
    quinn.moderation.assign("A-0001", "cat")
    cat = open_store(path, "cat", clock=FixedClock())
    cat.moderation.save("A-0001", Moderation(moderator="cat", grade=Grade.good, outcome=Outcome.agreed,
                                             final_grade=Grade.good, feedback="Well evidenced"))
    amy = open_store(path, "amy", clock=FixedClock())
    assert amy.moderation.count_feedback_waiting("amy") == len(moderation_escalations.feedback_waiting(amy)) == 1
    # feedback of nothing but a line break and a tab, as an older import could leave it
    amy.db.execute("UPDATE moderations SET feedback = ?, data = json_set(data, '$.feedback', ?)",
                   ["\n\t", "\n\t"])
    assert amy.moderation.count_feedback_waiting("amy") == len(moderation_escalations.feedback_waiting(amy)) == 0


def test_the_app_uses_the_stored_catalogue(tmp_path):
    from audit_tools.standards.catalogue import default_catalogue_text
    from tui.app import make_app

    path = tmp_path / "ca.db"
    store = admin_store(path)
    store.reference.store_catalogue(default_catalogue_text().replace('version = "2024.1"', 'version = "2025.1"'))
    app = make_app(path, username="root")
    assert app.catalogue.version == "2025.1" == store.reference.catalogue_for().version
