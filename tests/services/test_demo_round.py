"""The demo holds one thematic round in progress: neglect, six cases, two auditors, some answers in."""

from __future__ import annotations

from caseaudit.cli import app as entry
from caseaudit.services.dashboard import dashboard
from caseaudit.services.rounds import progress, report, verify_round
from db import open_store


def test_the_demo_has_a_neglect_round_in_progress(tmp_path):
    store = open_store(entry.build_demo(tmp_path / "demo.db"), "demo")
    [(round_id, name, *_)] = store.rounds.list()
    made, differences = verify_round(store, round_id)
    assert differences == [] and made.seed == "caseaudit-demo-neglect" and name.startswith("Neglect")
    assert len(made.selected) == 6 and len(made.auditors) == 2 and "demo" in made.auditors
    assert all(s.auditor for s in made.selected)
    done = progress(store, round_id)
    assert (done.selected, done.audited, done.outstanding) == (6, 2, 4)
    figures = report(store, round_id)
    assert all(q.n == 2 for q in figures.questions) and len(figures.questions) == 4
    mine = dashboard(store, store.user, entry.DEMO_TODAY).round_cases
    assert len(mine) == 3 and all(c.status is None for c in mine)
