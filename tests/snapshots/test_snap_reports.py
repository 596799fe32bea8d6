"""Snapshots of the reports screen at fixed terminal sizes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))
from test_reports import ReportsApp, build_reports_db  # noqa: E402

from tests.snapshots.test_snap_tui import settled  # noqa: E402
from tests.support import copy_database  # noqa: E402

# Shown on screen, never written to: no export happens in a snapshot.
EXPORT_FOLDER = "/srv/caseaudit/reports"


@pytest.fixture
def app(tmp_path, built):
    path = copy_database(built("reports", build_reports_db), tmp_path / "caseaudit.db")
    return ReportsApp(path, "qa", EXPORT_FOLDER)


def test_summary_100x36(snap_compare, app):
    assert snap_compare(app, terminal_size=(100, 36), run_before=settled)


def test_standards_80x24(snap_compare, app):
    async def standards(pilot):
        await settled(pilot)
        await pilot.press("right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=standards)


def test_charts_160x48(snap_compare, app):
    async def charts(pilot):
        await settled(pilot)
        await pilot.press("right", "right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(160, 48), run_before=charts)


def test_charts_80x24(snap_compare, app):
    async def charts(pilot):
        await settled(pilot)
        await pilot.press("right", "right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=charts)
