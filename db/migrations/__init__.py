"""The schema, as ordered named steps applied once each (sqlite_utils.Migrations).

A newer caseaudit opening an older file applies only the steps that file lacks;
running `caseaudit init` twice changes nothing the second time. Never edit a step
that has shipped: add a new one, in the newest steps module, after the last step.
The steps register on `migrations` in the order their modules are imported below.

Which steps a file lacks is read with one query of sqlite-utils' own record of them
(`_sqlite_migrations`), so opening a current file, as every start-up does, needs no
sqlite-utils; the steps themselves are applied by its Migrations, imported then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from db.connection import transaction

if TYPE_CHECKING:
    import sqlite_utils

Step = Callable[["sqlite_utils.Database"], None]


class Migration(NamedTuple):
    name: str
    fn: Step


class Steps:
    """The named steps in order, registered as on sqlite_utils.Migrations (`@migrations()`),
    recorded as it records them (the same table, set and names), so files written by
    either read the same."""

    migrations_table = "_sqlite_migrations"

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: list[Migration] = []

    def __call__(self, *, name: str | None = None) -> Callable[[Step], Step]:
        def register(fn: Step) -> Step:
            step_name = name or fn.__name__
            if any(step.name == step_name for step in self.steps):
                raise ValueError(f"Migration '{step_name}' is already registered in set '{self.name}'")
            self.steps.append(Migration(step_name, fn))
            return fn

        return register

    def pending(self, db: sqlite_utils.Database) -> list[Migration]:
        """The steps not yet applied to `db`, in order (reads only)."""
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                      [self.migrations_table]).fetchone() is None:
            return list(self.steps)
        applied = {row[0] for row in db.execute(
            f"SELECT name FROM {self.migrations_table} WHERE migration_set = ?", [self.name])}
        return [step for step in self.steps if step.name not in applied]

    def apply(self, db: sqlite_utils.Database, *, stop_before: str | Iterable[str] | None = None) -> None:
        """Apply the pending steps, each with its record, as sqlite_utils.Migrations.apply does."""
        # Here, not at the top: only a file that lacks steps needs sqlite-utils to apply them
        from sqlite_utils import Migrations

        steps = Migrations(self.name)
        for step in self.steps:
            steps(name=step.name)(step.fn)
        steps.apply(db, stop_before=stop_before)


migrations = Steps("caseaudit")

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
