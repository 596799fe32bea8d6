"""The schema, as ordered named steps applied once each (sqlite_utils.Migrations).

A newer caseaudit opening an older file applies only the steps that file lacks;
running `caseaudit init` twice changes nothing the second time. Never edit a step
that has shipped: add a new one, in the newest steps module, after the last step.
The steps register on `migrations` in the order their modules are imported below.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from db.connection import transaction

migrations = Migrations("caseaudit")

DEFAULT_SETTINGS: dict[str, object] = {
    "audit_quota_per_month": 2,
    "independence_window_months": 12,
    "independence_mode": "warn",  # warn | block
    "agreement_min_pairs": 5,  # audit_tools.agreement.DEFAULT_MIN_PAIRS
}

# Imported for the steps they register, in order: m001-m006, then m007 onwards.
from db.migrations import steps_001_006, steps_007_on  # noqa: E402,F401
from db.migrations import steps_i23  # noqa: E402,F401
from db.migrations import steps_i28  # noqa: E402,F401
from db.migrations import steps_i25  # noqa: E402,F401
from db.migrations import steps_i27  # noqa: E402,F401
from db.migrations import steps_i27_imports  # noqa: E402,F401


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply pending steps; returns their names (empty when the file is current)."""
    if not migrations.pending(db):
        return []
    # One BEGIN IMMEDIATE around all steps: two programs opening a new file at the
    # same moment queue here, and the second finds nothing left to do.
    with transaction(db):
        names = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return names
