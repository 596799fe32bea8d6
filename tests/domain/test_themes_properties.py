"""Properties of the themes figures over generated audits: the counts always add up, and
the csv tables always agree with the JSON."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from audit_tools.exporters.tables import cell_text, themes_tables
from audit_tools.models import Action, Audit, Case, Moderation, User
from audit_tools.quarters import Quarter
from audit_tools.themes import ThemesInput, pct, themes_report

Q = Quarter.parse("2024-25-Q2")  # 1 July to 30 September 2024
STATUSES = ["met", "partly_met", "not_met", "not_applicable"]
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
DAYS = st.integers(min_value=-120, max_value=120).map(lambda d: Q.start + timedelta(days=d))

actions = st.builds(
    lambda due, done: Action(description="x", owner="ben", due=due, completed_on=done),
    DAYS, st.one_of(st.none(), DAYS),
)
audits = st.builds(
    lambda i, submitted, grade, scores, acts, mod: Audit(
        audit_id=f"A{i}", case_ref=f"C{i % 3}", auditor=["amy", "ben"][i % 2], as_of=submitted,
        submitted_on=submitted, grade=grade, scores=scores, actions=acts,
        moderation=None if mod is None else Moderation(moderator="dan", grade=mod)),
    st.integers(0, 10_000), DAYS, st.sampled_from(GRADES),
    st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), st.sampled_from(STATUSES)),
    st.lists(actions, max_size=3), st.one_of(st.none(), st.sampled_from(GRADES)),
)


def data_for(items: list[Audit]) -> ThemesInput:
    unique = list({a.audit_id: a for a in items}.values())
    return ThemesInput(
        audits=unique,
        cases={f"C{i}": Case(case_ref=f"C{i}", case_type="EH", start_date=date(2024, 1, 1),
                             team=["north", "south", None][i]) for i in range(3)},
        users=[User(username=u, display_name=u, roles=["auditor"]) for u in ("amy", "ben", "eve")],
        standards=[("s1", "One"), ("s2", "Two"), ("s3", "Three")],
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(audits, max_size=25))
def test_counts_add_up(items):
    data = data_for(items)
    r = themes_report(Q, data)
    mine = [a for a in data.audits if Q.contains(a.submitted_on)]
    assert r.audits.completed == len(mine) == sum(r.audits.by_team.values()) == sum(r.grades.values())
    assert sum(v.completed for v in r.audits.by_auditor.values()) == len(mine)
    assert r.audits.by_auditor["eve"].completed == 0 and r.audits.by_auditor["eve"].expected == 6
    for s in r.standards.values():
        assert s.n == s.met + s.partly_met + s.not_met
        if s.n:
            exact = (Decimal(s.met) * 100 / s.n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            assert s.pct_met == float(exact)
        else:
            assert s.pct_met is None
    a = r.actions
    assert a.raised == sum(len(x.actions) for x in mine)
    assert a.open == a.raised - a.completed
    assert 0 <= a.overdue <= a.open and 0 <= a.completed_on_time <= a.completed
    m = r.moderation
    assert m.moved_down + m.moved_up <= m.moderated
    assert r.previous.audits.completed == sum(1 for x in data.audits if Q.previous().contains(x.submitted_on))


@settings(max_examples=40, deadline=None)
@given(st.lists(audits, max_size=20))
def test_csv_tables_agree_with_json(items):
    r = themes_report(Q, data_for(items))
    doc = r.to_json()
    tables = {t.name: t for t in themes_tables(r)}

    def rows(name):
        t = tables[name]
        buf = io.StringIO()
        csv.writer(buf).writerows([t.headers] + [[cell_text(v) for v in row] for row in t.rows])
        return list(csv.DictReader(io.StringIO(buf.getvalue())))

    for row in rows("standards"):
        want = doc["standards"][row["standard"]]
        assert int(row["n"]) == want["n"] and int(row["met"]) == want["met"]
        assert (float(row["pct_met"]) if row["pct_met"] else None) == want["pct_met"]
    assert {row["grade"]: int(row["audits"]) for row in rows("grades")} == doc["grades"]
    assert {k: int(v) for k, v in rows("actions")[0].items() if k != "quarter"} == doc["actions"]


def test_pct_is_half_up_for_every_small_fraction():
    # Independent of Decimal: tenths of a per cent, half up, in whole numbers:
    # floor(part × 1000 / whole + ½) = (2 × part × 1000 + whole) // (2 × whole).
    for whole in range(1, 201):
        for part in range(whole + 1):
            tenths = (2 * part * 1000 + whole) // (2 * whole)
            assert pct(part, whole) == tenths / 10, (part, whole)
