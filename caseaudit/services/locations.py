"""The one place that knows where caseaudit keeps things in a person's own folders
(platformdirs): the database, the demo, the log, the preferences and the reports.

Every caller asks here, so a council that moves one (or a test that points them all at a
temporary folder through XDG_* variables) changes one module.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "caseaudit"


def data_folder() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_db_path() -> Path:
    """caseaudit.db in the user data folder (when neither --db nor $CASEAUDIT_DB names one)."""
    return data_folder() / "caseaudit.db"


def demo_db_path() -> Path:
    return data_folder() / "caseaudit-demo.db"


def log_folder() -> Path:
    return Path(platformdirs.user_log_dir(APP, appauthor=False))


def config_folder() -> Path:
    """The person's own choices (the theme) live here, not in the database."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def reports_folder() -> Path:
    """Where the reports screen offers to write a report: caseaudit in the person's documents."""
    return Path(platformdirs.user_documents_dir()) / APP
