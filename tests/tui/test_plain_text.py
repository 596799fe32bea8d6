"""Names and references on screen are plain text: an older database's display name holding
markup, an ESC colour code and an OSC-8 link, and a team holding a click action, are shown
as written (the controls as [U+001B]), in the header, in a list and in a notification; none
is read as markup, and no escape character reaches the terminal."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable

from audit_tools.models import Case, User
from audit_tools.standards import load_catalogue
from db import open_store
from db.clock import fixed_clock
from tests.tui.conftest import TODAY
from tests.tui.keys import settle
from tui.app import CaseauditApp
from tui.screens.cases import CasesScreen

NAME = "[b]Eve[/b] \x1b[31mred \x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\"
TEAM = "[@click=app.quit]north"


def shown(strip) -> str:
    return "".join(segment.text for segment in strip)


async def test_stored_markup_and_escape_codes_are_shown_as_written(db_path):
    store = open_store(db_path, "admin")
    store.people.upsert([User(username="eve", display_name=NAME, roles=["auditor", "qa_lead"], team=TEAM)])
    store.cases.upsert([Case(case_ref="C-\x1b[5m9", case_type="EH", start_date=date(2024, 1, 2), team=TEAM,
                             worker="wes", line_manager="max")])
    store.close()
    store = open_store(db_path, "eve", clock=fixed_clock(TODAY))
    app = CaseauditApp(store=store, user=store.people.get("eve"), catalogue=load_catalogue())
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        header = app.screen.query_one("HeaderTitle")
        text = shown(header.render_line(0))
        assert "[b]Eve[/b] [U+001B][31mred [U+001B]]8;;https://evil.example/[U+001B]\\link" in text
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        table = app.screen.query_one(DataTable)
        painted = "\n".join(shown(table.render_line(y)) for y in range(table.size.height))
        assert "C-[U+001B][5m9" in painted and "[@click=app.quit]north" in painted
        app.notify(f"saved for {NAME}")
        await pilot.pause()
        [toast] = [n for n in app._notifications if "saved for" in n.message]
        assert "\x1b" not in toast.message and "[b]Eve[/b]" in toast.message and not toast.markup
        assert app.is_running  # the [@click=app.quit] in a team name quit nothing
