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
        least = next((m.ge for m in Settings.model_fields[key].metadata if hasattr(m, "ge")), 0)
        raise BadInput(f"{key}: {value!r} is not a whole number of {least} or more") from None
