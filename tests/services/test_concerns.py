"""Who sees which safeguarding concern (`caseaudit concerns`, the dashboard, the header)."""

from __future__ import annotations

from caseaudit.services import concerns as service
from tests.support import USERS, admin_store, make_case

BY_NAME = {u.username: u for u in USERS}


def test_each_user_sees_the_concerns_they_must_act_on_or_raised(tmp_path):
    store = admin_store(tmp_path / "caseaudit.db")
    store.cases.upsert([make_case("C-2002", team="South").model_copy(update={"line_manager": "ben"})])
    service.raise_concern(store.clone("amy"), BY_NAME["amy"], "C-1001", None, "found", "act")  # eve manages
    service.raise_concern(store.clone("cat"), BY_NAME["cat"], "C-2002", None, "found", "act")  # ben manages

    def seen(name: str) -> list[str]:
        return [c.concern_id for c in service.visible(store.clone(name), BY_NAME[name])]

    assert seen("quinn") == ["SC-000002", "SC-000001"]  # QA lead: all, newest first
    assert seen("eve") == ["SC-000001"]  # line manager of C-1001
    assert seen("amy") == ["SC-000001"]  # raised it
    assert seen("ben") == ["SC-000002"]
    assert seen("dan") == []
    assert service.waiting_figures(store.clone("eve"), BY_NAME["eve"]) == (1, 1)
    assert service.waiting_figures(store.clone("amy"), BY_NAME["amy"]) == (0, 0)  # raised it, but does not act on it
    assert [c.concern_id for c in service.for_user(store.clone("quinn"), BY_NAME["quinn"])] == ["SC-000002", "SC-000001"]
