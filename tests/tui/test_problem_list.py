"""One problem list for the audit form and the blind re-audit (findings 6 and 7 of issue
14): every problem listed and reachable by scrolling, and the list shrinking as things are
put right."""

from __future__ import annotations

from tests.tui.keys import settle, wait_until
from tests.tui.test_audit_keyboard import choose, open_app, open_new_audit, type_text
from tui.widgets.problems import ProblemsBox


def listed(box: ProblemsBox) -> list[str]:
    return [line for line in box.text.splitlines() if line.startswith("• ")]


async def test_every_problem_is_listed_scrollable_and_the_list_shrinks_as_they_are_fixed(db_path):
    app = open_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_new_audit(pilot)
        await choose(pilot, "status-cp-visits", "not met")  # needs a reason, a note and an action
        await pilot.press("ctrl+r")
        await settle(pilot)
        box = form.query_one("#audit-problems", ProblemsBox)
        count = len(box.problems)
        assert count > ProblemsBox.FITS
        assert box.text.startswith(f"Not submitted: {count} things to put right (scroll for the rest")
        assert len(listed(box)) == count
        # Standards by their title, as everywhere a person reads; the ids are for files.
        assert ("• Child on a protection plan seen every 10 working days: changing the automatic "
                "status (met) to not met needs a reason") in listed(box)
        assert not any(line.startswith("• cp-visits") for line in listed(box))
        # More than fit: the box scrolls to its last line, with the keyboard too.
        assert box.max_scroll_y > 0 and box.can_focus
        box.focus()
        await pilot.press("end")
        await wait_until(pilot, lambda: box.scroll_y == box.max_scroll_y, "the box scrolled to its end")

        await type_text(pilot, "reason-cp-visits", "visits were not purposeful")
        await settle(pilot)
        assert len(box.problems) == count - 1
        assert not any("needs a reason" in line for line in listed(box))
        await choose(pilot, "status-voice-of-child", "met")
        assert len(box.problems) == count - 2
