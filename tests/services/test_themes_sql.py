"""The themes report counted in SQL (db.reports, audit_tools.themes.report_from_rows) is the
same document as the one computed from whole audits (audit_tools.themes.themes_report)."""

from __future__ import annotations

import pytest

from audit_tools.agreement import agreement
from audit_tools.quarters import Quarter
from caseaudit.services import moderation
from caseaudit.services.themes import themes_for, themes_from_audits
from db import open_store
from db.identity import current_username
from sample_audits import load_sample


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "caseaudit.db"
    store = open_store(path, current_username())
    store.people.ensure_admin()
    load_sample(store)
    yield store
    store.close()


def _quarters(store) -> list[Quarter]:
    days = sorted({a.submitted_on for a in store.audits.list(status="submitted")})
    found = sorted({Quarter.of(d).code for d in days})
    quarters = [Quarter.parse(code) for code in found]
    # One quarter after the last, so an empty quarter with a busy previous one is checked too.
    return quarters + [quarters[-1].next()]


def test_sample_data_has_what_the_comparison_needs(sample_store):
    audits = sample_store.audits.list(status="submitted")
    assert any(a.moderation is not None for a in audits)
    assert any(a.actions for a in audits)
    assert len(_quarters(sample_store)) >= 3


@pytest.mark.parametrize("include_notes", [False, True])
def test_sql_counts_give_the_report_computed_from_audits(sample_store, include_notes):
    for quarter in _quarters(sample_store):
        fast = themes_for(sample_store, quarter, include_notes=include_notes).to_json()
        slow = themes_from_audits(sample_store, quarter, include_notes=include_notes).to_json()
        assert fast == slow, quarter.code
    assert fast["audits"]["completed"] + fast["previous"]["audits"]["completed"] > 0


def test_agreement_from_sql_pairs_matches_agreement_of_audits(sample_store):
    for quarter in _quarters(sample_store):
        audits = sample_store.audits.list(submitted_from=quarter.start, submitted_to=quarter.end,
                                          status="submitted")
        assert moderation.quarter_agreement(sample_store, quarter).as_json() == \
            agreement(audits, quarter).as_json(), quarter.code


def test_sample_frame_from_sql_is_the_domain_frame(sample_store):
    from audit_tools import sampling

    for quarter in _quarters(sample_store):
        audits = sample_store.audits.list(submitted_from=quarter.start, submitted_to=quarter.end,
                                          status="submitted")
        expected = sampling.build_frame(audits, quarter, sample_store.samples.audit_ids())
        got = moderation.sample_frame(sample_store, quarter)
        assert [(a.audit_id, a.auditor) for a in got] == [(a.audit_id, a.auditor) for a in expected]
