"""The service's settings: one model, so a default is written once and a bad value is
refused the same way wherever it is set."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError

from audit_tools.agreement import DEFAULT_MIN_PAIRS
from audit_tools.errors import BadInput
from audit_tools.models import Model


class Settings(Model):
    audit_quota_per_month: int = Field(default=2, ge=0, strict=True)
    independence_window_months: int = Field(default=12, ge=0, strict=True)
    independence_mode: Literal["warn", "block"] = "warn"  # what a recent audit of the case does
    # The fewest moderated pairs an auditor needs in a quarter before the agreement figures
    # flag them "possibly insufficiently critical" (docs/moderation.md, "Flag").
    agreement_min_pairs: int = Field(default=DEFAULT_MIN_PAIRS, ge=1, strict=True)
    # The operating-system group a council shares the database with (`init --group`): the
    # database, backups and exports are then 0660 owned by it, else the owner's only (0600).
    file_group: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_.-]{0,31}$")
    # Served sessions (`caseaudit serve`, docs/security.md "Sessions and throttles").
    idle_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60, strict=True)
    session_lifetime_hours: int = Field(default=12, ge=1, le=7 * 24, strict=True)
    app_process_cap: int = Field(default=50, ge=1, le=1000, strict=True)
    sessions_per_user: int = Field(default=3, ge=1, le=50, strict=True)
    lockout_after_failures: int = Field(default=10, ge=3, le=100, strict=True)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60, strict=True)
    address_failures: int = Field(default=20, ge=1, le=10_000, strict=True)
    address_window_minutes: int = Field(default=10, ge=1, le=24 * 60, strict=True)
    address_delay_seconds: int = Field(default=5, ge=1, le=600, strict=True)
    sign_in_retention_days: int = Field(default=90, ge=1, le=3 * 365, strict=True)
    upload_limit_mb: int = Field(default=20, ge=1, le=1024, strict=True)


def changed(settings: Settings, key: str, value: object) -> Settings:
    """`settings` with `key` set to `value`; BadInput names the key and why."""
    if key not in Settings.model_fields:
        raise BadInput(f"{key}: not a setting (settings: {', '.join(Settings.model_fields)})")
    try:
        return Settings.model_validate({**settings.model_dump(), key: value})
    except ValidationError:
        if key == "independence_mode":
            raise BadInput(f"independence_mode: {value!r} is not warn or block") from None
        if key == "file_group":
            raise BadInput(f"file_group: {value!r} is not a group name") from None
        metadata = Settings.model_fields[key].metadata
        least = next((m.ge for m in metadata if hasattr(m, "ge")), 0)
        most = next((m.le for m in metadata if hasattr(m, "le")), None)
        if most is not None:
            raise BadInput(f"{key}: {value!r} is not a whole number from {least} to {most}") from None
        raise BadInput(f"{key}: {value!r} is not a whole number of {least} or more") from None
