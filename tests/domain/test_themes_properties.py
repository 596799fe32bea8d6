"""Properties of the themes report over generated rows of the store's counts: the figures
always add up, and the csv tables always agree with the JSON."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from audit_tools.exporters.tables import cell_text, themes_tables
from audit_tools.models import User
from audit_tools.quarters import Quarter
from audit_tools.themes import GRADE_ORDER, QuarterCounts, ReportRows, fraction, pct, report_from_rows

Q = Quarter.parse("2024-25-Q2")  # 1 July to 30 September 2024
STATUSES = ["met", "partly_met", "not_met", "not_applicable"]
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
STANDARDS = [("s1", "One"), ("s2", "Two"), ("s3", "Three")]
USERS = [User(username=u, display_name=u, roles=["auditor"]) for u in ("amy", "ben", "eve")] + [
    User(username="qal", display_name="qal", roles=["qa_lead"])]
COUNT = st.integers(min_value=1, max_value=40)


@st.composite
def quarter_counts(draw) -> QuarterCounts:
    by_auditor = draw(st.dictionaries(st.sampled_from(["amy", "ben", "qal", "zed"]), COUNT))
    automatic = draw(st.integers(0, 50))
    return QuarterCounts(
        by_team=sorted(draw(st.dictionaries(st.sampled_from(["north", "south", "unallocated"]), COUNT)).items()),
        by_auditor=sorted(by_auditor.items()),
        final_grades=sorted(draw(st.dictionaries(st.sampled_from([*GRADES, None]), COUNT)).items(),
                            key=lambda row: str(row[0])),
        scores=[(sid, status, n) for (sid, status), n in sorted(draw(st.dictionaries(
            st.tuples(st.sampled_from(["s1", "s2", "s3", "s9"]), st.sampled_from(STATUSES)), COUNT)).items())],
        themes=[(t, kind, n) for (t, kind), n in sorted(draw(st.dictionaries(
            st.tuples(st.sampled_from(["voice-of-child", "chronology", "other"]),
                      st.sampled_from(["strength", "improvement"])), COUNT)).items())],
        pairs=draw(st.lists(st.tuples(st.sampled_from(["amy", "ben"]), st.sampled_from(GRADES),
                                      st.sampled_from(GRADES), COUNT), max_size=6)),
        overrides=(automatic, draw(st.integers(0, automatic))),
    )


def rows(this: QuarterCounts, previous: QuarterCounts) -> ReportRows:
    return ReportRows(this=this, previous=previous, users=USERS, quota=2, standards=STANDARDS)


@settings(max_examples=60, deadline=None)
@given(quarter_counts(), quarter_counts())
def test_figures_add_up(this, previous):
    r = report_from_rows(Q, rows(this, previous))
    done = dict(this.by_auditor)
    assert r.audits.completed == sum(done.values()) == sum(v.completed for v in r.audits.by_auditor.values())
    # Every auditor is listed with the quarter's quota (2 a month × 3); anyone else who audited, with none.
    for name, figures in r.audits.by_auditor.items():
        assert figures.expected == (6 if name in ("amy", "ben", "eve") else 0)
        assert figures.completed == done.get(name, 0)
    assert {"amy", "ben", "eve"} <= set(r.audits.by_auditor)
    assert list(r.grades) == [g.value for g in GRADE_ORDER]
    assert sum(r.grades.values()) == sum(n for grade, n in this.final_grades if grade is not None)
    assert list(r.standards)[:3] == ["s1", "s2", "s3"]
    for s in r.standards.values():
        assert s.n == s.met + s.partly_met + s.not_met
        if s.n:
            exact = (Decimal(s.met) * 100 / s.n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            assert s.pct_met == float(exact)
        else:
            assert s.pct_met is None
    pairs = sum(n for *_, n in this.pairs)
    m = r.moderation
    assert m.moved_down + m.moved_up <= pairs
    assert (m.exact_agreement is None) == (pairs == 0)
    assert m.exact_agreement is None or 0 <= m.exact_agreement <= 1
    assert r.overrides.rate == fraction(this.overrides[1], this.overrides[0])
    assert r.previous.audits.completed == sum(n for _, n in previous.by_auditor)


@settings(max_examples=40, deadline=None)
@given(quarter_counts(), quarter_counts())
def test_csv_tables_agree_with_json(this, previous):
    r = report_from_rows(Q, rows(this, previous))
    doc = r.to_json()
    tables = {t.name: t for t in themes_tables(r)}

    def table_rows(name):
        t = tables[name]
        buf = io.StringIO()
        csv.writer(buf).writerows([t.headers] + [[cell_text(v) for v in row] for row in t.rows])
        return list(csv.DictReader(io.StringIO(buf.getvalue())))

    for row in table_rows("standards"):
        want = doc["standards"][row["standard"]]
        assert int(row["n"]) == want["n"] and int(row["met"]) == want["met"]
        assert (float(row["pct_met"]) if row["pct_met"] else None) == want["pct_met"]
    assert {row["grade"]: int(row["audits"]) for row in table_rows("grades")} == doc["grades"]
    assert {k: int(v) for k, v in table_rows("actions")[0].items() if k != "quarter"} == doc["actions"]


def test_pct_is_half_up_for_every_small_fraction():
    # Independent of Decimal: tenths of a per cent, half up, in whole numbers:
    # floor(part × 1000 / whole + ½) = (2 × part × 1000 + whole) // (2 × whole).
    for whole in range(1, 201):
        for part in range(whole + 1):
            tenths = (2 * part * 1000 + whole) // (2 * whole)
            assert pct(part, whole) == tenths / 10, (part, whole)
