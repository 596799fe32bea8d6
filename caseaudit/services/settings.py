"""The settings a council changes (`caseaudit settings`): listed, read and set by an admin,
each value checked by the one settings model and every change recorded in the history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audit_tools.errors import BadInput
from audit_tools.permissions import Op, require
from audit_tools.settings import Settings
from db.store import Store

# Set elsewhere, because changing it does more than store a value: `init --group` also
# gives the database and its folder to the group.
NOT_HERE = {"file_group": "set with `caseaudit init --group NAME`, which also shares the files"}

WHAT = {
    "audit_quota_per_month": "audits each auditor is expected to do a month",
    "independence_window_months": "months in which a case's recent audit counts against a new one",
    "independence_mode": "what a recent audit of the case does: warn or block",
    "agreement_min_pairs": "fewest moderated pairs before an auditor's agreement is flagged",
    "file_group": "the group the database is shared with (init --group)",
    "idle_timeout_minutes": "a browser session ends after this long with nothing typed",
    "session_lifetime_hours": "a browser session ends this long after signing in, however busy",
    "app_process_cap": "most app processes `caseaudit serve` runs at once",
    "sessions_per_user": "most browser sessions one person may have open",
    "lockout_after_failures": "failed sign-ins in a row that lock a name",
    "lockout_minutes": "how long a locked name stays locked",
    "address_failures": "failed sign-ins from one address, within the window, before it is slowed",
    "address_window_minutes": "the window those failures are counted in",
    "address_delay_seconds": "the wait a try from a slowed address",
    "sign_in_retention_days": "days the sign-in log (with client addresses) is kept",
    "upload_limit_mb": "largest file an admin may upload to `serve --files`, in megabytes",
}


@dataclass(frozen=True)
class SettingLine:
    key: str
    value: Any
    default: Any
    what: str


def _lines(settings: Settings) -> list[SettingLine]:
    defaults = Settings()
    return [SettingLine(key, getattr(settings, key), getattr(defaults, key), WHAT.get(key, ""))
            for key in Settings.model_fields]


def listing(store: Store, key: str | None = None) -> list[SettingLine]:
    """Every setting (or the one named), with its default and what it does. An admin's."""
    require(store.user, Op.change_settings)
    lines = _lines(store.reference.settings())
    if key is None:
        return lines
    found = [line for line in lines if line.key == key]
    if not found:
        raise BadInput(f"{key}: not a setting (settings: {', '.join(Settings.model_fields)})")
    return found


def parse(key: str, text: str) -> Any:
    """The value typed at the command line, as the setting's type."""
    field = Settings.model_fields.get(key)
    if field is None:
        raise BadInput(f"{key}: not a setting (settings: {', '.join(Settings.model_fields)})")
    if field.annotation is int:
        try:
            return int(text.strip())
        except ValueError:
            raise BadInput(f"{key}: {text!r} is not a whole number") from None
    return text.strip()


def change(store: Store, key: str, text: str) -> SettingLine:
    """Set `key` from the text typed, checked by the settings model; recorded in the history."""
    require(store.user, Op.change_settings)
    if key in NOT_HERE:
        raise BadInput(f"{key}: {NOT_HERE[key]}")
    store.reference.set_setting(key, parse(key, text))
    return listing(store, key)[0]
