"""A redacted audit opens in the form as any other: the mark stands in its note, override
reason and completed action's description, the open action keeps its words."""

from __future__ import annotations

from textual.widgets import Input

from audit_tools.redaction import Selection
from db import open_store
from tests.tui.conftest import add_submitted_audit
from tests.tui.keys import settle
from tests.tui.test_audit_keyboard import open_app
from tests.tui.test_imported_audits import open_case
from tui.screens.audit_form import AuditFormScreen


async def test_a_redacted_audit_shows_the_mark_where_the_words_were(db_path):
    add_submitted_audit(db_path)  # A-0001 of C-2, a note, an override reason, one action open, one done
    store = open_store(db_path, "admin")
    reach = store.redaction.redact(Selection(audit="A-0001"), "erasure request")
    store.close()
    assert reach.open_actions == 1 and len(reach.actions) == 1
    mark = reach.replacement
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_case(pilot, down=1)
        await pilot.press("tab", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AuditFormScreen)
        assert form.query_one("#reason-chronology", Input).value == mark
        assert form.query_one("#note-chronology", Input).value == mark
        descriptions = [box.value for box in form.query(Input) if (box.id or "").startswith("action-description-")]
        assert sorted(descriptions) == sorted(["Rewrite the chronology", mark])
