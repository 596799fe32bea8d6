"""Reference data: the theme vocabulary, the settings and the stored standards catalogues."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from audit_tools import settings as settings_rules
from audit_tools.errors import BadInput
from audit_tools.permissions import Op
from audit_tools.models import Audit
from audit_tools.settings import Settings
from audit_tools.standards import load_catalogue, parse_catalogue
from audit_tools.standards.catalogue import Catalogue
from db.session import Aggregate

if TYPE_CHECKING:  # the Store is made of aggregates: it imports this module
    from db.store import Store


class Reference(Aggregate):
    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._catalogues: dict[str | None, Catalogue] = {}  # parsed catalogues by their TOML text

    # -- themes -------------------------------------------------------------------------

    def themes(self) -> dict[str, str]:
        """The theme vocabulary: id -> label, in id order."""
        return {r[0]: r[1] for r in self.db.execute("SELECT theme, label FROM themes ORDER BY theme")}

    def add_theme(self, theme: str, label: str) -> None:
        self.session.require(Op.extend_themes)
        theme, label = theme.strip(), label.strip()
        if not theme or not label:
            raise BadInput("a theme needs an id and a label")
        with self.session.transaction():
            if self.db.execute("SELECT 1 FROM themes WHERE theme = ?", [theme]).fetchone():
                raise BadInput(f"theme {theme}: already in the vocabulary")
            self.db.execute("INSERT INTO themes (theme, label, added_by, added_at) VALUES (?, ?, ?, ?)",
                            [theme, label, self.session.actor, self.session.at()])
            self.session.record("theme added", {"theme": theme, "label": label})

    # -- settings -----------------------------------------------------------------------

    def settings(self) -> Settings:
        """The service's settings, with the model's default for any not stored."""
        stored = {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM settings")}
        return Settings.model_validate({k: v for k, v in stored.items() if k in Settings.model_fields})

    def set_setting(self, key: str, value: object) -> Settings:
        self.session.require(Op.change_settings)
        before = self.settings()
        changed = settings_rules.changed(before, key, value)
        with self.session.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, json.dumps(value)])
            self.session.record("setting changed", {"key": key, "value": value, "was": getattr(before, key)})
        return changed

    # -- the demo ------------------------------------------------------------------------

    def mark_demo(self, username: str, today: date) -> None:
        """Record that this file is the demo (`caseaudit demo`), seen as `username` on `today`:
        the command line then works on it as that user and on that day."""
        self.session.require(Op.mark_demo)
        value = {"user": username, "today": today.isoformat()}
        with self.session.transaction():
            self.db.execute("INSERT INTO settings (key, value) VALUES ('demo', ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [json.dumps(value)])
            self.session.record("demo database marked", value)

    def demo(self) -> tuple[str, date] | None:
        """(user, today) of a demo database; None for a council's own."""
        row = self.db.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
        if row is None:
            return None
        value = json.loads(row[0])
        return value["user"], date.fromisoformat(value["today"])

    # -- standards catalogues -------------------------------------------------------------

    def store_catalogue(self, text: str, where: str = "catalogue") -> tuple[str, str]:
        """Validate and keep a standards catalogue; returns (name, version). Same name and
        version with different text is refused: audits name the version they were scored on."""
        self.session.require(Op.manage_standards)
        catalogue = parse_catalogue(text, where=where)
        with self.session.transaction():
            row = self.db.execute("SELECT toml FROM catalogues WHERE name = ? AND version = ?",
                                  [catalogue.name, catalogue.version]).fetchone()
            if row is not None:
                if row[0] != text:
                    raise BadInput(f"{where}: catalogue {catalogue.name} version {catalogue.version} is "
                                   "already stored with different standards; give it a new version")
                return catalogue.name, catalogue.version
            self.db.execute(
                "INSERT INTO catalogues (name, version, toml, stored_at, stored_by) VALUES (?, ?, ?, ?, ?)",
                [catalogue.name, catalogue.version, text, self.session.at(), self.session.actor])
            self.session.record("catalogue stored", {"name": catalogue.name, "version": catalogue.version})
        return catalogue.name, catalogue.version

    def catalogue_text(self, version: str | None = None) -> str | None:
        """The stored catalogue TOML of `version`, else the latest stored (None: none stored)."""
        if version is not None:
            row = self.db.execute("SELECT toml FROM catalogues WHERE version = ? ORDER BY id DESC LIMIT 1",
                                  [version]).fetchone()
            if row:
                return str(row[0])
        row = self.db.execute("SELECT toml FROM catalogues ORDER BY id DESC LIMIT 1").fetchone()
        return str(row[0]) if row else None

    def catalogue(self, version: str | None = None) -> Catalogue:
        """The stored catalogue of `version`, else the latest stored, else the shipped default."""
        text = self.catalogue_text(version)
        cached = self._catalogues.get(text)
        if cached is None:
            cached = load_catalogue(None) if text is None else parse_catalogue(text, where="stored catalogue")
            self._catalogues[text] = cached
        return cached

    def catalogue_for(self, audit: Audit | None = None) -> Catalogue:
        """The one answer to "which standards?": the version the audit was scored against,
        and for a new audit (or none) the council's stored catalogue."""
        return self.catalogue(audit.catalogue_version if audit is not None else None)

    def catalogues(self) -> list[dict[str, Any]]:
        return [dict(name=r[0], version=r[1], stored_at=r[2], stored_by=r[3]) for r in self.db.execute(
            "SELECT name, version, stored_at, stored_by FROM catalogues ORDER BY id")]
