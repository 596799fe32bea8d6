"""After a retention redaction of the demo, what people read shows the mark where the words
were: the inspection pack, the themes report in every format, the case and audit views. Nothing
that reads the text refuses it (a length, a format), and `verify` still passes."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from audit_tools.quarters import Quarter
from audit_tools.redaction import Selection
from caseaudit.services import cases, moderation_views, pack, redaction, themes
from db import open_store
from db.maintenance import verify_file

CLOCK = lambda: datetime(2025, 9, 30, 12, 0, tzinfo=timezone.utc)  # noqa: E731
MARK = "[redacted 2025-09-30: retention schedule]"


@pytest.fixture(scope="module")
def redacted(tmp_path_factory):
    from caseaudit.services.demo import build_demo
    from sample_audits import load_sample

    path = build_demo(tmp_path_factory.mktemp("shown") / "demo.db", load_sample)
    store = open_store(path, "demo", clock=CLOCK)
    reach = redaction.redact(store, Selection(older_than=date(2025, 7, 1)), "retention schedule")
    assert reach.audits and reach.events and reach.moderations
    (audit_id, case_ref), = store.db.execute(
        "SELECT a.audit_id, a.case_ref FROM audits a JOIN moderations m ON m.audit_id = a.audit_id "
        "WHERE a.status = 'submitted' AND a.submitted_on < '2025-07-01' AND a.data LIKE ? "
        "ORDER BY a.audit_id LIMIT 1", [f"%{MARK}%"]).fetchall()
    store.close()
    return path, audit_id, case_ref


def test_verify_passes_after_the_demo_is_redacted(redacted):
    path, _, _ = redacted
    assert verify_file(path).ok


def test_the_pack_and_the_themes_report_carry_the_mark(redacted, tmp_path):
    path, _, case_ref = redacted
    store = open_store(path, "demo", clock=CLOCK)
    _, written = pack.export_pack(store, [case_ref], "md", tmp_path / "pack.md", as_of=date(2025, 9, 30),
                                  include_notes=True)
    assert MARK in written.read_text(encoding="utf-8")
    pack.export_pack(store, [case_ref], "xlsx", tmp_path / "pack.xlsx", as_of=date(2025, 9, 30), include_notes=True)
    quarter = Quarter.parse("2025-26-Q1")
    for fmt in ("json", "md", "xlsx"):
        out = themes.export_themes_report(store, quarter, fmt, tmp_path / f"themes.{fmt}", include_notes=True)
        if fmt != "xlsx":  # Markdown escapes the brackets, so the mark reads as written
            shown = MARK.replace("[", "\\[").replace("]", "\\]") if fmt == "md" else MARK
            assert shown in out.read_text(encoding="utf-8"), fmt
    out = themes.export_themes_report(store, quarter, "csv", tmp_path / "themes-csv", include_notes=True)
    assert any(MARK in part.read_text(encoding="utf-8") for part in out.iterdir())
    store.close()


def test_the_case_and_moderation_views_read_the_mark(redacted):
    path, audit_id, case_ref = redacted
    store = open_store(path, "demo", clock=CLOCK)
    user = store.user
    assert user is not None
    detail = cases.case_detail(store, user, store.reference.catalogue_for(), date(2025, 9, 30), case_ref)
    assert detail is not None
    view = moderation_views.reconcile_view(store, audit_id)
    assert view is not None
    audit = store.audits.get(audit_id)
    assert audit is not None and MARK in audit.notes.values()
    assert audit.moderation is not None and audit.moderation.reason == MARK
    store.close()
