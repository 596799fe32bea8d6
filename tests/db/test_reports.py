"""The report queries read a quarter through the indexes: EXPLAIN QUERY PLAN on a small file."""

from __future__ import annotations

import re

import pytest

from db.reports import QUERIES
from tests.support import admin_store

# The tables a report reads per audit; each must be reached by a SEARCH, never a full SCAN.
PER_AUDIT = {"audits": "a", "scores": "s", "audit_themes": "t", "actions": "x", "moderations": "m",
             "sample_members": "sm", "cases": "c"}


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    store = admin_store(tmp_path_factory.mktemp("plans") / "c.db")
    yield dict(store.reports.query_plans())
    store.close()


def test_every_report_query_has_a_plan(plans):
    assert set(plans) == set(QUERIES)


@pytest.mark.parametrize("what, index", [("audits grouped", "audits_for_reports"),
                                         ("scores grouped", "scores_for_reports"),
                                         ("actions grouped", "actions_for_reports")])
def test_the_themes_counts_read_the_covering_indexes(plans, what, index):
    assert f"COVERING INDEX {index}" in plans[what], plans[what]


@pytest.mark.parametrize("what", ["imported audits", "scores grouped"])
def test_imported_audits_are_found_in_their_index_not_in_each_audits_json(plans, what):
    # Reading `imported` from each audit's JSON read every audit row of both quarters.
    assert "INDEX audits_imported_for_reports (submitted_on>" in plans[what], plans[what]
    assert "SEARCH a USING INDEX audits_by_submitted" not in plans[what], plans[what]


@pytest.mark.parametrize("what", ["audit list", "action list"])
def test_the_detail_lists_read_the_covering_index(plans, what):
    assert "SEARCH a USING COVERING INDEX audits_for_reports" in plans[what], plans[what]


@pytest.mark.parametrize("what", sorted(QUERIES))
def test_no_full_scan_of_a_per_audit_table(plans, what):
    plan = plans[what]
    for table, alias in PER_AUDIT.items():
        assert not re.search(rf"\bSCAN ({table}|{alias})\b", plan), f"{what}: {plan}"
    # A quarter's audits are found by submission date; the sample progress starts at the samples.
    if what == "sample progress":
        assert "SEARCH p USING INDEX samples_by_quarter" in plan
    else:
        assert re.search(r"SEARCH a USING (COVERING )?INDEX audits_(by_submitted|for_reports|imported_for_reports) \(submitted_on>", plan), \
            f"{what}: {plan}"
